// Reductions: x viewed as [outer, inner] through a Layout whose kept axes come first and reduced
// axes last (the Java side permutes the view), y [outer] contiguous. One block of REDUCE_THREADS
// threads per output element; each thread strides over the inner index, then a shared-memory
// tree combines the partial results. Fixed order: the same input gives the same bits every run.
#include "striate.cuh"

#define REDUCE_THREADS 256

extern "C" __global__ void sum_forward_f32(long long outer, long long inner, Layout xl, const float *x,
                                           float *y) {
    __shared__ float part[REDUCE_THREADS];
    for (long long o = blockIdx.x; o < outer; o += gridDim.x) {
        float s = 0.0f;
        for (long long r = threadIdx.x; r < inner; r += blockDim.x) {
            s += x[at(xl, o * inner + r)];
        }
        part[threadIdx.x] = s;
        __syncthreads();
        for (int h = blockDim.x / 2; h > 0; h /= 2) {
            if (threadIdx.x < h) {
                part[threadIdx.x] += part[threadIdx.x + h];
            }
            __syncthreads();
        }
        if (threadIdx.x == 0) {
            y[o] = part[0];
        }
        __syncthreads();
    }
}

// max that lets NaN win, as Math.max
__device__ __forceinline__ float nan_max(float a, float b) {
    return isnan(a) || isnan(b) ? a + b : fmaxf(a, b);
}

extern "C" __global__ void max_forward_f32(long long outer, long long inner, Layout xl, const float *x,
                                           float *y) {
    __shared__ float part[REDUCE_THREADS];
    for (long long o = blockIdx.x; o < outer; o += gridDim.x) {
        float m = -INFINITY;
        for (long long r = threadIdx.x; r < inner; r += blockDim.x) {
            m = nan_max(m, x[at(xl, o * inner + r)]);
        }
        part[threadIdx.x] = m;
        __syncthreads();
        for (int h = blockDim.x / 2; h > 0; h /= 2) {
            if (threadIdx.x < h) {
                part[threadIdx.x] = nan_max(part[threadIdx.x], part[threadIdx.x + h]);
            }
            __syncthreads();
        }
        if (threadIdx.x == 0) {
            y[o] = part[0];
        }
        __syncthreads();
    }
}

// Reductions: x viewed as [outer, inner] through a Layout whose kept axes come first and reduced
// axes last (the Java side permutes the view), y [outer] contiguous. One block of REDUCE_THREADS
// threads per output element; each thread strides over the inner index, then a shared-memory
// tree combines the partial results. Fixed order: the same input gives the same bits every run.
// Sums add in double and round to float once, as the CPU backend's and the reference's do (a float
// accumulator over millions of positive terms drifts by 1e-3 of the sum).
#include "striate.cuh"

#define REDUCE_THREADS 256

extern "C" __global__ void sum_forward_f32(long long outer, long long inner, Layout xl, const float *x,
                                           float *y) {
    __shared__ double part[REDUCE_THREADS];
    for (long long o = blockIdx.x; o < outer; o += gridDim.x) {
        double s = 0.0;
        for (long long r = threadIdx.x; r < inner; r += blockDim.x) {
            s += x[at(xl, o * inner + r)];
        }
        double total = block_sum(s, part);
        if (threadIdx.x == 0) {
            y[o] = (float) total;
        }
    }
}

// Pass 1 of a sum with few outputs and long rows (a full sum, a loss's mean): block (o, s) of a grid
// [outer, splits] sums run s, [s*inner/splits, (s+1)*inner/splits), of row o, so the whole GPU reads
// x rather than one block per output; partial[o*splits + s]. Pass 2 is sum_partials_forward_f32.
extern "C" __global__ void sum_chunks_forward_f32(long long outer, long long inner, int splits, Layout xl,
                                                  const float *x, double *partial) {
    __shared__ double part[REDUCE_THREADS];
    long long o = blockIdx.x;
    int s = blockIdx.y;
    long long first = inner / splits * s + inner % splits * s / splits;
    long long end = inner / splits * (s + 1) + inner % splits * (s + 1) / splits;
    double sum = 0.0;
    for (long long r = first + threadIdx.x; r < end; r += blockDim.x) {
        sum += x[at(xl, o * inner + r)];
    }
    double total = block_sum(sum, part);
    if (threadIdx.x == 0) {
        partial[o * splits + s] = total;
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

// Sums keeping one middle block of axes of a contiguous x viewed as [a, c, b]: y[j] = sum over i < a, k < b of
// x[(i*c + j)*b + k] (a bias gradient: dy [n, c, h, w] is a = n, b = h*w; dy [n, c] is a = n, b = 1). Two passes,
// both in a fixed order set by the shape alone, so the bits do not depend on the GPU: pass 1 splits the rows
// i into `splits` runs [s*a/splits, (s+1)*a/splits) and writes one partial sum per (j, run) to partial
// [c, per] (per = splits, or splits*b for the column form); pass 2 (sum_partials_forward_f32) adds each j's
// partials in order.

// Pass 1 for b >= 32: block (j, s) of a grid [c, splits] sums the rows of run s of channel j, its threads striding
// over k (coalesced; four floats a load when b and the row starts are multiples of four), then a shared-memory
// tree. partial[j*splits + s].
extern "C" __global__ void sum_channels_forward_f32(int a, int c, long long b, int splits, const float *x,
                                                    double *partial) {
    __shared__ double part[REDUCE_THREADS];
    int j = blockIdx.x, s = blockIdx.y;
    int first = (int) ((long long) s * a / splits), end = (int) ((long long) (s + 1) * a / splits);
    double sum = 0.0;
    bool vec4 = (b & 3) == 0 && ((unsigned long long) x & 15) == 0;
    for (int i = first; i < end; i++) {
        const float *row = x + ((long long) i * c + j) * b;
        if (vec4) {
            const float4 *row4 = (const float4 *) row;
            for (long long k = threadIdx.x; k < b / 4; k += blockDim.x) {
                float4 v = row4[k];
                sum += ((double) v.x + v.y) + ((double) v.z + v.w);
            }
        } else {
            for (long long k = threadIdx.x; k < b; k += blockDim.x) {
                sum += row[k];
            }
        }
    }
    double total = block_sum(sum, part);
    if (threadIdx.x == 0) {
        partial[(long long) j * splits + s] = total;
    }
}

// Pass 1 for b < 32: x as [a, c*b]; thread q of a grid [ceil(c*b / threads), splits] sums column q over run s of
// the rows (neighbouring threads read neighbouring columns). partial[(j*b + k)*splits + s] for column q = j*b + k,
// so each j's partials are the b*splits values from j*b*splits on.
extern "C" __global__ void sum_columns_forward_f32(int a, long long cb, int splits, const float *x,
                                                   double *partial) {
    long long q = blockIdx.x * (long long) blockDim.x + threadIdx.x;
    int s = blockIdx.y;
    if (q >= cb) {
        return;
    }
    int first = (int) ((long long) s * a / splits), end = (int) ((long long) (s + 1) * a / splits);
    double sum = 0.0;
    for (int i = first; i < end; i++) {
        sum += x[(long long) i * cb + q];
    }
    partial[q * splits + s] = sum;
}

// Pass 2: y[j] = sum of the double partials partial[j*per .. (j+1)*per), in order, rounded to float
// once; one thread per j.
extern "C" __global__ void sum_partials_forward_f32(int c, int per, const double *partial, float *y) {
    FOR_EACH(j, c) {
        const double *p = partial + (long long) j * per;
        double sum = 0.0;
        for (int k = 0; k < per; k++) {
            sum += p[k];
        }
        y[j] = (float) sum;
    }
}

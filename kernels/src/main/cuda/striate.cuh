// Shared by every Striate kernel file: the strided layout of an operand, the grid-stride loop and the block sum.
// A Layout maps the row-major linear index i of the output to an element offset of one input:
// rank 0 means contiguous (offset + i); otherwise i is split over dims (last axis fastest) and
// each coordinate is multiplied by its stride (0 along broadcast axes). Java packs it as 18 longs
// (striate.cuda.Layout); MAX_RANK must match there.
#pragma once

#define MAX_RANK 8

struct Layout {
    long long rank;
    long long offset;
    long long dims[MAX_RANK];
    long long strides[MAX_RANK];
};

__device__ __forceinline__ long long at(const Layout &l, long long i) {
    if (l.rank == 0) {
        return l.offset + i;
    }
    long long p = l.offset;
#pragma unroll 1
    for (int a = (int) l.rank - 1; a >= 0; a--) {
        long long d = l.dims[a];
        p += (i % d) * l.strides[a];
        i /= d;
    }
    return p;
}

// for (i over [0, n)) spread over the whole grid
#define FOR_EACH(i, n) \
    for (long long i = blockIdx.x * (long long) blockDim.x + threadIdx.x; i < (n); \
         i += (long long) blockDim.x * gridDim.x)

// Whether an operand read through l from p is contiguous and starts 16 bytes aligned: it can be read as float4s.
__device__ __forceinline__ bool as_float4(const Layout &l, const float *p) {
    return l.rank == 0 && (reinterpret_cast<unsigned long long>(p + l.offset) & 15) == 0;
}

__device__ __forceinline__ bool aligned16(const float *p) {
    return (reinterpret_cast<unsigned long long>(p) & 15) == 0;
}

// The sum of every thread's v over the block (blockDim.x a power of two) by a shared-memory tree in a fixed order,
// returned to every thread: the same bits every run. part is the caller's __shared__ T[blockDim.x], free again on
// return.
template <typename T>
__device__ T block_sum(T v, T *part) {
    part[threadIdx.x] = v;
    __syncthreads();
    for (int h = blockDim.x / 2; h > 0; h /= 2) {
        if (threadIdx.x < h) {
            part[threadIdx.x] += part[threadIdx.x + h];
        }
        __syncthreads();
    }
    T total = part[0];
    __syncthreads();
    return total;
}

// Mixed precision's kernels: casts between bfloat16/float16 and float32, float64, int32 (and between the two 2-byte
// types), the dense copy and concatenation of 2-byte elements, and a fused convolution's ReLU on a 2-byte output.
// Every conversion goes through float32 as the CPU's does (striate.tensor.BFloat16, Float.floatToFloat16): a float64
// is rounded to float32 first, then to the 2-byte type, to nearest even (__float2bfloat16_rn, __float2half_rn), so
// values past the largest finite one become infinities and a NaN stays a NaN; widening a 2-byte value is exact.
// float → int32 truncates toward zero, saturating, NaN → 0 (PTX's cvt.rzi, as Java's (int)). Inputs are strided
// views (Layout, see striate.cuh); outputs are contiguous.
#include <cuda_bf16.h>
#include <cuda_fp16.h>
#include "striate.cuh"

__device__ __forceinline__ float as_float(float v) { return v; }
__device__ __forceinline__ float as_float(double v) { return (float) v; }
__device__ __forceinline__ float as_float(int v) { return (float) v; }
__device__ __forceinline__ float as_float(__nv_bfloat16 v) { return __bfloat162float(v); }
__device__ __forceinline__ float as_float(__half v) { return __half2float(v); }

template <typename T> __device__ __forceinline__ T narrow(float v);
template <> __device__ __forceinline__ float narrow<float>(float v) { return v; }
template <> __device__ __forceinline__ double narrow<double>(float v) { return (double) v; }
template <> __device__ __forceinline__ int narrow<int>(float v) { return (int) v; }
template <> __device__ __forceinline__ __nv_bfloat16 narrow<__nv_bfloat16>(float v) { return __float2bfloat16_rn(v); }
template <> __device__ __forceinline__ __half narrow<__half>(float v) { return __float2half_rn(v); }

// cast_forward_<from>_<to>, one side (or both) a 2-byte type
#define CAST(from, to, tf, tt)                                                                \
    extern "C" __global__ void cast_forward_##from##_##to(long long n, Layout xl, const tf *x, \
                                                         tt *y) {                             \
        FOR_EACH(i, n) {                                                                      \
            y[i] = narrow<tt>(as_float(x[at(xl, i)]));                                        \
        }                                                                                     \
    }

CAST(f32, bf16, float, __nv_bfloat16)
CAST(f64, bf16, double, __nv_bfloat16)
CAST(i32, bf16, int, __nv_bfloat16)
CAST(f16, bf16, __half, __nv_bfloat16)
CAST(f32, f16, float, __half)
CAST(f64, f16, double, __half)
CAST(i32, f16, int, __half)
CAST(bf16, f16, __nv_bfloat16, __half)
CAST(bf16, f32, __nv_bfloat16, float)
CAST(bf16, f64, __nv_bfloat16, double)
CAST(bf16, i32, __nv_bfloat16, int)
CAST(f16, f32, __half, float)
CAST(f16, f64, __half, double)
CAST(f16, i32, __half, int)

// Dense copy of a strided view of any 2-byte type (bfloat16 and float16 alike).
extern "C" __global__ void copy_forward_f16(long long n, Layout xl, const unsigned short *x, unsigned short *y) {
    FOR_EACH(i, n) {
        y[i] = x[at(xl, i)];
    }
}

// One input of a concatenation into its place in y, as cat_forward_f32 (elementwise.cu), for any 2-byte type.
extern "C" __global__ void cat_forward_f16(long long n, Layout xl, const unsigned short *x, long long run,
                                           long long row, long long start, unsigned short *y) {
    FOR_EACH(i, n) {
        y[(i / run) * row + start + i % run] = x[at(xl, i)];
    }
}

// The ReLU of a fused convolution (striate.op.Conv2dOp with relu, no bias) on cuDNN's 2-byte output y, in place:
// 0 where y <= 0, else y (NaN stays NaN), as conv2d_bias_relu_forward_f32. It commutes with rounding, so it is
// exact on the rounded sum.
#define CONV_RELU(t, T)                                                                      \
    extern "C" __global__ void conv2d_relu_forward_##t(long long n, T *y) {                 \
        FOR_EACH(i, n) {                                                                     \
            float v = as_float(y[i]);                                                        \
            y[i] = narrow<T>(v <= 0.0f ? 0.0f : v);                                          \
        }                                                                                    \
    }

CONV_RELU(bf16, __nv_bfloat16)
CONV_RELU(f16, __half)

// The bias of a fused 2-byte convolution, written before it: y [n, k, plane] = bias[channel]. cuDNN then adds the
// product with beta = 1 in its float32 epilogue (alpha·Σ + beta·y), so product and bias are summed in float32 and
// rounded to the 2-byte type once.
#define CONV_BIAS_FILL(t, T)                                                                 \
    extern "C" __global__ void conv2d_bias_forward_##t(long long n, int k, long long plane,    \
                                                    const T *bias, T *y) {                   \
        FOR_EACH(i, n) {                                                                     \
            y[i] = bias[(i / plane) % k];                                                    \
        }                                                                                    \
    }

CONV_BIAS_FILL(bf16, __nv_bfloat16)
CONV_BIAS_FILL(f16, __half)

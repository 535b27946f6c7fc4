// Elementwise kernels: unary functions, affine, LeakyReLU and its gradient, power, binary functions with
// broadcasting, where, copy, cast, zero padding, concatenation and counter-based uniform random numbers. Inputs are
// strided views (Layout, see striate.cuh); outputs are contiguous, written at the linear index i (a concatenation's
// input at its place in y). The formulas follow the reference backend (striate.op.UnaryFn / BinaryFn,
// RandomUniformOp), computed in float except where noted.
#include "striate.cuh"

// Contiguous, 16-byte aligned operands (the usual case: whole tensors from the allocator) are read and written as
// float4s, four elements per thread and iteration, the last n % 4 one by one; the launch then sizes its grid for
// n / 4 threads (CudaElementwise.fourAtATime). Any other operand goes element by element through its Layout.
#define UNARY(name, expr)                                                                     \
    __device__ __forceinline__ float name##_of(float v) { return (expr); }                    \
    extern "C" __global__ void name##_forward_f32(long long n, Layout xl, const float *x,   \
                                                  float *y) {                                 \
        if (as_float4(xl, x) && aligned16(y)) {                                               \
            const float4 *x4 = reinterpret_cast<const float4 *>(x + xl.offset);               \
            float4 *y4 = reinterpret_cast<float4 *>(y);                                       \
            long long n4 = n >> 2;                                                            \
            FOR_EACH(j, n4) {                                                                 \
                float4 a = x4[j];                                                             \
                y4[j] = make_float4(name##_of(a.x), name##_of(a.y), name##_of(a.z),           \
                                    name##_of(a.w));                                          \
            }                                                                                 \
            FOR_EACH(t, n & 3) {                                                              \
                long long i = (n4 << 2) + t;                                                  \
                y[i] = name##_of(x[xl.offset + i]);                                           \
            }                                                                                 \
            return;                                                                           \
        }                                                                                     \
        FOR_EACH(i, n) {                                                                      \
            y[i] = name##_of(x[at(xl, i)]);                                                   \
        }                                                                                     \
    }

UNARY(neg, -v)
UNARY(exp, expf(v))
UNARY(log, logf(v))
UNARY(sqrt, sqrtf(v))
UNARY(abs, fabsf(v))
UNARY(sign, v > 0.0f ? 1.0f : v < 0.0f ? -1.0f : v)   // keeps ±0 and NaN, as Math.signum
UNARY(step, v > 0.0f ? 1.0f : 0.0f)
UNARY(sigmoid, v >= 0.0f ? 1.0f / (1.0f + expf(-v)) : expf(v) / (1.0f + expf(v)))
UNARY(tanh, tanhf(v))
UNARY(relu, v <= 0.0f ? 0.0f : v)                 // NaN stays NaN, as PyTorch's relu
UNARY(erf, erff(v))
UNARY(log1p, log1pf(v))

// The epilogue of a fused convolution (striate.op.Conv2dOp with bias and/or relu), in place on cuDNN's
// output y [n, k, plane]: y + bias[channel] when has_bias, then 0 where ≤ 0 when relu (NaN stays NaN, as relu).
extern "C" __global__ void conv2d_bias_relu_forward_f32(long long n, int k, long long plane, const float *bias,
                                                       int has_bias, int relu, float *y) {
    FOR_EACH(i, n) {
        float v = has_bias ? y[i] + bias[(i / plane) % k] : y[i];
        y[i] = relu && v <= 0.0f ? 0.0f : v;
    }
}

// y = scale·x + shift, in double as the reference
extern "C" __global__ void affine_forward_f32(long long n, Layout xl, const float *x, float *y,
                                              double scale, double shift) {
    FOR_EACH(i, n) {
        y[i] = (float) (scale * (double) x[at(xl, i)] + shift);
    }
}

// LeakyReLU in float (slope rounded to float, as the reference's float32 slope): y = x > 0 ? x : slope·x, and its
// gradient dx = x > 0 ? dy : slope·dy
extern "C" __global__ void leaky_relu_forward_f32(long long n, Layout xl, const float *x, float *y, double slope) {
    float s = (float) slope;
    FOR_EACH(i, n) {
        float v = x[at(xl, i)];
        y[i] = v > 0.0f ? v : s * v;
    }
}

extern "C" __global__ void leaky_relu_backward_f32(long long n, Layout gl, const float *dy, Layout xl, const float *x,
                                                   float *dx, double slope) {
    float s = (float) slope;
    FOR_EACH(i, n) {
        float g = dy[at(gl, i)];
        dx[i] = x[at(xl, i)] > 0.0f ? g : s * g;
    }
}

// y = x^e; e == 2 is a plain product, other exponents use pow in double
extern "C" __global__ void pow_forward_f32(long long n, Layout xl, const float *x, float *y, double e) {
    FOR_EACH(i, n) {
        float v = x[at(xl, i)];
        y[i] = e == 2.0 ? v * v : (float) pow((double) v, e);
    }
}

#define BINARY(name, expr)                                                                    \
    __device__ __forceinline__ float name##_of(float u, float v) { return (expr); }           \
    extern "C" __global__ void name##_forward_f32(long long n, Layout al, const float *a,   \
                                                  Layout bl, const float *b, float *y) {      \
        if (as_float4(al, a) && as_float4(bl, b) && aligned16(y)) {                           \
            const float4 *a4 = reinterpret_cast<const float4 *>(a + al.offset);               \
            const float4 *b4 = reinterpret_cast<const float4 *>(b + bl.offset);               \
            float4 *y4 = reinterpret_cast<float4 *>(y);                                       \
            long long n4 = n >> 2;                                                            \
            FOR_EACH(j, n4) {                                                                 \
                float4 u = a4[j];                                                             \
                float4 v = b4[j];                                                             \
                y4[j] = make_float4(name##_of(u.x, v.x), name##_of(u.y, v.y),                 \
                                    name##_of(u.z, v.z), name##_of(u.w, v.w));                \
            }                                                                                 \
            FOR_EACH(t, n & 3) {                                                              \
                long long i = (n4 << 2) + t;                                                  \
                y[i] = name##_of(a[al.offset + i], b[bl.offset + i]);                         \
            }                                                                                 \
            return;                                                                           \
        }                                                                                     \
        FOR_EACH(i, n) {                                                                      \
            y[i] = name##_of(a[at(al, i)], b[at(bl, i)]);                                     \
        }                                                                                     \
    }

BINARY(add, u + v)
BINARY(sub, u - v)
BINARY(mul, u * v)
BINARY(div, u / v)
BINARY(maximum, isnan(u) || isnan(v) ? u + v : fmaxf(u, v))   // NaN wins, as Math.max
BINARY(minimum, isnan(u) || isnan(v) ? u + v : fminf(u, v))
BINARY(greater, u > v ? 1.0f : 0.0f)
BINARY(less, u < v ? 1.0f : 0.0f)
BINARY(equal, u == v ? 1.0f : 0.0f)
BINARY(gate, v > 0.0f ? u : 0.0f)       // ReLU's backward: dy where the input was positive
BINARY(tanh_backward, u * fmaf(-v, v, 1.0f))        // dy·(1 − y²)
BINARY(sigmoid_backward, u * (v * (1.0f - v)))      // dy·y·(1 − y)

// y = cond ≠ 0 ? a : b
extern "C" __global__ void where_forward_f32(long long n, Layout cl, const float *c, Layout al,
                                             const float *a, Layout bl, const float *b, float *y) {
    FOR_EACH(i, n) {
        y[i] = c[at(cl, i)] != 0.0f ? a[at(al, i)] : b[at(bl, i)];
    }
}

// Dense copy of a strided view; _f32 moves any 4-byte type (int32 too), _f64 any 8-byte type.
extern "C" __global__ void copy_forward_f32(long long n, Layout xl, const unsigned int *x, unsigned int *y) {
    FOR_EACH(i, n) {
        y[i] = x[at(xl, i)];
    }
}

extern "C" __global__ void copy_forward_f64(long long n, Layout xl, const unsigned long long *x,
                                            unsigned long long *y) {
    FOR_EACH(i, n) {
        y[i] = x[at(xl, i)];
    }
}

// cast_forward_<from>_<to>: float → int truncates toward zero (saturating, NaN → 0, as Java's (int))
#define CAST(from, to, tf, tt)                                                                \
    extern "C" __global__ void cast_forward_##from##_##to(long long n, Layout xl, const tf *x, \
                                                         tt *y) {                             \
        FOR_EACH(i, n) {                                                                      \
            y[i] = (tt) x[at(xl, i)];                                                         \
        }                                                                                     \
    }

CAST(f32, f64, float, double)
CAST(f64, f32, double, float)
CAST(f32, i32, float, int)
CAST(i32, f32, int, float)
CAST(f64, i32, double, int)
CAST(i32, f64, int, double)

// Zero padding: y [before + d + after per axis] from x [d...]; yl carries y's dims (rank = x's rank),
// before the leading padding per axis. 32-bit elements (float32 and int32).
struct Pads {
    long long before[MAX_RANK];
};

extern "C" __global__ void pad_forward_f32(long long n, Layout yl, Layout xl, Pads pads,
                                           const unsigned int *x, unsigned int *y) {
    FOR_EACH(i, n) {
        long long rest = i;
        long long p = xl.offset;
        bool inside = true;
        for (int a = (int) yl.rank - 1; a >= 0; a--) {
            long long c = rest % yl.dims[a] - pads.before[a];
            rest /= yl.dims[a];
            inside = inside && c >= 0 && c < xl.dims[a];
            p += c * xl.strides[a];
        }
        y[i] = inside ? x[p] : 0u;
    }
}

// One input of a concatenation into its place in y: x (read through its layout) seen as [outer, run], run = x's length
// along the axis times the elements after it, goes to y seen as [outer, row] at columns [start, start + run).
// _f32 moves any 4-byte type (int32 too), _f64 any 8-byte type.
extern "C" __global__ void cat_forward_f32(long long n, Layout xl, const unsigned int *x, long long run, long long row,
                                           long long start, unsigned int *y) {
    FOR_EACH(i, n) {
        y[(i / run) * row + start + i % run] = x[at(xl, i)];
    }
}

extern "C" __global__ void cat_forward_f64(long long n, Layout xl, const unsigned long long *x, long long run,
                                           long long row, long long start, unsigned long long *y) {
    FOR_EACH(i, n) {
        y[(i / run) * row + start + i % run] = x[at(xl, i)];
    }
}

// SplitMix64 finalizer of (seed, index), as RandomUniformOp.uniform: u in [0, 1)
__device__ __forceinline__ double uniform(unsigned long long seed, unsigned long long index) {
    unsigned long long z = seed + (index + 1ull) * 0x9E3779B97F4A7C15ull;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    z = z ^ (z >> 31);
    return (double) (z >> 11) * 0x1.0p-53;
}

// A uniform draw is low + (high − low)·u rounded after each operation, as Java computes it (__dmul_rn/__dadd_rn keep
// nvcc from fusing them into one fma, which rounds once: float64 draws would then differ from the reference's in the
// last bit for about a fifth of the values).
// A streamed draw (RandomUniformOp.streamed) reads its stream s when it runs and draws with seed + s * step (the
// product wraps as Java's long product does); an unstreamed one gets streamed = 0 and any pointer.
__device__ __forceinline__ unsigned long long seed_at(unsigned long long seed, int streamed, const float *stream,
                                                      unsigned long long step) {
    return streamed ? seed + (unsigned long long) (long long) stream[0] * step : seed;
}

extern "C" __global__ void random_uniform_forward_f32(long long n, unsigned long long seed, double low,
                                                      double high, float *y, int streamed, const float *stream,
                                                      unsigned long long step) {
    seed = seed_at(seed, streamed, stream, step);
    FOR_EACH(i, n) {
        y[i] = (float) __dadd_rn(low, __dmul_rn(high - low, uniform(seed, (unsigned long long) i)));
    }
}

extern "C" __global__ void random_uniform_forward_f64(long long n, unsigned long long seed, double low,
                                                      double high, double *y, int streamed, const float *stream,
                                                      unsigned long long step) {
    seed = seed_at(seed, streamed, stream, step);
    FOR_EACH(i, n) {
        y[i] = __dadd_rn(low, __dmul_rn(high - low, uniform(seed, (unsigned long long) i)));
    }
}

// Box-Muller of two uniforms per element, as RandomNormalOp.valueAt: mean + std * sqrt(-2 ln(1 - u)) * cos(2 pi v),
// each operation rounded as Java rounds it (no fma of the last multiply and add; log and cos may still differ from
// the JVM's in the last bit)
__device__ __forceinline__ double normal(unsigned long long seed, unsigned long long i, double mean, double std) {
    double u = uniform(seed, 2ull * i);
    double v = uniform(seed, 2ull * i + 1ull);
    double r = __dmul_rn(std, sqrt(__dmul_rn(-2.0, log(1.0 - u))));
    return __dadd_rn(mean, __dmul_rn(r, cos(__dmul_rn(6.283185307179586, v))));
}

extern "C" __global__ void random_normal_forward_f32(long long n, unsigned long long seed, double mean, double std,
                                                     float *y, int streamed, const float *stream,
                                                     unsigned long long step) {
    seed = seed_at(seed, streamed, stream, step);
    FOR_EACH(i, n) {
        y[i] = (float) normal(seed, (unsigned long long) i, mean, std);
    }
}

extern "C" __global__ void random_normal_forward_f64(long long n, unsigned long long seed, double mean, double std,
                                                     double *y, int streamed, const float *stream,
                                                     unsigned long long step) {
    seed = seed_at(seed, streamed, stream, step);
    FOR_EACH(i, n) {
        y[i] = normal(seed, (unsigned long long) i, mean, std);
    }
}

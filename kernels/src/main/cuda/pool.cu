// Pooling: 2-D max/average pooling and its gradient on contiguous x [planes = n·c, h, w], and
// k-max pooling along one axis of x viewed as [outer, d, inner].
// Max: padded cells never win; a window's first NaN wins over any number (NaN passes through, as in Java's Math.max
// and PyTorch, whose kernels give the gradient to the last NaN), else its first maximum (row-major) wins ties.
// Average: the divisor is kh·kw with countIncludePad, else the number of cells inside the image.
// The gradients gather (one thread per dx element, windows in row-major order): no atomics, so
// results are bit-identical run to run. Max pooling's finds each window's argmax first (a pass of its own).
#include "striate.cuh"

struct Pool {
    int h, w, oh, ow, kh, kw, sh, sw, ph, pw, include_pad;
};

// input index of the first NaN, else of the first maximum, of window (oy, ox) in plane pl
__device__ long long window_argmax(const float *x, const Pool &p, long long pl, int oy, int ox) {
    long long best = -1;
    float m = 0.0f;
    for (int ky = 0; ky < p.kh; ky++) {
        int iy = oy * p.sh - p.ph + ky;
        if (iy < 0 || iy >= p.h) {
            continue;
        }
        for (int kx = 0; kx < p.kw; kx++) {
            int ix = ox * p.sw - p.pw + kx;
            if (ix < 0 || ix >= p.w) {
                continue;
            }
            long long xi = (pl * p.h + iy) * p.w + ix;
            if (best < 0 || (!(x[xi] <= m) && m == m)) { // greater, or the first NaN
                best = xi;
                m = x[xi];
            }
        }
    }
    return best;
}

__device__ int window_divisor(const Pool &p, int oy, int ox) {
    if (p.include_pad) {
        return p.kh * p.kw;
    }
    int y0 = max(oy * p.sh - p.ph, 0), y1 = min(oy * p.sh - p.ph + p.kh, p.h);
    int x0 = max(ox * p.sw - p.pw, 0), x1 = min(ox * p.sw - p.pw + p.kw, p.w);
    return (y1 - y0) * (x1 - x0);
}

extern "C" __global__ void max_pool2d_forward_f32(long long n, Pool p, const float *x, float *y) {
    FOR_EACH(i, n) {
        int ox = (int) (i % p.ow);
        int oy = (int) (i / p.ow % p.oh);
        long long pl = i / ((long long) p.ow * p.oh);
        y[i] = x[window_argmax(x, p, pl, oy, ox)];
    }
}

extern "C" __global__ void avg_pool2d_forward_f32(long long n, Pool p, const float *x, float *y) {
    FOR_EACH(i, n) {
        int ox = (int) (i % p.ow);
        int oy = (int) (i / p.ow % p.oh);
        long long pl = i / ((long long) p.ow * p.oh);
        float s = 0.0f;
        for (int ky = 0; ky < p.kh; ky++) {
            int iy = oy * p.sh - p.ph + ky;
            for (int kx = 0; kx < p.kw; kx++) {
                int ix = ox * p.sw - p.pw + kx;
                if (iy >= 0 && iy < p.h && ix >= 0 && ix < p.w) {
                    s += x[(pl * p.h + iy) * p.w + ix];
                }
            }
        }
        y[i] = s / (float) window_divisor(p, oy, ox);
    }
}

// the windows along one axis that contain input coordinate c: [*lo, *hi)
__device__ void windows_over(int c, int k, int s, int pad, int out, int *lo, int *hi) {
    int first = c + pad - k + 1;
    *lo = first <= 0 ? 0 : (first + s - 1) / s;
    *hi = min((c + pad) / s + 1, out);
}

// Max pooling's gradient in two passes, for planes of fewer than 2^31 cells: each window's first NaN or first
// maximum as an index into its plane (the argmax of max_pool2d_forward_f32's window, -1 for a window of padding
// only), then one thread per dx element adding dy over the windows that contain it and chose it, in row-major
// order. Each window is searched once, not once per cell under it.
extern "C" __global__ void max_pool2d_argmax_forward_f32(long long n, Pool p, const float *x, int *arg) {
    FOR_EACH(i, n) {
        int ox = (int) (i % p.ow);
        int oy = (int) (i / p.ow % p.oh);
        long long pl = i / ((long long) p.ow * p.oh);
        long long best = window_argmax(x, p, pl, oy, ox);
        arg[i] = best < 0 ? -1 : (int) (best - pl * p.h * p.w);
    }
}

extern "C" __global__ void max_pool2d_argmax_backward_f32(long long n, Pool p, const int *arg, const float *dy,
                                                          float *dx) {
    FOR_EACH(i, n) {
        int cell = (int) (i % ((long long) p.h * p.w));
        long long pl = i / ((long long) p.h * p.w);
        int ix = cell % p.w;
        int iy = cell / p.w;
        int y0, y1, x0, x1;
        windows_over(iy, p.kh, p.sh, p.ph, p.oh, &y0, &y1);
        windows_over(ix, p.kw, p.sw, p.pw, p.ow, &x0, &x1);
        const int *a = arg + pl * p.oh * p.ow;
        const float *g = dy + pl * p.oh * p.ow;
        float sum = 0.0f;
        for (int oy = y0; oy < y1; oy++) {
            for (int ox = x0; ox < x1; ox++) {
                int w = oy * p.ow + ox;
                if (a[w] == cell) {
                    sum += g[w];
                }
            }
        }
        dx[i] = sum;
    }
}

extern "C" __global__ void avg_pool2d_backward_f32(long long n, Pool p, const float *dy, float *dx) {
    FOR_EACH(i, n) {
        int ix = (int) (i % p.w);
        int iy = (int) (i / p.w % p.h);
        long long pl = i / ((long long) p.w * p.h);
        int y0, y1, x0, x1;
        windows_over(iy, p.kh, p.sh, p.ph, p.oh, &y0, &y1);
        windows_over(ix, p.kw, p.sw, p.pw, p.ow, &x0, &x1);
        float g = 0.0f;
        for (int oy = y0; oy < y1; oy++) {
            for (int ox = x0; ox < x1; ox++) {
                g += dy[(pl * p.oh + oy) * p.ow + ox] / (float) window_divisor(p, oy, ox);
            }
        }
        dx[i] = g;
    }
}

// k-max pooling (Kalchbrenner et al., 2014): per line (o, i) of x [outer, d, inner] keep the k largest
// values in their original order; an element's rank counts the larger ones and the equal ones before
// it, so ties keep the earlier element. One thread per line, O(d²).
// The reference ranks with Double.compare, a total order: every NaN equal and above +inf, -0 below +0. This key
// orders floats the same way as signed integers.
__device__ int total_order_key(float f) {
    if (isnan(f)) {
        return 0x7fffffff;
    }
    int b = __float_as_int(f);
    return b >= 0 ? b : b ^ 0x7fffffff;
}

__device__ bool kept(const float *line, long long inner, int d, int j, int k) {
    int v = total_order_key(line[j * inner]);
    int rank = 0;
    for (int q = 0; q < d && rank < k; q++) {
        int u = total_order_key(line[q * inner]);
        rank += u > v || (u == v && q < j);
    }
    return rank < k;
}

extern "C" __global__ void kmax_pool_forward_f32(long long lines, long long inner, int d, int k,
                                                 const float *x, float *y) {
    FOR_EACH(l, lines) {
        long long o = l / inner, in = l % inner;
        const float *line = x + o * d * inner + in;
        float *out = y + o * k * inner + in;
        int slot = 0;
        for (int j = 0; j < d && slot < k; j++) {
            if (kept(line, inner, d, j, k)) {
                out[slot++ * inner] = line[j * inner];
            }
        }
    }
}

extern "C" __global__ void kmax_pool_backward_f32(long long lines, long long inner, int d, int k,
                                                  const float *x, const float *dy, float *dx) {
    FOR_EACH(l, lines) {
        long long o = l / inner, in = l % inner;
        const float *line = x + o * d * inner + in;
        const float *g = dy + o * k * inner + in;
        float *out = dx + o * d * inner + in;
        int slot = 0;
        for (int j = 0; j < d; j++) {
            out[j * inner] = slot < k && kept(line, inner, d, j, k) ? g[slot++ * inner] : 0.0f;
        }
    }
}

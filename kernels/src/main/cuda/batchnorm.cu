// Training-mode batch norm, forward and backward (formulas on striate.op.BatchNormOp and BatchNormBackwardOp):
// x [n, c, s] contiguous (the host makes strided views dense first), one block of BN_THREADS threads per channel
// over a grid-stride loop of channels. Each thread sums its share of the channel's n·s values in a fixed order and
// a shared-memory tree adds the threads' sums in double, so the results are the same bits every run (no atomics).
//   forward:  (x, weight [c], bias [c]) → [n·c·s + 2c]: y, then the mean [c], then 1/√(σ² + eps) [c].
//   backward: (dy, x, mean [c], invstd [c], weight [c]) → [n·c·s + 2c]: dx, then dweight [c], then dbias [c].
#include "striate.cuh"

#define BN_THREADS 256

// The offset of the e-th of channel ch's n·s values.
__device__ __forceinline__ long long bn_at(long long e, long long ch, long long c, long long s) {
    return ((e / s) * c + ch) * s + e % s;
}

extern "C" __global__ void batch_norm_forward_f32(long long n, long long c, long long s, double eps, const float *x,
                                                  const float *w, const float *b, float *y) {
    __shared__ double part[BN_THREADS];
    long long m = n * s;
    long long size = m * c;
    for (long long ch = blockIdx.x; ch < c; ch += gridDim.x) {
        double sum = 0;
        for (long long e = threadIdx.x; e < m; e += blockDim.x) {
            sum += x[bn_at(e, ch, c, s)];
        }
        double mean = block_sum(sum, part) / m;
        double sq = 0;
        for (long long e = threadIdx.x; e < m; e += blockDim.x) {
            double d = x[bn_at(e, ch, c, s)] - mean;
            sq += d * d;
        }
        double invstd = 1.0 / sqrt(block_sum(sq, part) / m + eps);
        float fm = (float) mean;
        float rest = (float) (mean - fm); // the mean = fm + rest: (x − fm) is exact near the mean, then rest comes off
        float scale = (float) (w[ch] * invstd);
        float shift = b[ch];
        for (long long e = threadIdx.x; e < m; e += blockDim.x) {
            long long at = bn_at(e, ch, c, s);
            y[at] = fmaf(__fsub_rn(__fsub_rn(x[at], fm), rest), scale, shift);
        }
        if (threadIdx.x == 0) {
            y[size + ch] = fm;
            y[size + c + ch] = (float) invstd;
        }
    }
}

extern "C" __global__ void batch_norm_backward_f32(long long n, long long c, long long s, const float *dy,
                                                   const float *x, const float *mean, const float *invstd,
                                                   const float *w, float *d) {
    __shared__ double part[BN_THREADS];
    long long m = n * s;
    long long size = m * c;
    for (long long ch = blockIdx.x; ch < c; ch += gridDim.x) {
        float mu = mean[ch];
        double sumDy = 0;
        double dot = 0;
        for (long long e = threadIdx.x; e < m; e += blockDim.x) {
            long long at = bn_at(e, ch, c, s);
            sumDy += dy[at];
            dot += (double) dy[at] * ((double) x[at] - mu);
        }
        double db = block_sum(sumDy, part);
        double r = invstd[ch];
        double dw = block_sum(dot, part) * r;
        double a = w[ch] * r; // dx = a·(dy − db/m − x̂·dw/m), x̂ = (x − mean)·r
        float fa = (float) a;
        float coef = (float) (-a * r * dw / m);
        float shift = (float) (-a * db / m);
        for (long long e = threadIdx.x; e < m; e += blockDim.x) {
            long long at = bn_at(e, ch, c, s);
            d[at] = fmaf(x[at] - mu, coef, fmaf(dy[at], fa, shift));
        }
        if (threadIdx.x == 0) {
            d[size + ch] = (float) dw;
            d[size + c + ch] = (float) db;
        }
    }
}

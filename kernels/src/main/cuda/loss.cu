// Cross-entropy from logits, fused with log-softmax: x [n, c] contiguous, target int32 [n].
// One block of LOSS_THREADS threads per row: a max and a sum of exp(x − max) through shared memory,
// then loss_r = −(x[r, t] − max − log Σ) or dx[r, j] = dy_r·(softmax_j − [j = t]).
// With ignoring != 0, a row whose target equals ignore gets loss 0 and a zero gradient row.
// A target outside [0, c) gives NaN and records its row in *bad, the lowest such row whatever the blocks' order (the
// host turns it into an error naming that row, as the reference names the first).
#include "striate.cuh"

#define LOSS_THREADS 256

// max and Σ exp(x − max) of one row, combined over the block; every thread gets both
__device__ void row_stats(const float *row, int c, float *max_out, float *sum_out) {
    __shared__ float part[LOSS_THREADS];
    float m = -INFINITY;
    for (int j = threadIdx.x; j < c; j += blockDim.x) {
        m = fmaxf(m, row[j]);
    }
    part[threadIdx.x] = m;
    __syncthreads();
    for (int h = blockDim.x / 2; h > 0; h /= 2) {
        if (threadIdx.x < h) {
            part[threadIdx.x] = fmaxf(part[threadIdx.x], part[threadIdx.x + h]);
        }
        __syncthreads();
    }
    m = part[0];
    __syncthreads();
    float s = 0.0f;
    for (int j = threadIdx.x; j < c; j += blockDim.x) {
        s += expf(row[j] - m);
    }
    *max_out = m;
    *sum_out = block_sum(s, part);
}

extern "C" __global__ void cross_entropy_forward_f32(int n, int c, int ignoring, int ignore, const float *x,
                                                     const int *target, float *loss, int *bad) {
    for (int r = blockIdx.x; r < n; r += gridDim.x) {
        const float *row = x + (long long) r * c;
        float m, s;
        row_stats(row, c, &m, &s);
        if (threadIdx.x == 0) {
            int t = target[r];
            if (ignoring && t == ignore) {
                loss[r] = 0.0f;
            } else if (t < 0 || t >= c) {
                atomicMin(bad, r);
                loss[r] = NAN;
            } else {
                loss[r] = -(row[t] - m - logf(s));
            }
        }
    }
}

extern "C" __global__ void cross_entropy_backward_f32(int n, int c, int ignoring, int ignore, const float *x,
                                                      const int *target, const float *dy, float *dx, int *bad) {
    for (int r = blockIdx.x; r < n; r += gridDim.x) {
        const float *row = x + (long long) r * c;
        float m, s;
        row_stats(row, c, &m, &s);
        int t = target[r];
        bool ignored = ignoring && t == ignore;
        if (threadIdx.x == 0 && !ignored && (t < 0 || t >= c)) {
            atomicMin(bad, r);
        }
        float g = dy[r];
        for (int j = threadIdx.x; j < c; j += blockDim.x) {
            float p = expf(row[j] - m) / s;
            dx[(long long) r * c + j] = ignored ? 0.0f : g * (p - (j == t ? 1.0f : 0.0f));
        }
    }
}

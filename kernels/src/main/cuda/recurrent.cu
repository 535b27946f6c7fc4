// The fused LSTM and GRU cells, forward and backward (PyTorch's gate orders i, f, g, o and r, z, n), one thread per
// element of [n, h] over a grid-stride loop; every tensor contiguous (the host makes strided ones dense first).
// Each thread writes only its own elements of each output, so there are no atomics and the results are deterministic.
//   LSTM: (gates [n, 4h], c [n, h]) → [2, n, h] = (h', c'); backward (dhc [2, n, h], gates, c) → dgates [n, 4h] then
//         dc [n, h], end to end; the activations are recomputed from the gates.
//   GRU:  (xg [n, 3h], hg [n, 3h], h [n, h]) → h'; backward (dy [n, h], xg, hg, h) → dxg, dhg [n, 3h] each, then dh.
#include "striate.cuh"

__device__ __forceinline__ float sigmoid(float x) {
    return 1.0f / (1.0f + expf(-x));
}

extern "C" __global__ void lstm_cell_forward_f32(long long n, long long h, const float *gates, const float *c,
                                                 float *y) {
    long long nh = n * h;
    FOR_EACH(e, nh) {
        const float *g = gates + (e / h) * 4 * h + e % h;
        float i = sigmoid(g[0]);
        float f = sigmoid(g[h]);
        float gg = tanhf(g[2 * h]);
        float o = sigmoid(g[3 * h]);
        float c1 = f * c[e] + i * gg;
        y[e] = o * tanhf(c1);
        y[nh + e] = c1;
    }
}

extern "C" __global__ void lstm_cell_backward_f32(long long n, long long h, const float *dhc, const float *gates,
                                                  const float *c, float *out) {
    long long nh = n * h;
    FOR_EACH(e, nh) {
        long long at = (e / h) * 4 * h + e % h;
        const float *g = gates + at;
        float i = sigmoid(g[0]);
        float f = sigmoid(g[h]);
        float gg = tanhf(g[2 * h]);
        float o = sigmoid(g[3 * h]);
        float cp = c[e];
        float tc = tanhf(f * cp + i * gg);
        float dh = dhc[e];
        float dc = dhc[nh + e] + dh * o * (1.0f - tc * tc); // through h' = o·tanh(c') and directly
        float *dg = out + at;
        dg[0] = dc * gg * i * (1.0f - i);
        dg[h] = dc * cp * f * (1.0f - f);
        dg[2 * h] = dc * i * (1.0f - gg * gg);
        dg[3 * h] = dh * tc * o * (1.0f - o);
        out[4 * nh + e] = dc * f;
    }
}

extern "C" __global__ void gru_cell_forward_f32(long long n, long long h, const float *xg, const float *hg,
                                                const float *hp, float *y) {
    FOR_EACH(e, n * h) {
        long long at = (e / h) * 3 * h + e % h;
        float r = sigmoid(xg[at] + hg[at]);
        float z = sigmoid(xg[at + h] + hg[at + h]);
        float nn = tanhf(xg[at + 2 * h] + r * hg[at + 2 * h]);
        y[e] = (1.0f - z) * nn + z * hp[e];
    }
}

extern "C" __global__ void gru_cell_backward_f32(long long n, long long h, const float *dy, const float *xg,
                                                 const float *hg, const float *hp, float *out) {
    long long nh = n * h;
    FOR_EACH(e, nh) {
        long long at = (e / h) * 3 * h + e % h;
        float r = sigmoid(xg[at] + hg[at]);
        float z = sigmoid(xg[at + h] + hg[at + h]);
        float hn = hg[at + 2 * h];
        float nn = tanhf(xg[at + 2 * h] + r * hn);
        float d = dy[e];
        float dn = d * (1.0f - z) * (1.0f - nn * nn);
        float dz = d * (hp[e] - nn) * z * (1.0f - z);
        float dr = dn * hn * r * (1.0f - r);
        float *dxg = out + at;
        float *dhg = out + 3 * nh + at;
        dxg[0] = dr;
        dxg[h] = dz;
        dxg[2 * h] = dn;
        dhg[0] = dr;
        dhg[h] = dz;
        dhg[2 * h] = dn * r;
        out[6 * nh + e] = d * z;
    }
}

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

// One step of the fused LSTM and GRU layers (LstmLayerOp, GruLayerOp and their backward ops): the host walks the
// steps, runs each step's product with cuBLAS on the step's rows of the ops' outputs, and launches these on [n, h].
//   lstm_layer_step: the gates [n, 4h] hold h·W_hhᵀ (when hidden; else nothing, from the zero state); adds xg and the
//         bias, writes the activations over them, c' = f·c + i·g and h' = o·tanh(c').
//   lstm_layer_step_backward: dh = dH + rec_dh and dc = dC + rec_dc (the later steps' part) → dgates; dc·f into rec_dc.
//   gru_layer_step: hg [n, 3h] holds h·W_hhᵀ (when hidden); adds bhh in place; r, z, n into act [n, 3h]; h'.
//   gru_layer_step_backward: d = dH + rec → dxg, dhg [n, 3h]; d·z into rec (the product dhg·W_hh is added after).
extern "C" __global__ void lstm_layer_step_forward_f32(long long n, long long h, int hidden, const float *xg,
                                                       const float *bias, const float *cp, float *gates, float *hy,
                                                       float *cy) {
    FOR_EACH(e, n * h) {
        long long j = e % h;
        long long at = (e / h) * 4 * h + j;
        float a[4];
        for (int q = 0; q < 4; q++) {
            float pre = (hidden ? gates[at + q * h] : 0.0f) + xg[at + q * h] + bias[j + q * h];
            a[q] = q == 2 ? tanhf(pre) : sigmoid(pre);
            gates[at + q * h] = a[q];
        }
        float c1 = a[1] * cp[e] + a[0] * a[2];
        cy[e] = c1;
        hy[e] = a[3] * tanhf(c1);
    }
}

extern "C" __global__ void lstm_layer_step_backward_f32(long long n, long long h, const float *dhy, const float *dcy,
                                                        float *rec_dh, float *rec_dc, const float *act,
                                                        const float *cy, const float *cp, float *dgates) {
    FOR_EACH(e, n * h) {
        long long at = (e / h) * 4 * h + e % h;
        float i = act[at];
        float f = act[at + h];
        float g = act[at + 2 * h];
        float o = act[at + 3 * h];
        float tc = tanhf(cy[e]);
        float dh = dhy[e] + rec_dh[e];
        float dc = dcy[e] + rec_dc[e] + dh * o * (1.0f - tc * tc);
        dgates[at] = dc * g * i * (1.0f - i);
        dgates[at + h] = dc * cp[e] * f * (1.0f - f);
        dgates[at + 2 * h] = dc * i * (1.0f - g * g);
        dgates[at + 3 * h] = dh * tc * o * (1.0f - o);
        rec_dc[e] = dc * f;
    }
}

extern "C" __global__ void gru_layer_step_forward_f32(long long n, long long h, int hidden, const float *xg,
                                                      const float *bih, const float *bhh, const float *hp, float *hg,
                                                      float *act, float *hy) {
    FOR_EACH(e, n * h) {
        long long j = e % h;
        long long at = (e / h) * 3 * h + j;
        float g[3];
        for (int q = 0; q < 3; q++) {
            g[q] = (hidden ? hg[at + q * h] : 0.0f) + bhh[j + q * h];
            hg[at + q * h] = g[q];
        }
        float r = sigmoid(xg[at] + bih[j] + g[0]);
        float z = sigmoid(xg[at + h] + bih[j + h] + g[1]);
        float nn = tanhf(xg[at + 2 * h] + bih[j + 2 * h] + r * g[2]);
        act[at] = r;
        act[at + h] = z;
        act[at + 2 * h] = nn;
        hy[e] = (1.0f - z) * nn + z * hp[e];
    }
}

extern "C" __global__ void gru_layer_step_backward_f32(long long n, long long h, const float *dhy, float *rec,
                                                       const float *act, const float *hg, const float *hp,
                                                       float *dxg, float *dhg) {
    FOR_EACH(e, n * h) {
        long long at = (e / h) * 3 * h + e % h;
        float r = act[at];
        float z = act[at + h];
        float nn = act[at + 2 * h];
        float d = dhy[e] + rec[e];
        float dn = d * (1.0f - z) * (1.0f - nn * nn);
        float dz = d * (hp[e] - nn) * z * (1.0f - z);
        float dr = dn * hg[at + 2 * h] * r * (1.0f - r);
        dxg[at] = dr;
        dxg[at + h] = dz;
        dxg[at + 2 * h] = dn;
        dhg[at] = dr;
        dhg[at + h] = dz;
        dhg[at + 2 * h] = dn * r;
        rec[e] = d * z;
    }
}

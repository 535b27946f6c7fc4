package striate.cpu;

import striate.op.Conv2dBackwardDataOp;
import striate.op.Conv2dBackwardFilterOp;
import striate.op.Conv2dOp;
import striate.op.ConvParams;
import striate.op.Kernel;
import striate.reference.ReferenceBackend;
import striate.tensor.Tensor;

/**
 * Convolution on float32 by im2col + {@link Sgemm}, one image per task. Per image and group:
 * forward y[kg, oh·ow] = W[kg, cg·kh·kw] · col[cg·kh·kw, oh·ow];
 * backward data dcol = Wᵀ · dy, scattered back by col2im; backward filter dW += dy · colᵀ, with per-chunk
 * partial sums (fixed chunks of images) added in chunk order so results do not depend on the thread count.
 * Other types go to the reference kernels.
 */
final class CpuConv2d {
    private static final int IMAGES_PER_CHUNK = 4;
    private final IntraOpPool pool;

    CpuConv2d(IntraOpPool pool) {
        this.pool = pool;
    }

    /** Geometry of one convolution: x [n, c, h, w], w [k, cg, kh, kw], y [n, k, oh, ow]. */
    private record Geometry(int n, int c, int h, int w, int k, int cg, int kh, int kw, int oh, int ow, int groups,
                            ConvParams p) {
        static Geometry of(ConvParams p, long[] x, long[] w, long[] y) {
            return new Geometry((int) x[0], (int) x[1], (int) x[2], (int) x[3], (int) w[0], (int) w[1], (int) w[2],
                    (int) w[3], (int) y[2], (int) y[3], p.groups(), p);
        }

        int kg() {
            return k / groups;
        }

        int ckk() {
            return cg * kh * kw;
        }

        int ohw() {
            return oh * ow;
        }
    }

    Kernel<Conv2dOp> forward() {
        return (op, in, out) -> {
            if (!HostFloats.isF32(in[0]) || !HostFloats.isF32(in[1])) {
                ReferenceBackend.KERNELS.get(op).run(op, in, out);
                return;
            }
            Geometry g = Geometry.of(op.params(), in[0].shape().dims(), in[1].shape().dims(), out.shape().dims());
            float[] x = HostFloats.read(in[0]);
            float[] w = HostFloats.read(in[1]);
            float[] y = new float[Math.toIntExact(out.size())];
            pool.forEach(g.n, b -> {
                float[] col = new float[g.ckk() * g.ohw()];
                for (int grp = 0; grp < g.groups; grp++) {
                    im2col(g, x, (b * g.c + grp * g.cg) * g.h * g.w, col);
                    int yOff = (b * g.k + grp * g.kg()) * g.ohw();
                    Sgemm.gemm(g.kg(), g.ohw(), g.ckk(), w, grp * g.kg() * g.ckk(), g.ckk(), col, 0, g.ohw(),
                            y, yOff, g.ohw(), false);
                }
            });
            HostFloats.write(out, y);
        };
    }

    Kernel<Conv2dBackwardDataOp> backwardData() {
        return (op, in, out) -> {
            if (!HostFloats.isF32(in[0]) || !HostFloats.isF32(in[1])) {
                ReferenceBackend.KERNELS.get(op).run(op, in, out);
                return;
            }
            Geometry g = Geometry.of(op.params(), op.inputShape().dims(), in[1].shape().dims(), in[0].shape().dims());
            float[] dy = HostFloats.read(in[0]);
            float[] w = HostFloats.read(in[1]);
            float[] wt = new float[w.length]; // per group: Wᵀ [ckk, kg]
            for (int grp = 0; grp < g.groups; grp++) {
                int off = grp * g.kg() * g.ckk();
                Sgemm.transpose(w, off, g.kg(), g.ckk(), g.ckk(), wt, off);
            }
            float[] dx = new float[Math.toIntExact(out.size())];
            pool.forEach(g.n, b -> {
                float[] dcol = new float[g.ckk() * g.ohw()];
                for (int grp = 0; grp < g.groups; grp++) {
                    int dyOff = (b * g.k + grp * g.kg()) * g.ohw();
                    Sgemm.gemm(g.ckk(), g.ohw(), g.kg(), wt, grp * g.kg() * g.ckk(), g.kg(), dy, dyOff, g.ohw(),
                            dcol, 0, g.ohw(), false);
                    col2im(g, dcol, dx, (b * g.c + grp * g.cg) * g.h * g.w);
                }
            });
            HostFloats.write(out, dx);
        };
    }

    Kernel<Conv2dBackwardFilterOp> backwardFilter() {
        return (op, in, out) -> {
            if (!HostFloats.isF32(in[0]) || !HostFloats.isF32(in[1])) {
                ReferenceBackend.KERNELS.get(op).run(op, in, out);
                return;
            }
            Geometry g = Geometry.of(op.params(), in[0].shape().dims(), op.weightShape().dims(), in[1].shape().dims());
            float[] x = HostFloats.read(in[0]);
            float[] dy = HostFloats.read(in[1]);
            int wSize = Math.toIntExact(out.size());
            int chunks = (g.n + IMAGES_PER_CHUNK - 1) / IMAGES_PER_CHUNK;
            float[][] partial = new float[chunks][];
            pool.forEach(chunks, chunk -> {
                float[] dw = new float[wSize];
                float[] colT = new float[g.ohw() * g.ckk()];
                int end = Math.min(g.n, (chunk + 1) * IMAGES_PER_CHUNK);
                for (int b = chunk * IMAGES_PER_CHUNK; b < end; b++) {
                    for (int grp = 0; grp < g.groups; grp++) {
                        im2row(g, x, (b * g.c + grp * g.cg) * g.h * g.w, colT);
                        int dyOff = (b * g.k + grp * g.kg()) * g.ohw();
                        Sgemm.gemm(g.kg(), g.ckk(), g.ohw(), dy, dyOff, g.ohw(), colT, 0, g.ckk(),
                                dw, grp * g.kg() * g.ckk(), g.ckk(), true);
                    }
                }
                partial[chunk] = dw;
            });
            float[] dw = partial[0];
            for (int i = 1; i < chunks; i++) {
                for (int j = 0; j < wSize; j++) {
                    dw[j] += partial[i][j];
                }
            }
            HostFloats.write(out, dw);
        };
    }

    /** col[(ci·kh + ky)·kw + kx, oy·ow + ox] = x[ci, iy, ix] (0 in the padding), one image and group. */
    private static void im2col(Geometry g, float[] x, int xOff, float[] col) {
        ConvParams p = g.p;
        int ohw = g.ohw();
        for (int ci = 0; ci < g.cg; ci++) {
            for (int ky = 0; ky < g.kh; ky++) {
                for (int kx = 0; kx < g.kw; kx++) {
                    int row = ((ci * g.kh + ky) * g.kw + kx) * ohw;
                    for (int oy = 0; oy < g.oh; oy++) {
                        int iy = oy * p.strideH() - p.padH() + ky * p.dilationH();
                        int dst = row + oy * g.ow;
                        if (iy < 0 || iy >= g.h) {
                            java.util.Arrays.fill(col, dst, dst + g.ow, 0f);
                            continue;
                        }
                        int src = xOff + (ci * g.h + iy) * g.w;
                        for (int ox = 0; ox < g.ow; ox++) {
                            int ix = ox * p.strideW() - p.padW() + kx * p.dilationW();
                            col[dst + ox] = ix >= 0 && ix < g.w ? x[src + ix] : 0f;
                        }
                    }
                }
            }
        }
    }

    /** The transpose of im2col: colT[oy·ow + ox, (ci·kh + ky)·kw + kx]. */
    private static void im2row(Geometry g, float[] x, int xOff, float[] colT) {
        ConvParams p = g.p;
        int ckk = g.ckk();
        for (int oy = 0; oy < g.oh; oy++) {
            for (int ox = 0; ox < g.ow; ox++) {
                int dst = (oy * g.ow + ox) * ckk;
                for (int ci = 0; ci < g.cg; ci++) {
                    for (int ky = 0; ky < g.kh; ky++) {
                        int iy = oy * p.strideH() - p.padH() + ky * p.dilationH();
                        boolean rowInside = iy >= 0 && iy < g.h;
                        int src = xOff + (ci * g.h + iy) * g.w;
                        for (int kx = 0; kx < g.kw; kx++) {
                            int ix = ox * p.strideW() - p.padW() + kx * p.dilationW();
                            colT[dst++] = rowInside && ix >= 0 && ix < g.w ? x[src + ix] : 0f;
                        }
                    }
                }
            }
        }
    }

    /** dx[ci, iy, ix] += dcol[(ci·kh + ky)·kw + kx, oy·ow + ox]: the adjoint of im2col. */
    private static void col2im(Geometry g, float[] dcol, float[] dx, int dxOff) {
        ConvParams p = g.p;
        int ohw = g.ohw();
        for (int ci = 0; ci < g.cg; ci++) {
            for (int ky = 0; ky < g.kh; ky++) {
                for (int kx = 0; kx < g.kw; kx++) {
                    int row = ((ci * g.kh + ky) * g.kw + kx) * ohw;
                    for (int oy = 0; oy < g.oh; oy++) {
                        int iy = oy * p.strideH() - p.padH() + ky * p.dilationH();
                        if (iy < 0 || iy >= g.h) {
                            continue;
                        }
                        int dst = dxOff + (ci * g.h + iy) * g.w;
                        int src = row + oy * g.ow;
                        for (int ox = 0; ox < g.ow; ox++) {
                            int ix = ox * p.strideW() - p.padW() + kx * p.dilationW();
                            if (ix >= 0 && ix < g.w) {
                                dx[dst + ix] += dcol[src + ox];
                            }
                        }
                    }
                }
            }
        }
    }
}

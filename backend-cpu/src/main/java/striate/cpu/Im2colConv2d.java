package striate.cpu;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import striate.op.ConvParams;
import striate.tensor.HostStorage;
import striate.tensor.Tensor;

/**
 * Convolution by columns ({@code IM2COL}) as im2col + {@link Sgemm} over panels of images: one GEMM covers {@code nb}
 * images, so small feature maps (LeNet's C3 with 10×10 outputs) still give the GEMM long vectors. y[kg, nb·oh·ow] =
 * W[kg, ckk] · col[ckk, nb·oh·ow] (ckk = cg·kh·kw); backward data dcol = Wᵀ · dy, scattered back by col2im; filter
 * gradient dW = dy · colᵀ by dot products along the pixels (an A·Bᵀ GEMM). Images with few output pixels go by rows
 * instead ({@link Im2rowConv2d}). Each panel works on arrays of its own images and writes its part of the output in
 * one copy; the arrays are per-thread {@link Scratch}, reused from call to call.
 */
final class Im2colConv2d {
    // Scratch slots: the calling thread's (around the pool's forEach), then each task's.
    private static final int PARTIAL_0 = 0; // PARTIAL_0 + panel: the filter gradient's partials, at most MIN_PANELS
    private static final int IMAGES = PARTIAL_0 + ConvGeometry.MIN_PANELS;
    private static final int OUT_IMAGES = IMAGES + 1;
    private static final int COLUMNS = IMAGES + 2;
    private static final int GEMM_OUT = IMAGES + 3;
    private static final int SLOTS = IMAGES + 4;

    private final IntraOpPool pool;
    private final Sgemm sgemm;
    private final Scratch scratch = new Scratch(SLOTS);

    Im2colConv2d(IntraOpPool pool, Sgemm sgemm) {
        this.pool = pool;
        this.sgemm = sgemm;
    }

    /** y = conv(x, W) by panels of images, each panel's planes then through the epilogue. */
    void forward(ConvGeometry g, FloatRegion xr, float[] w, ConvEpilogue epilogue, Tensor out) {
        MemorySegment ys = ((HostStorage) out.storage()).segment();
        int nb = g.panelImages();
        pool.forEach(g.panels(), panel -> {
            int b0 = panel * nb;
            int count = Math.min(nb, g.n() - b0);
            int cols = count * g.ohw();
            int xSize = count * g.c() * g.h() * g.w();
            float[] x = scratch.floats(IMAGES, xSize); // this panel's images of the input
            xr.read((long) b0 * g.c() * g.h() * g.w(), x, xSize);
            float[] col = scratch.floats(COLUMNS, g.ckk() * cols);
            float[] yc = scratch.floats(GEMM_OUT, g.kg() * cols);
            int ySize = count * g.k() * g.ohw();
            float[] y = scratch.floats(OUT_IMAGES, ySize); // this panel's images of the output
            for (int grp = 0; grp < g.groups(); grp++) {
                for (int i = 0; i < count; i++) {
                    im2col(g, x, g.xOffset(i, grp), col, i * g.ohw(), cols);
                }
                // y[kg, cols] = W[kg, ckk] · col[ckk, cols]
                sgemm.gemm(g.kg(), cols, g.ckk(), w, grp * g.kg() * g.ckk(), g.ckk(), col, 0, cols,
                        yc, 0, cols, false);
                scatterColumns(g, yc, y, count, grp);
            }
            HostFloats.writeRange(out, (long) b0 * g.k() * g.ohw(), y, ySize);
            epilogue.planes(ys, out.offset() + (long) b0 * g.k() * g.ohw(), count, g);
        });
    }

    /** dx = the adjoint of conv(·, W) applied to dy, by panels of images. */
    void backwardData(ConvGeometry g, FloatRegion dyr, float[] w, Tensor out) {
        float[] wt = transposePerGroup(g, w);
        int nb = g.panelImages();
        pool.forEach(g.panels(), panel -> {
            int b0 = panel * nb;
            int count = Math.min(nb, g.n() - b0);
            int cols = count * g.ohw();
            int dySize = count * g.k() * g.ohw();
            float[] dy = scratch.floats(IMAGES, dySize); // this panel's images of the output gradient
            dyr.read((long) b0 * g.k() * g.ohw(), dy, dySize);
            float[] dyc = scratch.floats(GEMM_OUT, g.kg() * cols);
            float[] dcol = scratch.floats(COLUMNS, g.ckk() * cols);
            int dxSize = count * g.c() * g.h() * g.w();
            float[] dx = scratch.floats(OUT_IMAGES, dxSize); // this panel's images of the input gradient
            Arrays.fill(dx, 0, dxSize, 0f); // col2im adds into it
            for (int grp = 0; grp < g.groups(); grp++) {
                gatherColumns(g, dy, dyc, count, grp);
                // dcol[ckk, cols] = Wᵀ[ckk, kg] · dy[kg, cols]
                sgemm.gemm(g.ckk(), cols, g.kg(), wt, grp * g.kg() * g.ckk(), g.kg(), dyc, 0, cols,
                        dcol, 0, cols, false);
                for (int i = 0; i < count; i++) {
                    col2im(g, dcol, i * g.ohw(), cols, dx, g.xOffset(i, grp));
                }
            }
            HostFloats.writeRange(out, (long) b0 * g.c() * g.h() * g.w(), dx, dxSize);
        });
    }

    /**
     * The partial filter gradients, one per panel of images: dW[kg, ckk] = dy[kg, cols] · colᵀ per group, in the
     * first {@code wSize} elements of each; the partials are this thread's scratch arrays, valid until its next call.
     */
    float[][] filterGradPanels(ConvGeometry g, FloatRegion xr, FloatRegion dyr, int wSize) {
        int nb = g.filterPanelImages();
        float[][] partial = new float[g.filterPanels()][];
        for (int panel = 0; panel < partial.length; panel++) {
            partial[panel] = scratch.floats(PARTIAL_0 + panel, wSize);
        }
        pool.forEach(g.filterPanels(), panel -> {
            int b0 = panel * nb;
            int count = Math.min(nb, g.n() - b0);
            int cols = count * g.ohw();
            int xSize = count * g.c() * g.h() * g.w();
            float[] x = scratch.floats(IMAGES, xSize); // this panel's images of input and output gradient
            xr.read((long) b0 * g.c() * g.h() * g.w(), x, xSize);
            int dySize = count * g.k() * g.ohw();
            float[] dy = scratch.floats(OUT_IMAGES, dySize);
            dyr.read((long) b0 * g.k() * g.ohw(), dy, dySize);
            float[] dw = partial[panel];
            float[] dyc = scratch.floats(GEMM_OUT, g.kg() * cols);
            float[] col = scratch.floats(COLUMNS, cols * g.ckk());
            for (int grp = 0; grp < g.groups(); grp++) {
                gatherColumns(g, dy, dyc, count, grp);
                for (int i = 0; i < count; i++) {
                    im2col(g, x, g.xOffset(i, grp), col, i * g.ohw(), cols);
                }
                // dW[kg, ckk] = dy[kg, cols] · col[ckk, cols]ᵀ: dot products along the many pixels
                sgemm.gemmNT(g.kg(), g.ckk(), cols, dyc, 0, cols, col, 0, cols,
                        dw, grp * g.kg() * g.ckk(), g.ckk());
            }
        });
        return partial;
    }

    /** Per group, Wᵀ [ckk, kg] at the group's offset from W [kg, ckk]. */
    private static float[] transposePerGroup(ConvGeometry g, float[] w) {
        float[] wt = new float[w.length];
        for (int grp = 0; grp < g.groups(); grp++) {
            int off = grp * g.kg() * g.ckk();
            Transpose.of(w, off, g.kg(), g.ckk(), g.ckk(), wt, off);
        }
        return wt;
    }

    /** y[i, grp·kg + r, pix] = yc[r, i·ohw + pix] for the panel's images i (y holds only the panel). */
    private static void scatterColumns(ConvGeometry g, float[] yc, float[] y, int count, int grp) {
        int ohw = g.ohw();
        int cols = count * ohw;
        for (int i = 0; i < count; i++) {
            int yOff = g.yOffset(i, grp);
            for (int r = 0; r < g.kg(); r++) {
                System.arraycopy(yc, r * cols + i * ohw, y, yOff + r * ohw, ohw);
            }
        }
    }

    /**
     * dyc[r, i·ohw + pix] = dy[i, grp·kg + r, pix] for a panel's images dy [count, k, oh, ow] (the row layout's
     * filter gradient reads dy this way too).
     */
    static void gatherColumns(ConvGeometry g, float[] dy, float[] dyc, int count, int grp) {
        int ohw = g.ohw();
        int cols = count * ohw;
        for (int i = 0; i < count; i++) {
            int dyOff = g.yOffset(i, grp);
            for (int r = 0; r < g.kg(); r++) {
                System.arraycopy(dy, dyOff + r * ohw, dyc, r * cols + i * ohw, ohw);
            }
        }
    }

    /**
     * col[(ci·kh + ky)·kw + kx, colOff + oy·ow + ox] = x[ci, iy, ix] (0 in the padding) for one image and group;
     * ld is col's row length. The in-bounds range of ox is computed once per kernel column, so the inner loop is
     * a plain (for stride 1: contiguous) copy.
     */
    static void im2col(ConvGeometry g, float[] x, int xOff, float[] col, int colOff, int ld) {
        ConvParams p = g.p();
        int sw = p.strideW();
        for (int ci = 0; ci < g.cg(); ci++) {
            for (int ky = 0; ky < g.kh(); ky++) {
                for (int kx = 0; kx < g.kw(); kx++) {
                    int row = ((ci * g.kh() + ky) * g.kw() + kx) * ld + colOff;
                    int shift = kx * p.dilationW() - p.padW(); // ix = ox·sw + shift
                    int lo = firstInside(shift, sw, g.ow());
                    int hi = endInside(shift, sw, g.w(), g.ow());
                    for (int oy = 0; oy < g.oh(); oy++) {
                        int iy = oy * p.strideH() - p.padH() + ky * p.dilationH();
                        int dst = row + oy * g.ow();
                        if (iy < 0 || iy >= g.h() || lo >= hi) {
                            Arrays.fill(col, dst, dst + g.ow(), 0f);
                            continue;
                        }
                        for (int ox = 0; ox < lo; ox++) { // padding columns: a few at most
                            col[dst + ox] = 0f;
                        }
                        int src = xOff + (ci * g.h() + iy) * g.w() + shift;
                        if (sw == 1 && hi - lo >= 32) {
                            System.arraycopy(x, src + lo, col, dst + lo, hi - lo);
                        } else if (sw == 1) { // short rows (LeNet's 10 or 14): a loop beats the arraycopy call
                            for (int ox = lo; ox < hi; ox++) {
                                col[dst + ox] = x[src + ox];
                            }
                        } else {
                            for (int ox = lo; ox < hi; ox++) {
                                col[dst + ox] = x[src + ox * sw];
                            }
                        }
                        for (int ox = hi; ox < g.ow(); ox++) {
                            col[dst + ox] = 0f;
                        }
                    }
                }
            }
        }
    }

    /** The first ox ≥ 0 with ox·stride + shift ≥ 0 (at most ow). */
    private static int firstInside(int shift, int stride, int ow) {
        return shift >= 0 ? 0 : Math.min(ow, (-shift + stride - 1) / stride);
    }

    /** One past the last ox < ow with ox·stride + shift < w (at least 0). */
    private static int endInside(int shift, int stride, int w, int ow) {
        int span = w - shift; // need ox·stride < span
        return span <= 0 ? 0 : Math.min(ow, (span + stride - 1) / stride);
    }

    /** dx[ci, iy, ix] += dcol[(ci·kh + ky)·kw + kx, colOff + oy·ow + ox]: the adjoint of im2col. */
    static void col2im(ConvGeometry g, float[] dcol, int colOff, int ld, float[] dx, int dxOff) {
        ConvParams p = g.p();
        int sw = p.strideW();
        for (int ci = 0; ci < g.cg(); ci++) {
            for (int ky = 0; ky < g.kh(); ky++) {
                for (int kx = 0; kx < g.kw(); kx++) {
                    int row = ((ci * g.kh() + ky) * g.kw() + kx) * ld + colOff;
                    int shift = kx * p.dilationW() - p.padW();
                    int lo = firstInside(shift, sw, g.ow());
                    int hi = endInside(shift, sw, g.w(), g.ow());
                    for (int oy = 0; oy < g.oh(); oy++) {
                        int iy = oy * p.strideH() - p.padH() + ky * p.dilationH();
                        if (iy < 0 || iy >= g.h()) {
                            continue;
                        }
                        int dst = dxOff + (ci * g.h() + iy) * g.w() + shift;
                        int src = row + oy * g.ow();
                        if (sw == 1) { // unit stride: a plain add of two runs, which the JIT vectorizes
                            for (int ox = lo; ox < hi; ox++) {
                                dx[dst + ox] += dcol[src + ox];
                            }
                        } else {
                            for (int ox = lo; ox < hi; ox++) {
                                dx[dst + ox * sw] += dcol[src + ox];
                            }
                        }
                    }
                }
            }
        }
    }
}

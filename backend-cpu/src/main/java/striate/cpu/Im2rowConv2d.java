package striate.cpu;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import striate.op.ConvParams;
import striate.tensor.HostStorage;
import striate.tensor.Tensor;

/**
 * Convolution by rows ({@code IM2ROW}), for images with few output pixels, over panels of {@code nb} images so the
 * GEMM still gets long columns: yᵀ[nb·oh·ow, kg] = colᵀ[nb·oh·ow, ckk] · Wᵀ[ckk, kg]; backward data dcolᵀ = dyᵀ · W,
 * scattered back by row2im; filter gradient dW = dy · colᵀ. A row of colᵀ holds one output pixel's taps in
 * channels-last order, (ky, kx, ci) with ci fastest: each image group is first transposed to [h·w, cg], so that each
 * tap of a row is one copy of cg contiguous floats (and row2im one vector add of cg floats into the transposed
 * gradient), not cg scattered runs of kw floats. The filter is reordered to match on the way in and out; this is
 * only the order of the ckk sums' terms. Each panel works on arrays of its own images and writes its part of the
 * output in one copy; the arrays are per-thread {@link Scratch}, reused from call to call.
 */
final class Im2rowConv2d {
    // Scratch slots: the calling thread's (around the pool's forEach), then each task's.
    private static final int WEIGHTS = 0;
    private static final int WEIGHTS_REORDERED = 1;
    private static final int PARTIAL_0 = 2; // PARTIAL_0 + panel: the filter gradient's partials, at most MIN_PANELS
    private static final int IMAGES = PARTIAL_0 + ConvGeometry.MIN_PANELS;
    private static final int IMAGE_T = IMAGES + 1;
    private static final int OUT_IMAGES = IMAGES + 2;
    private static final int COLUMNS = IMAGES + 3;
    private static final int GEMM_OUT = IMAGES + 4;
    private static final int SLOTS = IMAGES + 5;

    private final IntraOpPool pool;
    private final Sgemm sgemm;
    private final Scratch scratch = new Scratch(SLOTS);

    Im2rowConv2d(IntraOpPool pool, Sgemm sgemm) {
        this.pool = pool;
        this.sgemm = sgemm;
    }

    /** y = conv(x, W) by panels of images, each panel's planes then through the epilogue. */
    void forward(ConvGeometry g, FloatRegion xr, FloatRegion wr, ConvEpilogue epilogue, Tensor out) {
        MemorySegment ys = ((HostStorage) out.storage()).segment();
        float[] wt = tapsMajorTransposed(g, wr); // per group [ckk, kg], rows in (ky, kx, ci) order
        int nb = g.rowPanelImages();
        int imageSize = g.c() * g.h() * g.w();
        pool.forEach(g.rowPanels(), panel -> {
            int b0 = panel * nb;
            int count = Math.min(nb, g.n() - b0);
            int cols = count * g.ohw();
            float[] x = scratch.floats(IMAGES, count * imageSize); // this panel's images of the input
            xr.read((long) b0 * imageSize, x, count * imageSize);
            float[] xt = scratch.floats(IMAGE_T, g.h() * g.w() * g.cg()); // one image group, channels last
            float[] col = scratch.floats(COLUMNS, cols * g.ckk());
            float[] yc = scratch.floats(GEMM_OUT, cols * g.kg());
            int ySize = count * g.k() * g.ohw();
            float[] y = scratch.floats(OUT_IMAGES, ySize); // this panel's images of the output
            for (int grp = 0; grp < g.groups(); grp++) {
                for (int i = 0; i < count; i++) {
                    Transpose.of(x, g.xOffset(i, grp), g.cg(), g.h() * g.w(), g.h() * g.w(), xt, 0);
                    im2row(g, xt, col, i * g.ohw() * g.ckk());
                }
                // yᵀ[cols, kg] = colᵀ[cols, ckk] · Wᵀ[ckk, kg]
                sgemm.gemm(cols, g.kg(), g.ckk(), col, 0, g.ckk(), wt, grp * g.kg() * g.ckk(), g.kg(),
                        yc, 0, g.kg(), false);
                scatterRows(g, yc, y, count, grp);
            }
            HostFloats.writeRange(out, (long) b0 * g.k() * g.ohw(), y, ySize);
            epilogue.planes(ys, out.offset() + (long) b0 * g.k() * g.ohw(), count, g);
        });
    }

    /** dx = the adjoint of conv(·, W) applied to dy, by panels of images. */
    void backwardData(ConvGeometry g, FloatRegion dyr, FloatRegion wr, Tensor out) {
        float[] w = tapsMajor(g, wr); // per group [kg, ckk], columns in (ky, kx, ci) order
        int nb = g.rowPanelImages();
        int imageSize = g.c() * g.h() * g.w();
        pool.forEach(g.rowPanels(), panel -> {
            int b0 = panel * nb;
            int count = Math.min(nb, g.n() - b0);
            int cols = count * g.ohw();
            int dySize = count * g.k() * g.ohw();
            float[] dy = scratch.floats(IMAGES, dySize); // this panel's images of the output gradient
            dyr.read((long) b0 * g.k() * g.ohw(), dy, dySize);
            float[] dyc = scratch.floats(GEMM_OUT, cols * g.kg());
            float[] dcol = scratch.floats(COLUMNS, cols * g.ckk());
            int planeSize = g.h() * g.w() * g.cg();
            float[] dxt = scratch.floats(IMAGE_T, planeSize); // one image group's gradient, channels last
            float[] dx = scratch.floats(OUT_IMAGES, count * imageSize); // this panel's images of the input gradient
            for (int grp = 0; grp < g.groups(); grp++) {
                gatherRows(g, dy, dyc, count, grp);
                // dcolᵀ[cols, ckk] = dyᵀ[cols, kg] · W[kg, ckk]
                sgemm.gemm(cols, g.ckk(), g.kg(), dyc, 0, g.kg(), w, grp * g.kg() * g.ckk(), g.ckk(),
                        dcol, 0, g.ckk(), false);
                for (int i = 0; i < count; i++) {
                    Arrays.fill(dxt, 0, planeSize, 0f);
                    row2im(g, dcol, i * g.ohw() * g.ckk(), dxt);
                    Transpose.of(dxt, 0, g.h() * g.w(), g.cg(), g.cg(), dx, g.xOffset(i, grp));
                }
            }
            HostFloats.writeRange(out, (long) b0 * imageSize, dx, count * imageSize);
        });
    }

    /**
     * The partial filter gradients, one per panel of images: dW[kg, ckk] = dy[kg, cols] · colᵀ per group, each row's
     * columns in (ky, kx, ci) order; the caller adds the first {@code wSize} elements of each in panel order and puts
     * the sum back in the filter's order with {@link #channelsMajor}. The partials are this thread's scratch arrays,
     * valid until its next call.
     */
    float[][] filterGradPanels(ConvGeometry g, FloatRegion xr, FloatRegion dyr, int wSize) {
        int nb = g.filterPanelImages();
        float[][] partial = new float[g.filterPanels()][];
        for (int panel = 0; panel < partial.length; panel++) {
            partial[panel] = scratch.floats(PARTIAL_0 + panel, wSize);
        }
        int imageSize = g.c() * g.h() * g.w();
        pool.forEach(g.filterPanels(), panel -> {
            int b0 = panel * nb;
            int count = Math.min(nb, g.n() - b0);
            int cols = count * g.ohw();
            float[] x = scratch.floats(IMAGES, count * imageSize); // this panel's images of input and output gradient
            xr.read((long) b0 * imageSize, x, count * imageSize);
            int dySize = count * g.k() * g.ohw();
            float[] dy = scratch.floats(OUT_IMAGES, dySize);
            dyr.read((long) b0 * g.k() * g.ohw(), dy, dySize);
            float[] xt = scratch.floats(IMAGE_T, g.h() * g.w() * g.cg());
            float[] dyc = scratch.floats(GEMM_OUT, g.kg() * cols);
            float[] col = scratch.floats(COLUMNS, cols * g.ckk());
            float[] dw = partial[panel]; // columns in (ky, kx, ci) order: see channelsMajor
            for (int grp = 0; grp < g.groups(); grp++) {
                Im2colConv2d.gatherColumns(g, dy, dyc, count, grp);
                for (int i = 0; i < count; i++) {
                    Transpose.of(x, g.xOffset(i, grp), g.cg(), g.h() * g.w(), g.h() * g.w(), xt, 0);
                    im2row(g, xt, col, i * g.ohw() * g.ckk());
                }
                // dW[kg, ckk] = dy[kg, cols] · colᵀ[cols, ckk]: vectors along ckk
                sgemm.gemm(g.kg(), g.ckk(), cols, dyc, 0, cols, col, 0, g.ckk(), dw, grp * g.kg() * g.ckk(), g.ckk(),
                        false);
            }
        });
        return partial;
    }

    /**
     * The filter [k, cg, kh, kw] from {@code wr} with each row's columns in (ky, kx, ci) order, wr[r, t·cg + ci] =
     * w[r, ci·kh·kw + t], in this thread's scratch.
     */
    private float[] tapsMajor(ConvGeometry g, FloatRegion wr) {
        int size = g.k() * g.ckk();
        float[] w = scratch.floats(WEIGHTS, size);
        wr.read(0, w, size);
        float[] reordered = scratch.floats(WEIGHTS_REORDERED, size);
        int taps = g.kh() * g.kw();
        for (int row = 0; row < g.k(); row++) { // each filter [cg, taps] turned into [taps, cg]
            Transpose.of(w, row * g.ckk(), g.cg(), taps, taps, reordered, row * g.ckk());
        }
        return reordered;
    }

    /** Per group, Wᵀ [ckk, kg] with rows in (ky, kx, ci) order, wt[t·cg + ci, r] = w[r, ci·kh·kw + t]. */
    private float[] tapsMajorTransposed(ConvGeometry g, FloatRegion wr) {
        float[] reordered = tapsMajor(g, wr);
        float[] wt = scratch.floats(WEIGHTS, g.k() * g.ckk()); // the raw filter is no longer needed
        for (int grp = 0; grp < g.groups(); grp++) {
            int off = grp * g.kg() * g.ckk();
            Transpose.of(reordered, off, g.kg(), g.ckk(), g.ckk(), wt, off);
        }
        return wt;
    }

    /**
     * The filter gradient back in the filter's own order from (ky, kx, ci) columns, dw[r, ci·kh·kw + t] = dwr[r,
     * t·cg + ci], into this thread's scratch (the first k·ckk elements).
     */
    float[] channelsMajor(ConvGeometry g, float[] dwr) {
        int taps = g.kh() * g.kw();
        float[] dw = scratch.floats(WEIGHTS, g.k() * g.ckk());
        for (int r = 0; r < g.k(); r++) { // each filter's gradient [taps, cg] turned into [cg, taps]
            Transpose.of(dwr, r * g.ckk(), taps, g.cg(), g.cg(), dw, r * g.ckk());
        }
        return dw;
    }

    /** y[i, grp·kg + r, pix] = yc[i·ohw + pix, r] for the panel's images i (y holds only the panel). */
    private static void scatterRows(ConvGeometry g, float[] yc, float[] y, int count, int grp) {
        int ohw = g.ohw();
        for (int i = 0; i < count; i++) {
            Transpose.of(yc, i * ohw * g.kg(), ohw, g.kg(), g.kg(), y, g.yOffset(i, grp));
        }
    }

    /** dyc[i·ohw + pix, r] = dy[i, grp·kg + r, pix] for a panel's images dy [count, k, oh, ow]. */
    private static void gatherRows(ConvGeometry g, float[] dy, float[] dyc, int count, int grp) {
        int ohw = g.ohw();
        for (int i = 0; i < count; i++) {
            Transpose.of(dy, g.yOffset(i, grp), g.kg(), ohw, ohw, dyc, i * ohw * g.kg());
        }
    }

    /**
     * colᵀ[rowOff/ckk + oy·ow + ox, (ky·kw + kx)·cg + ci] = xt[iy·w + ix, ci] (0 in the padding) for one image group
     * xt [h·w, cg] (channels last): each tap is one run of cg floats.
     */
    private static void im2row(ConvGeometry g, float[] xt, float[] colT, int rowOff) {
        ConvParams p = g.p();
        int cg = g.cg();
        int dst = rowOff;
        for (int oy = 0; oy < g.oh(); oy++) {
            for (int ox = 0; ox < g.ow(); ox++) {
                for (int ky = 0; ky < g.kh(); ky++) {
                    int iy = oy * p.strideH() - p.padH() + ky * p.dilationH();
                    for (int kx = 0; kx < g.kw(); kx++, dst += cg) {
                        int ix = ox * p.strideW() - p.padW() + kx * p.dilationW();
                        if (iy < 0 || iy >= g.h() || ix < 0 || ix >= g.w()) {
                            Arrays.fill(colT, dst, dst + cg, 0f);
                        } else {
                            System.arraycopy(xt, (iy * g.w() + ix) * cg, colT, dst, cg);
                        }
                    }
                }
            }
        }
    }

    /**
     * dxt[iy·w + ix, ci] += dcolT[rowOff/ckk + oy·ow + ox, (ky·kw + kx)·cg + ci]: the adjoint of {@link #im2row}
     * into one image group's gradient, channels last, read in the order im2row writes.
     */
    private static void row2im(ConvGeometry g, float[] dcolT, int rowOff, float[] dxt) {
        ConvParams p = g.p();
        int cg = g.cg();
        int src = rowOff;
        for (int oy = 0; oy < g.oh(); oy++) {
            for (int ox = 0; ox < g.ow(); ox++) {
                for (int ky = 0; ky < g.kh(); ky++) {
                    int iy = oy * p.strideH() - p.padH() + ky * p.dilationH();
                    for (int kx = 0; kx < g.kw(); kx++, src += cg) {
                        int ix = ox * p.strideW() - p.padW() + kx * p.dilationW();
                        if (iy < 0 || iy >= g.h() || ix < 0 || ix >= g.w()) {
                            continue;
                        }
                        int d = (iy * g.w() + ix) * cg;
                        for (int ci = 0; ci < cg; ci++) {
                            dxt[d + ci] += dcolT[src + ci];
                        }
                    }
                }
            }
        }
    }
}

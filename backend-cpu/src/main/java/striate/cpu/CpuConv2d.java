package striate.cpu;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import striate.op.BinaryFn;
import striate.op.Conv2dBackwardDataOp;
import striate.op.Conv2dBackwardFilterOp;
import striate.op.Conv2dOp;
import striate.op.ConvParams;
import striate.op.Kernel;
import striate.op.UnaryFn;
import striate.reference.ReferenceBackend;
import striate.tensor.HostStorage;
import striate.tensor.Tensor;

/**
 * Convolution on float32. A filter that covers the whole unpadded input (LeNet's C5: one output pixel) is a
 * matrix product on the tensors as they are, y[n, k] = x[n, ckk] · W[k, ckk]ᵀ, and goes to {@link CpuMatMul}.
 * Few input channels at stride 1 (LeNet's C1) go to the direct kernel of
 * {@link DirectConv2d} (forward and filter gradient); everything else is im2col + {@link Sgemm} over panels of images: one GEMM covers {@code nb} images, so
 * small feature maps (LeNet's C3 with 10×10 outputs, C5 with 1×1) still give the GEMM long vectors. Two layouts,
 * chosen by shape so the GEMM's vector dimension is the long one:
 * <ul>
 * <li>by columns, when an image has many output pixels: y[kg, nb·oh·ow] = W[kg, ckk] · col[ckk, nb·oh·ow];
 * backward data dcol = Wᵀ · dy, scattered back by col2im;</li>
 * <li>by rows, when it has few: yᵀ[nb·oh·ow, kg] = colᵀ[nb·oh·ow, ckk] · Wᵀ[ckk, kg]; backward data
 * dcolᵀ = dyᵀ · W, scattered back by row2im.</li>
 * </ul>
 * Forward and filter-gradient products large enough for the packed GEMM ({@link Sgemm#isPacked}) skip the column
 * matrix: the GEMM packs its strips straight from each image ({@link Im2colPanels}), the forward writing y in place.
 * Backward filter is dW[kg, ckk] = dy[kg, nb·oh·ow] · colᵀ: by dot products along the pixels (A·Bᵀ GEMM) in the
 * column layout, by an NN GEMM over colᵀ in the row layout. ckk = cg·kh·kw. Panels are fixed by shape alone, and
 * dW's per-panel partial sums are added in panel order, so results do not depend on the thread count. Other types
 * go to the reference kernels. A fused op's bias and ReLU are applied to each panel's output planes right after
 * they are written, while they are still in cache.
 */
final class CpuConv2d {
    /** Columns one panel's GEMM should have at least (n·oh·ow); a few KB of B panel per k row. */
    private static final int TARGET_COLUMNS = 256;
    /** Below this many output pixels per image, the row layout gives the GEMM longer vectors. */
    private static final int ROW_LAYOUT_BELOW_PIXELS = 64;
    /** Panels a batch is split into at least (when it has that many images), for the intra-op pool. */
    private static final int MIN_PANELS = 8;

    /** Elements of y [n, k] one task of the matrix case's bias and ReLU covers, about. */
    private static final int ROWS_PER_TASK_ELEMENTS = 16_384;

    private final IntraOpPool pool;
    private final Sgemm sgemm;
    private final CpuMatMul matmul;
    private final FloatLoops loops = FloatLoops.best();

    CpuConv2d(IntraOpPool pool, Sgemm sgemm, CpuMatMul matmul) {
        this.pool = pool;
        this.sgemm = sgemm;
        this.matmul = matmul;
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

        /** Images per panel: enough for TARGET_COLUMNS columns, but at least MIN_PANELS panels when n allows. */
        int panelImages() {
            int wanted = (TARGET_COLUMNS + ohw() - 1) / ohw();
            int cap = Math.max(1, (n + MIN_PANELS - 1) / MIN_PANELS);
            return Math.max(1, Math.min(wanted, cap));
        }

        int panels() {
            int nb = panelImages();
            return (n + nb - 1) / nb;
        }

        /**
         * Whether the filter covers the whole unpadded input in one position, so that x [n, c, h, w] is colᵀ
         * [n, ckk] as it lies in memory and y [n, k, 1, 1] is [n, k].
         */
        boolean matrix() {
            return groups == 1 && oh == 1 && ow == 1 && kh == h && kw == w && p.padH() == 0 && p.padW() == 0;
        }

        /** Whether the direct kernel serves this shape (see {@link DirectConv2d#applies}). */
        boolean direct() {
            return Sgemm.VECTOR_API && DirectConv2d.applies(p, c, kh, kw, ow);
        }

        DirectConv2d directConv() {
            return new DirectConv2d(c, h, w, k, kh, kw, oh, ow, p);
        }

        /** Whether the channel-vectorized direct kernel serves this shape (see {@link PixelConv2d#applies}). */
        boolean pixel() {
            return Sgemm.VECTOR_API && PixelConv2d.applies(p, k);
        }

        PixelConv2d pixelConv() {
            return new PixelConv2d(c, h, w, k, kh, kw, oh, ow, p);
        }

        /** The column matrix of one image's group, packed on demand for the packed GEMM; load an image first. */
        Im2colPanels im2colPanels() {
            return new Im2colPanels(cg, h, w, kh, kw, p.strideH(), p.strideW(), p.padH(), p.padW(), p.dilationH(),
                    p.dilationW(), ow);
        }

        boolean rowLayout() {
            return ohw() < ROW_LAYOUT_BELOW_PIXELS;
        }

        /** Offset of image b, group grp in x [n, c, h, w]. */
        int xOffset(int b, int grp) {
            return (b * c + grp * cg) * h * w;
        }

        /** Offset of image b, group grp in y [n, k, oh, ow]. */
        int yOffset(int b, int grp) {
            return (b * k + grp * kg()) * ohw();
        }
    }

    Kernel<Conv2dOp> forward() {
        return (op, in, out) -> {
            if (!HostFloats.isF32(in[0]) || !HostFloats.isF32(in[1])) {
                ReferenceBackend.KERNELS.get(op).run(op, in, out);
                return;
            }
            Geometry g = Geometry.of(op.params(), in[0].shape().dims(), in[1].shape().dims(), out.shape().dims());
            if (g.matrix()) { // y[n, k] = x[n, ckk] · W[k, ckk]ᵀ
                matmul.multiply(false, true, g.n, g.k, g.ckk(), in[0], in[1], out);
                biasReluRows(op, in, out, g);
                return;
            }
            FloatRegion xr = FloatRegion.of(in[0]);
            float[] w = HostFloats.read(in[1]);
            float[] bias = op.bias() ? HostFloats.read(in[2]) : null;
            MemorySegment ys = ((HostStorage) out.storage()).segment();
            if (g.direct()) {
                DirectConv2d direct = g.directConv();
                int nb = g.panelImages();
                pool.forEach(g.panels(), panel -> {
                    float[] padded = direct.paddedBuffer();
                    for (int b = panel * nb; b < Math.min(g.n, (panel + 1) * nb); b++) {
                        direct.load(xr, b, padded);
                        direct.forwardImage(padded, w, ys, out.offset(), b);
                        biasRelu(op, bias, ys, out.offset() + (long) b * g.k * g.ohw(), 1, g);
                    }
                });
                return;
            }
            if (g.pixel()) {
                PixelConv2d pixel = g.pixelConv();
                float[] wt = pixel.weightsByTap(w);
                int nb = g.panelImages();
                pool.forEach(g.panels(), panel -> {
                    int b0 = panel * nb;
                    int count = Math.min(nb, g.n - b0);
                    float[] y = new float[count * g.k * g.ohw()];
                    pixel.forward(xr, b0, count, wt, new float[pixel.paddedSize(count)],
                            new float[pixel.pixelsSize(count)], y);
                    HostFloats.writeRange(out, (long) b0 * g.k * g.ohw(), y);
                    biasRelu(op, bias, ys, out.offset() + (long) b0 * g.k * g.ohw(), count, g);
                });
                return;
            }
            if (!g.rowLayout() && sgemm.isPacked(g.kg(), g.ohw(), g.ckk())) {
                packedForward(op, g, xr, w, bias, ys, out.offset());
                return;
            }
            float[] wt = g.rowLayout() ? transposePerGroup(g, w) : null;
            int nb = g.panelImages();
            pool.forEach(g.panels(), panel -> {
                int b0 = panel * nb;
                int count = Math.min(nb, g.n - b0);
                int cols = count * g.ohw();
                float[] x = new float[count * g.c * g.h * g.w]; // this panel's images of the input
                xr.read((long) b0 * g.c * g.h * g.w, x);
                float[] col = new float[g.ckk() * cols];
                float[] yc = new float[g.kg() * cols];
                float[] scratch = g.rowLayout() ? new float[g.ckk() * g.ohw()] : null;
                float[] y = new float[count * g.k * g.ohw()]; // this panel's images of the output
                for (int grp = 0; grp < g.groups; grp++) {
                    if (g.rowLayout()) {
                        for (int i = 0; i < count; i++) {
                            im2row(g, x, g.xOffset(i, grp), col, i * g.ohw() * g.ckk(), scratch);
                        }
                        // yᵀ[cols, kg] = colᵀ[cols, ckk] · Wᵀ[ckk, kg]
                        sgemm.gemm(cols, g.kg(), g.ckk(), col, 0, g.ckk(), wt, grp * g.kg() * g.ckk(), g.kg(),
                                yc, 0, g.kg(), false);
                        scatterRows(g, yc, y, count, grp);
                    } else {
                        for (int i = 0; i < count; i++) {
                            im2col(g, x, g.xOffset(i, grp), col, i * g.ohw(), cols);
                        }
                        // y[kg, cols] = W[kg, ckk] · col[ckk, cols]
                        sgemm.gemm(g.kg(), cols, g.ckk(), w, grp * g.kg() * g.ckk(), g.ckk(), col, 0, cols,
                                yc, 0, cols, false);
                        scatterColumns(g, yc, y, count, grp);
                    }
                }
                HostFloats.writeRange(out, (long) b0 * g.k * g.ohw(), y);
                biasRelu(op, bias, ys, out.offset() + (long) b0 * g.k * g.ohw(), count, g);
            });
        };
    }

    /**
     * y[b, grp] [kg, oh·ow] = W[grp] [kg, ckk] · col(x[b, grp]) [ckk, oh·ow] by the packed GEMM, one task per image,
     * written straight into the output's memory; the GEMM reads col's strips from a padded copy of the image
     * ({@link Im2colPanels}), so the column matrix is never built. AlexNet's conv2 (16 images of 96 × 27 × 27, 256
     * filters of 5 × 5) went from 14.4-15.3 to 20.7-22.4 calls/s on 2 threads (JMH, alternating with the column matrix).
     */
    private void packedForward(Conv2dOp op, Geometry g, FloatRegion xr, float[] w, float[] bias, MemorySegment ys,
                               long yOff) {
        MemorySegment weights = MemorySegment.ofArray(w);
        pool.forEach(g.n, b -> {
            Im2colPanels col = g.im2colPanels();
            for (int grp = 0; grp < g.groups; grp++) {
                col.load(xr, (long) b * g.c + (long) grp * g.cg, g.h, g.w);
                PackedSgemm.gemm(false, g.kg(), g.ohw(), g.ckk(), weights, (long) grp * g.kg() * g.ckk(), g.ckk(), col,
                        ys, yOff + g.yOffset(b, grp), g.ohw(), false);
            }
            biasRelu(op, bias, ys, yOff + (long) b * g.k * g.ohw(), 1, g);
        });
    }

    /**
     * A fused op's bias and ReLU on {@code count} images of y [n, k, oh, ow] from element {@code yi}, in place, one
     * plane at a time right after the panel wrote them (still in cache); nothing for a plain convolution.
     */
    private void biasRelu(Conv2dOp op, float[] bias, MemorySegment y, long yi, int count, Geometry g) {
        if (!op.bias() && !op.relu()) {
            return;
        }
        for (int plane = 0; plane < count * g.k; plane++) {
            loops.biasRelu(bias == null ? 0 : bias[plane % g.k], op.relu(), y, yi + (long) plane * g.ohw(), g.ohw());
        }
    }

    /** The same for the matrix case, y [n, k]: the bias runs along each row. */
    private void biasReluRows(Conv2dOp op, Tensor[] in, Tensor out, Geometry g) {
        if (!op.bias() && !op.relu()) {
            return;
        }
        MemorySegment y = ((HostStorage) out.storage()).segment();
        FloatRegion b = op.bias() ? FloatRegion.of(in[2]) : null;
        int rows = Math.max(1, ROWS_PER_TASK_ELEMENTS / g.k);
        pool.forEach((g.n + rows - 1) / rows, task -> {
            for (int r = task * rows; r < Math.min(g.n, (task + 1) * rows); r++) {
                long yi = out.offset() + (long) r * g.k;
                if (b != null) {
                    loops.binary(BinaryFn.ADD, y, yi, b.segment(), b.offset(), false, y, yi, g.k);
                }
                if (op.relu()) {
                    loops.unary(UnaryFn.RELU, y, yi, y, yi, g.k);
                }
            }
        });
    }

    Kernel<Conv2dBackwardDataOp> backwardData() {
        return (op, in, out) -> {
            if (!HostFloats.isF32(in[0]) || !HostFloats.isF32(in[1])) {
                ReferenceBackend.KERNELS.get(op).run(op, in, out);
                return;
            }
            Geometry g = Geometry.of(op.params(), op.inputShape().dims(), in[1].shape().dims(), in[0].shape().dims());
            if (g.matrix()) { // dx[n, ckk] = dy[n, k] · W[k, ckk]
                matmul.multiply(false, false, g.n, g.ckk(), g.k, in[0], in[1], out);
                return;
            }
            FloatRegion dyr = FloatRegion.of(in[0]);
            float[] w = HostFloats.read(in[1]);
            float[] wt = g.rowLayout() ? null : transposePerGroup(g, w);
            int nb = g.panelImages();
            pool.forEach(g.panels(), panel -> {
                int b0 = panel * nb;
                int count = Math.min(nb, g.n - b0);
                int cols = count * g.ohw();
                float[] dy = new float[count * g.k * g.ohw()]; // this panel's images of the output gradient
                dyr.read((long) b0 * g.k * g.ohw(), dy);
                float[] dyc = new float[g.kg() * cols];
                float[] dcol = new float[g.ckk() * cols];
                float[] scratch = g.rowLayout() ? new float[g.ckk() * g.ohw()] : null;
                float[] dx = new float[count * g.c * g.h * g.w]; // this panel's images of the input gradient
                for (int grp = 0; grp < g.groups; grp++) {
                    if (g.rowLayout()) {
                        gatherRows(g, dy, dyc, count, grp);
                        // dcolᵀ[cols, ckk] = dyᵀ[cols, kg] · W[kg, ckk]
                        sgemm.gemm(cols, g.ckk(), g.kg(), dyc, 0, g.kg(), w, grp * g.kg() * g.ckk(), g.ckk(),
                                dcol, 0, g.ckk(), false);
                        for (int i = 0; i < count; i++) {
                            row2im(g, dcol, i * g.ohw() * g.ckk(), dx, g.xOffset(i, grp), scratch);
                        }
                    } else {
                        gatherColumns(g, dy, dyc, count, grp);
                        // dcol[ckk, cols] = Wᵀ[ckk, kg] · dy[kg, cols]
                        sgemm.gemm(g.ckk(), cols, g.kg(), wt, grp * g.kg() * g.ckk(), g.kg(), dyc, 0, cols,
                                dcol, 0, cols, false);
                        for (int i = 0; i < count; i++) {
                            col2im(g, dcol, i * g.ohw(), cols, dx, g.xOffset(i, grp));
                        }
                    }
                }
                HostFloats.writeRange(out, (long) b0 * g.c * g.h * g.w, dx);
            });
        };
    }

    Kernel<Conv2dBackwardFilterOp> backwardFilter() {
        return (op, in, out) -> {
            if (!HostFloats.isF32(in[0]) || !HostFloats.isF32(in[1])) {
                ReferenceBackend.KERNELS.get(op).run(op, in, out);
                return;
            }
            Geometry g = Geometry.of(op.params(), in[0].shape().dims(), op.weightShape().dims(), in[1].shape().dims());
            if (g.matrix()) { // dW[k, ckk] = dy[n, k]ᵀ · x[n, ckk]
                matmul.multiply(true, false, g.k, g.ckk(), g.n, in[1], in[0], out);
                return;
            }
            FloatRegion xr = FloatRegion.of(in[0]);
            FloatRegion dyr = FloatRegion.of(in[1]);
            int wSize = Math.toIntExact(out.size());
            int nb = g.panelImages();
            float[][] partial = new float[g.panels()][];
            if (g.direct()) {
                DirectConv2d direct = g.directConv();
                pool.forEach(g.panels(), panel -> {
                    float[] padded = direct.paddedBuffer();
                    DirectConv2d.FilterScratch scratch = direct.filterScratch();
                    float[] dw = new float[wSize];
                    for (int b = panel * nb; b < Math.min(g.n, (panel + 1) * nb); b++) {
                        direct.load(xr, b, padded);
                        direct.filterGradImage(padded, dyr, b, dw, scratch);
                    }
                    partial[panel] = dw;
                });
                HostFloats.write(out, sumInOrder(partial));
                return;
            }
            if (!g.rowLayout() && sgemm.isPacked(g.kg(), g.ckk(), g.ohw())) {
                packedFilterGrad(g, xr, dyr, wSize, out);
                return;
            }
            pool.forEach(g.panels(), panel -> {
                int b0 = panel * nb;
                int count = Math.min(nb, g.n - b0);
                int cols = count * g.ohw();
                float[] x = new float[count * g.c * g.h * g.w]; // this panel's images of input and output gradient
                xr.read((long) b0 * g.c * g.h * g.w, x);
                float[] dy = new float[count * g.k * g.ohw()];
                dyr.read((long) b0 * g.k * g.ohw(), dy);
                float[] dw = new float[wSize];
                float[] dyc = new float[g.kg() * cols];
                float[] col = new float[cols * g.ckk()];
                float[] scratch = g.rowLayout() ? new float[g.ckk() * g.ohw()] : null;
                for (int grp = 0; grp < g.groups; grp++) {
                    gatherColumns(g, dy, dyc, count, grp);
                    if (g.rowLayout()) {
                        for (int i = 0; i < count; i++) {
                            im2row(g, x, g.xOffset(i, grp), col, i * g.ohw() * g.ckk(), scratch);
                        }
                        // dW[kg, ckk] = dy[kg, cols] · colᵀ[cols, ckk]: vectors along ckk
                        sgemm.gemm(g.kg(), g.ckk(), cols, dyc, 0, cols, col, 0, g.ckk(),
                                dw, grp * g.kg() * g.ckk(), g.ckk(), false);
                    } else {
                        for (int i = 0; i < count; i++) {
                            im2col(g, x, g.xOffset(i, grp), col, i * g.ohw(), cols);
                        }
                        // dW[kg, ckk] = dy[kg, cols] · col[ckk, cols]ᵀ: dot products along the many pixels
                        sgemm.gemmNT(g.kg(), g.ckk(), cols, dyc, 0, cols, col, 0, cols,
                                dw, grp * g.kg() * g.ckk(), g.ckk());
                    }
                }
                partial[panel] = dw;
            });
            HostFloats.write(out, sumInOrder(partial));
        };
    }

    /**
     * dW[grp] [kg, ckk] = Σ_b dy[b, grp] [kg, oh·ow] · col(x[b, grp])ᵀ [oh·ow, ckk] by the packed GEMM, dy read in
     * place and colᵀ's strips from a padded copy of each image ({@link Im2colPanels#transposed}). The images go in
     * at most MIN_PANELS panels fixed by shape, each summing its images into its own gradient in order.
     */
    private void packedFilterGrad(Geometry g, FloatRegion xr, FloatRegion dyr, int wSize, Tensor out) {
        int perPanel = Math.ceilDiv(g.n, Math.min(g.n, MIN_PANELS));
        float[][] partial = new float[Math.ceilDiv(g.n, perPanel)][];
        pool.forEach(partial.length, panel -> {
            Im2colPanels col = g.im2colPanels();
            float[] dw = new float[wSize];
            MemorySegment dws = MemorySegment.ofArray(dw);
            for (int b = panel * perPanel; b < Math.min(g.n, (panel + 1) * perPanel); b++) {
                for (int grp = 0; grp < g.groups; grp++) {
                    col.load(xr, (long) b * g.c + (long) grp * g.cg, g.h, g.w);
                    PackedSgemm.gemm(false, g.kg(), g.ckk(), g.ohw(), dyr.segment(),
                            dyr.offset() + g.yOffset(b, grp), g.ohw(), col.transposed(), dws,
                            (long) grp * g.kg() * g.ckk(), g.ckk(), true);
                }
            }
            partial[panel] = dw;
        });
        HostFloats.write(out, sumInOrder(partial));
    }

    /** The panels' partial filter gradients added in panel order, so the result is the same for any thread count. */
    private static float[] sumInOrder(float[][] partial) {
        float[] dw = partial[0];
        for (int i = 1; i < partial.length; i++) {
            for (int j = 0; j < dw.length; j++) {
                dw[j] += partial[i][j];
            }
        }
        return dw;
    }

    /** Per group, Wᵀ [ckk, kg] at the group's offset from W [kg, ckk]. */
    private static float[] transposePerGroup(Geometry g, float[] w) {
        float[] wt = new float[w.length];
        for (int grp = 0; grp < g.groups; grp++) {
            int off = grp * g.kg() * g.ckk();
            Transpose.of(w, off, g.kg(), g.ckk(), g.ckk(), wt, off);
        }
        return wt;
    }

    /** y[i, grp·kg + r, pix] = yc[r, i·ohw + pix] for the panel's images i (y holds only the panel). */
    private static void scatterColumns(Geometry g, float[] yc, float[] y, int count, int grp) {
        int ohw = g.ohw();
        int cols = count * ohw;
        for (int i = 0; i < count; i++) {
            int yOff = g.yOffset(i, grp);
            for (int r = 0; r < g.kg(); r++) {
                System.arraycopy(yc, r * cols + i * ohw, y, yOff + r * ohw, ohw);
            }
        }
    }

    /** dyc[r, i·ohw + pix] = dy[i, grp·kg + r, pix] for a panel's images dy [count, k, oh, ow]. */
    private static void gatherColumns(Geometry g, float[] dy, float[] dyc, int count, int grp) {
        int ohw = g.ohw();
        int cols = count * ohw;
        for (int i = 0; i < count; i++) {
            int dyOff = g.yOffset(i, grp);
            for (int r = 0; r < g.kg(); r++) {
                System.arraycopy(dy, dyOff + r * ohw, dyc, r * cols + i * ohw, ohw);
            }
        }
    }

    /** y[i, grp·kg + r, pix] = yc[i·ohw + pix, r] for the panel's images i (y holds only the panel). */
    private static void scatterRows(Geometry g, float[] yc, float[] y, int count, int grp) {
        int ohw = g.ohw();
        int kg = g.kg();
        for (int i = 0; i < count; i++) {
            int yOff = g.yOffset(i, grp);
            for (int pix = 0; pix < ohw; pix++) {
                int src = (i * ohw + pix) * kg;
                for (int r = 0; r < kg; r++) {
                    y[yOff + r * ohw + pix] = yc[src + r];
                }
            }
        }
    }

    /** dyc[i·ohw + pix, r] = dy[i, grp·kg + r, pix] for a panel's images dy [count, k, oh, ow]. */
    private static void gatherRows(Geometry g, float[] dy, float[] dyc, int count, int grp) {
        int ohw = g.ohw();
        int kg = g.kg();
        for (int i = 0; i < count; i++) {
            int dyOff = g.yOffset(i, grp);
            for (int pix = 0; pix < ohw; pix++) {
                int dst = (i * ohw + pix) * kg;
                for (int r = 0; r < kg; r++) {
                    dyc[dst + r] = dy[dyOff + r * ohw + pix];
                }
            }
        }
    }

    /**
     * col[(ci·kh + ky)·kw + kx, colOff + oy·ow + ox] = x[ci, iy, ix] (0 in the padding) for one image and group;
     * ld is col's row length. The in-bounds range of ox is computed once per kernel column, so the inner loop is
     * a plain (for stride 1: contiguous) copy.
     */
    private static void im2col(Geometry g, float[] x, int xOff, float[] col, int colOff, int ld) {
        ConvParams p = g.p;
        int sw = p.strideW();
        for (int ci = 0; ci < g.cg; ci++) {
            for (int ky = 0; ky < g.kh; ky++) {
                for (int kx = 0; kx < g.kw; kx++) {
                    int row = ((ci * g.kh + ky) * g.kw + kx) * ld + colOff;
                    int shift = kx * p.dilationW() - p.padW(); // ix = ox·sw + shift
                    int lo = firstInside(shift, sw, g.ow);
                    int hi = endInside(shift, sw, g.w, g.ow);
                    for (int oy = 0; oy < g.oh; oy++) {
                        int iy = oy * p.strideH() - p.padH() + ky * p.dilationH();
                        int dst = row + oy * g.ow;
                        if (iy < 0 || iy >= g.h || lo >= hi) {
                            Arrays.fill(col, dst, dst + g.ow, 0f);
                            continue;
                        }
                        for (int ox = 0; ox < lo; ox++) { // padding columns: a few at most
                            col[dst + ox] = 0f;
                        }
                        int src = xOff + (ci * g.h + iy) * g.w + shift;
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
                        for (int ox = hi; ox < g.ow; ox++) {
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

    /**
     * The transpose of im2col for one image: colT[rowOff/ckk + oy·ow + ox, (ci·kh + ky)·kw + kx], built as im2col
     * into {@code scratch} (ckk·oh·ow floats) and a tiled transpose.
     */
    private static void im2row(Geometry g, float[] x, int xOff, float[] colT, int rowOff, float[] scratch) {
        im2col(g, x, xOff, scratch, 0, g.ohw());
        Transpose.of(scratch, 0, g.ckk(), g.ohw(), g.ohw(), colT, rowOff);
    }

    /** dx[ci, iy, ix] += dcol[(ci·kh + ky)·kw + kx, colOff + oy·ow + ox]: the adjoint of im2col. */
    private static void col2im(Geometry g, float[] dcol, int colOff, int ld, float[] dx, int dxOff) {
        ConvParams p = g.p;
        int sw = p.strideW();
        for (int ci = 0; ci < g.cg; ci++) {
            for (int ky = 0; ky < g.kh; ky++) {
                for (int kx = 0; kx < g.kw; kx++) {
                    int row = ((ci * g.kh + ky) * g.kw + kx) * ld + colOff;
                    int shift = kx * p.dilationW() - p.padW();
                    int lo = firstInside(shift, sw, g.ow);
                    int hi = endInside(shift, sw, g.w, g.ow);
                    for (int oy = 0; oy < g.oh; oy++) {
                        int iy = oy * p.strideH() - p.padH() + ky * p.dilationH();
                        if (iy < 0 || iy >= g.h) {
                            continue;
                        }
                        int dst = dxOff + (ci * g.h + iy) * g.w + shift;
                        int src = row + oy * g.ow;
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

    /** dx[ci, iy, ix] += dcolT[rowOff/ckk + oy·ow + ox, (ci·kh + ky)·kw + kx]: the adjoint of im2row. */
    private static void row2im(Geometry g, float[] dcolT, int rowOff, float[] dx, int dxOff, float[] scratch) {
        Transpose.of(dcolT, rowOff, g.ohw(), g.ckk(), g.ckk(), scratch, 0);
        col2im(g, scratch, 0, g.ohw(), dx, dxOff);
    }
}

package striate.cpu;

import java.util.Locale;
import striate.backend.KernelTrace;
import striate.op.Conv2dBackwardDataOp;
import striate.op.Conv2dBackwardFilterOp;
import striate.op.Conv2dOp;
import striate.op.Kernel;

/**
 * Convolution on float32: a plan per shape picks the algorithm of each direction ({@link Plan#of}), and each
 * algorithm lives in a file of its own:
 * <ul>
 * <li>{@code MATRIX}, {@link MatrixConv2d}: a filter that covers the whole unpadded input (LeNet's C5, one output
 * pixel) is a matrix product on the tensors as they lie;</li>
 * <li>{@code DIRECT}, {@link DirectConv2d}: few input channels at stride 1 (LeNet's C1), forward and filter
 * gradient, vectors along the output rows;</li>
 * <li>{@code PIXEL}, {@link PixelConv2d}: few output channels (LeNet's C3), forward, vectors across the channels;</li>
 * <li>{@code NARROW}, {@link NarrowConv2d}: few taps per output (the DCGAN's one-channel edge layers), all three
 * directions, one image's column matrix at a time with vectors along the output pixels;</li>
 * <li>{@code TAPS}, {@link TapsConv2d}: forward 1-D convolutions (Conv1d at stride 1) large enough for the GEMM, one
 * GEMM over all taps and a shifted sum, without a column matrix;</li>
 * <li>{@code PACKED}, {@link PackedConv2d}: forward and filter-gradient products large enough for the packed GEMM,
 * which packs its strips straight from each image;</li>
 * <li>{@code IM2COL}, {@link Im2colConv2d}, and {@code IM2ROW}, {@link Im2rowConv2d}: everything else, im2col +
 * {@link Sgemm} over panels of images, by columns when an image has many output pixels, by rows (channels last) when
 * it has few;</li>
 * <li>{@code SPARSE}, {@link SparseGradConv2d}: both backward directions when the output gradient is mostly zeros
 * (max-over-time pooling leaves one nonzero per filter and sequence), one filter-sized update per nonzero. This is
 * the one choice made on the values rather than the shape: the backward kernels look at dy before they run the
 * plan's GEMM algorithm.</li>
 * </ul>
 * The plan depends on the shape and the machine (Vector API, OpenBLAS), never on the thread count; panels are fixed
 * by shape and the panels' partial filter gradients are added in panel order, so results do not depend on the
 * thread count either. The kernel trace names the algorithm that ran.
 */
final class CpuConv2d {
    /** The algorithms, named in the kernel trace by their lower-case names. */
    enum Algorithm {
        MATRIX, DIRECT, PIXEL, NARROW, TAPS, PACKED, IM2COL, IM2ROW, SPARSE;

        String traceName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** The algorithm of each direction for one shape. */
    record Plan(Algorithm forward, Algorithm backwardData, Algorithm backwardFilter) {
        static Plan of(ConvGeometry g, Sgemm sgemm) {
            if (g.matrix()) {
                return new Plan(Algorithm.MATRIX, Algorithm.MATRIX, Algorithm.MATRIX);
            }
            Algorithm gemm = g.rowLayout() ? Algorithm.IM2ROW : Algorithm.IM2COL;
            boolean narrow = g.narrow();
            Algorithm forward = g.direct() ? Algorithm.DIRECT
                    : g.pixel() ? Algorithm.PIXEL
                    : narrow ? Algorithm.NARROW
                    : TapsConv2d.applies(g, sgemm) ? Algorithm.TAPS
                    : !g.rowLayout() && sgemm.isPacked(g.kg(), g.ohw(), g.ckk()) ? Algorithm.PACKED
                    : gemm;
            Algorithm filter = g.direct() ? Algorithm.DIRECT
                    : narrow ? Algorithm.NARROW
                    : !g.rowLayout() && sgemm.isPacked(g.kg(), g.ckk(), g.ohw()) ? Algorithm.PACKED
                    : gemm;
            return new Plan(forward, narrow ? Algorithm.NARROW : gemm, filter);
        }
    }

    /** Filter elements one task of the in-order sum of partial gradients covers. */
    static final int SUM_RUN = 16_384;

    private final IntraOpPool pool;
    private final Sgemm sgemm;
    private final FloatLoops loops = FloatLoops.best();
    private final MatrixConv2d matrix;
    private final Im2colConv2d im2col;
    private final Im2rowConv2d im2row;
    private final Scratch small = new Scratch(3); // the direct and pixel kernels' per-thread arrays (their SLOT_s)
    private final NarrowConv2d narrow;

    CpuConv2d(IntraOpPool pool, Sgemm sgemm, CpuMatMul matmul) {
        this.pool = pool;
        this.sgemm = sgemm;
        this.matrix = new MatrixConv2d(pool, matmul, loops);
        this.im2col = new Im2colConv2d(pool, sgemm);
        this.im2row = new Im2rowConv2d(pool, sgemm);
        this.narrow = Sgemm.VECTOR_API ? new NarrowConv2d(pool) : null; // it needs the Vector API to load
    }

    Kernel<Conv2dOp> forward() {
        return (op, in, out) -> {
            ConvGeometry g = ConvGeometry.of(op.params(), in[0].shape().dims(), in[1].shape().dims(),
                    out.shape().dims());
            Algorithm a = Plan.of(g, sgemm).forward();
            if (a == Algorithm.MATRIX) {
                matrix.forward(op, in, out, g);
            } else {
                FloatRegion x = FloatRegion.of(in[0]);
                ConvEpilogue epilogue = ConvEpilogue.of(op, in, loops);
                if (a == Algorithm.IM2ROW) {
                    im2row.forward(g, x, FloatRegion.of(in[1]), epilogue, out);
                } else {
                    float[] w = HostFloats.read(in[1]);
                    switch (a) {
                        case DIRECT -> DirectConv2d.forwardBatch(pool, small, g, x, w, epilogue, out);
                        case PIXEL -> PixelConv2d.forwardBatch(pool, small, g, x, w, epilogue, out);
                        case NARROW -> narrow.forward(g, x, w, epilogue, out);
                        case TAPS -> TapsConv2d.forward(pool, g, sgemm, x, w, epilogue, out);
                        case PACKED -> PackedConv2d.forward(pool, g, x, w, epilogue, out);
                        default -> im2col.forward(g, x, w, epilogue, out);
                    }
                }
            }
            KernelTrace.path(a.traceName());
        };
    }

    Kernel<Conv2dBackwardDataOp> backwardData() {
        return (op, in, out) -> {
            ConvGeometry g = ConvGeometry.of(op.params(), op.inputShape().dims(), in[1].shape().dims(),
                    in[0].shape().dims());
            Algorithm a = Plan.of(g, sgemm).backwardData();
            if (a == Algorithm.MATRIX) {
                matrix.backwardData(in, out, g);
            } else {
                FloatRegion dy = FloatRegion.of(in[0]);
                SparseGradConv2d.Nonzeros nonzeros = SparseGradConv2d.Nonzeros.of(dy, g, loops);
                if (nonzeros != null) {
                    a = Algorithm.SPARSE;
                    SparseGradConv2d.backwardData(pool, g, nonzeros, HostFloats.read(in[1]), out);
                } else if (a == Algorithm.NARROW) {
                    narrow.backwardData(g, dy, HostFloats.read(in[1]), out);
                } else if (a == Algorithm.IM2ROW) {
                    im2row.backwardData(g, dy, FloatRegion.of(in[1]), out);
                } else {
                    im2col.backwardData(g, dy, HostFloats.read(in[1]), out);
                }
            }
            KernelTrace.path(a.traceName());
        };
    }

    Kernel<Conv2dBackwardFilterOp> backwardFilter() {
        return (op, in, out) -> {
            ConvGeometry g = ConvGeometry.of(op.params(), in[0].shape().dims(), op.weightShape().dims(),
                    in[1].shape().dims());
            Algorithm a = Plan.of(g, sgemm).backwardFilter();
            if (a == Algorithm.MATRIX) {
                matrix.backwardFilter(in, out, g);
            } else {
                FloatRegion x = FloatRegion.of(in[0]);
                FloatRegion dy = FloatRegion.of(in[1]);
                int wSize = Math.toIntExact(out.size());
                SparseGradConv2d.Nonzeros nonzeros = SparseGradConv2d.Nonzeros.of(dy, g, loops);
                if (nonzeros != null) {
                    a = Algorithm.SPARSE;
                }
                float[][] partial = switch (a) {
                    case DIRECT -> DirectConv2d.filterGradPanels(pool, small, g, x, dy, wSize);
                    case PACKED -> PackedConv2d.filterGradPanels(pool, g, x, dy, wSize);
                    case NARROW -> narrow.filterGradPanels(g, x, dy, wSize);
                    case SPARSE -> SparseGradConv2d.filterGradPanels(pool, g, x, nonzeros, wSize);
                    case IM2ROW -> im2row.filterGradPanels(g, x, dy, wSize);
                    default -> im2col.filterGradPanels(g, x, dy, wSize);
                };
                float[] dw = sumInOrder(partial, wSize);
                HostFloats.writeRange(out, 0, a == Algorithm.IM2ROW ? im2row.channelsMajor(g, dw) : dw, wSize);
            }
            KernelTrace.path(a.traceName());
        };
    }

    /**
     * The panels' partial filter gradients (their first {@code size} elements) added in panel order, so the result is
     * the same for any thread count (zeros when there is no panel: an empty batch); the filter is cut into fixed runs of {@link #SUM_RUN} elements that the pool's
     * threads add independently.
     */
    private float[] sumInOrder(float[][] partial, int size) {
        if (partial.length == 0) { // an empty batch: no panel, nothing summed
            return new float[size];
        }
        float[] dw = partial[0];
        pool.forEach(Math.ceilDiv(size, SUM_RUN), run -> {
            int from = run * SUM_RUN;
            int to = Math.min(size, from + SUM_RUN);
            for (int i = 1; i < partial.length; i++) {
                float[] p = partial[i];
                for (int j = from; j < to; j++) {
                    dw[j] += p[j];
                }
            }
        });
        return dw;
    }
}

package striate.cpu;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;
import striate.tensor.HostStorage;
import striate.tensor.Tensor;

/**
 * Convolutions with few taps per output ({@code NARROW}: groups 1, c·kh·kw ≤ {@link #MAX_TAPS}), such as the DCGAN's
 * one-channel edge layers (D's 1→64 4×4/2 conv and G's 128→1 transposed conv): one image at a time, its column
 * matrix col [ckk, oh·ow] (a few KB, in L1) and vectors along the output pixels. Forward: y[o, ·] = Σ_t W[o, t]·col[t,
 * ·], written straight into the output tensor. Backward data: dcol[t, ·] = Σ_o W[o, t]·dy[o, ·], then col2im into
 * the image. Filter gradient: Σ over the pixels of dy[o, ·]·col[t, ·], each (o, t)'s lanes kept apart over a panel's
 * images and added in lane order at its end; the panels' partials go back to the caller, added in panel order. Four
 * rows of the output (or taps) share each vector load. Every output's sum has one order, so results do not depend on
 * the thread count. The im2col + GEMM path spent most of its time moving these layers' wide outputs between arrays.
 */
final class NarrowConv2d {
    /** The most taps (c·kh·kw) per output this kernel takes. */
    static final int MAX_TAPS = 32;
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int V = S.length();
    private static final ByteOrder ORDER = ByteOrder.nativeOrder();
    // Scratch slots: the calling thread's (around the pool's forEach), then each task's.
    private static final int PARTIAL_0 = 0; // PARTIAL_0 + panel: the filter gradient's partials, at most MIN_PANELS
    private static final int IMAGE = PARTIAL_0 + ConvGeometry.MIN_PANELS;
    private static final int OUT_IMAGE = IMAGE + 1;
    private static final int COLUMNS = IMAGE + 2;
    private static final int LANES = IMAGE + 3;
    private static final int SLOTS = IMAGE + 4;

    private final IntraOpPool pool;
    private final Scratch scratch = new Scratch(SLOTS);

    NarrowConv2d(IntraOpPool pool) {
        this.pool = pool;
    }

    /**
     * Whether this kernel serves the shape: one group, at most MAX_TAPS taps per output. Ask through
     * {@link ConvGeometry#narrow}, which asks only where the JVM has the Vector API (this class needs it to load).
     */
    static boolean applies(ConvGeometry g) {
        return g.groups() == 1 && g.ckk() <= MAX_TAPS;
    }

    /** Row length of the column matrices and of the output gradient's copies: oh·ow rounded up to whole vectors. */
    private static int paddedRow(ConvGeometry g) {
        return Math.ceilDiv(g.ohw(), V) * V;
    }

    /**
     * One image's column matrix col [ckk, ld] (ld = {@link #paddedRow}) in this thread's scratch, zero past oh·ow in
     * every row, so whole-vector loads read zeros there.
     */
    private float[] columns(ConvGeometry g, FloatRegion xr, int b) {
        int imageSize = g.c() * g.h() * g.w();
        int ld = paddedRow(g);
        float[] x = scratch.floats(IMAGE, imageSize);
        xr.read((long) b * imageSize, x, imageSize);
        float[] col = scratch.floats(COLUMNS, g.ckk() * ld);
        Im2colConv2d.im2col(g, x, 0, col, 0, ld);
        for (int t = 0; t < g.ckk(); t++) {
            Arrays.fill(col, t * ld + g.ohw(), (t + 1) * ld, 0f);
        }
        return col;
    }

    /** Image b's output gradient dy [k, ld] in this thread's scratch (slot {@code slot}), zero past oh·ow in every row. */
    private float[] outputGradient(ConvGeometry g, FloatRegion dyr, int b, int slot) {
        int ohw = g.ohw();
        int ld = paddedRow(g);
        float[] dy = scratch.floats(slot, g.k() * ld);
        long from = (long) b * g.k() * ohw;
        for (int o = 0; o < g.k(); o++) {
            dyr.read(from + (long) o * ohw, dy, o * ld, ohw);
            Arrays.fill(dy, o * ld + ohw, (o + 1) * ld, 0f);
        }
        return dy;
    }

    /** y = conv(x, W), one image per task, then the image's planes through the epilogue. */
    void forward(ConvGeometry g, FloatRegion xr, float[] w, ConvEpilogue epilogue, Tensor out) {
        MemorySegment ys = ((HostStorage) out.storage()).segment();
        int ohw = g.ohw();
        int ld = paddedRow(g);
        int ckk = g.ckk();
        pool.forEach(g.n(), b -> {
            float[] col = columns(g, xr, b);
            long y0 = out.offset() + (long) b * g.k() * ohw;
            for (int p = 0; p < ld; p += V) {
                VectorMask<Float> m = S.indexInRange(p, ohw); // stores only: the last vector may be partial
                int o = 0;
                for (; o + 4 <= g.k(); o += 4) {
                    FloatVector a0 = FloatVector.zero(S);
                    FloatVector a1 = a0;
                    FloatVector a2 = a0;
                    FloatVector a3 = a0;
                    int w0 = o * ckk;
                    for (int t = 0; t < ckk; t++) {
                        FloatVector c = FloatVector.fromArray(S, col, t * ld + p);
                        a0 = c.fma(FloatVector.broadcast(S, w[w0 + t]), a0);
                        a1 = c.fma(FloatVector.broadcast(S, w[w0 + ckk + t]), a1);
                        a2 = c.fma(FloatVector.broadcast(S, w[w0 + 2 * ckk + t]), a2);
                        a3 = c.fma(FloatVector.broadcast(S, w[w0 + 3 * ckk + t]), a3);
                    }
                    long at = y0 + (long) o * ohw + p;
                    a0.intoMemorySegment(ys, at * 4, ORDER, m);
                    a1.intoMemorySegment(ys, (at + ohw) * 4, ORDER, m);
                    a2.intoMemorySegment(ys, (at + 2L * ohw) * 4, ORDER, m);
                    a3.intoMemorySegment(ys, (at + 3L * ohw) * 4, ORDER, m);
                }
                for (; o < g.k(); o++) {
                    FloatVector a = FloatVector.zero(S);
                    for (int t = 0; t < ckk; t++) {
                        a = FloatVector.fromArray(S, col, t * ld + p).fma(FloatVector.broadcast(S, w[o * ckk + t]), a);
                    }
                    a.intoMemorySegment(ys, (y0 + (long) o * ohw + p) * 4, ORDER, m);
                }
            }
            epilogue.planes(ys, y0, 1, g);
        });
    }

    /** dx = the adjoint of conv(·, W) applied to dy, one image per task. */
    void backwardData(ConvGeometry g, FloatRegion dyr, float[] w, Tensor out) {
        int imageSize = g.c() * g.h() * g.w();
        int ld = paddedRow(g);
        int ckk = g.ckk();
        pool.forEach(g.n(), b -> {
            float[] dy = outputGradient(g, dyr, b, IMAGE);
            float[] dcol = scratch.floats(COLUMNS, ckk * ld);
            for (int p = 0; p < ld; p += V) {
                int t = 0;
                for (; t + 4 <= ckk; t += 4) {
                    FloatVector a0 = FloatVector.zero(S);
                    FloatVector a1 = a0;
                    FloatVector a2 = a0;
                    FloatVector a3 = a0;
                    for (int o = 0; o < g.k(); o++) {
                        FloatVector d = FloatVector.fromArray(S, dy, o * ld + p);
                        int wt = o * ckk + t;
                        a0 = d.fma(FloatVector.broadcast(S, w[wt]), a0);
                        a1 = d.fma(FloatVector.broadcast(S, w[wt + 1]), a1);
                        a2 = d.fma(FloatVector.broadcast(S, w[wt + 2]), a2);
                        a3 = d.fma(FloatVector.broadcast(S, w[wt + 3]), a3);
                    }
                    a0.intoArray(dcol, t * ld + p);
                    a1.intoArray(dcol, (t + 1) * ld + p);
                    a2.intoArray(dcol, (t + 2) * ld + p);
                    a3.intoArray(dcol, (t + 3) * ld + p);
                }
                for (; t < ckk; t++) {
                    FloatVector a = FloatVector.zero(S);
                    for (int o = 0; o < g.k(); o++) {
                        a = FloatVector.fromArray(S, dy, o * ld + p).fma(FloatVector.broadcast(S, w[o * ckk + t]), a);
                    }
                    a.intoArray(dcol, t * ld + p);
                }
            }
            float[] dx = scratch.floats(OUT_IMAGE, imageSize);
            Arrays.fill(dx, 0, imageSize, 0f); // col2im adds into it
            Im2colConv2d.col2im(g, dcol, 0, ld, dx, 0);
            HostFloats.writeRange(out, (long) b * imageSize, dx, imageSize);
        });
    }

    /**
     * The partial filter gradients, one per panel of images (ConvGeometry's filter panels), in the first {@code wSize}
     * elements of each; the partials are this thread's scratch arrays, valid until its next call.
     */
    float[][] filterGradPanels(ConvGeometry g, FloatRegion xr, FloatRegion dyr, int wSize) {
        int nb = g.filterPanelImages();
        float[][] partial = new float[g.filterPanels()][];
        for (int panel = 0; panel < partial.length; panel++) {
            partial[panel] = scratch.floats(PARTIAL_0 + panel, wSize);
        }
        int ld = paddedRow(g);
        int ckk = g.ckk();
        pool.forEach(partial.length, panel -> {
            float[] lanes = scratch.floats(LANES, wSize * V); // (o, t)'s sum, lane by lane, over the panel
            Arrays.fill(lanes, 0, wSize * V, 0f);
            for (int b = panel * nb; b < Math.min(g.n(), (panel + 1) * nb); b++) {
                float[] col = columns(g, xr, b);
                float[] dy = outputGradient(g, dyr, b, OUT_IMAGE);
                for (int o = 0; o < g.k(); o++) {
                    int t = 0;
                    for (; t + 4 <= ckk; t += 4) {
                        int l0 = (o * ckk + t) * V;
                        FloatVector a0 = FloatVector.fromArray(S, lanes, l0);
                        FloatVector a1 = FloatVector.fromArray(S, lanes, l0 + V);
                        FloatVector a2 = FloatVector.fromArray(S, lanes, l0 + 2 * V);
                        FloatVector a3 = FloatVector.fromArray(S, lanes, l0 + 3 * V);
                        for (int p = 0; p < ld; p += V) {
                            FloatVector d = FloatVector.fromArray(S, dy, o * ld + p);
                            a0 = d.fma(FloatVector.fromArray(S, col, t * ld + p), a0);
                            a1 = d.fma(FloatVector.fromArray(S, col, (t + 1) * ld + p), a1);
                            a2 = d.fma(FloatVector.fromArray(S, col, (t + 2) * ld + p), a2);
                            a3 = d.fma(FloatVector.fromArray(S, col, (t + 3) * ld + p), a3);
                        }
                        a0.intoArray(lanes, l0);
                        a1.intoArray(lanes, l0 + V);
                        a2.intoArray(lanes, l0 + 2 * V);
                        a3.intoArray(lanes, l0 + 3 * V);
                    }
                    for (; t < ckk; t++) {
                        int l = (o * ckk + t) * V;
                        FloatVector a = FloatVector.fromArray(S, lanes, l);
                        for (int p = 0; p < ld; p += V) {
                            a = FloatVector.fromArray(S, dy, o * ld + p).fma(FloatVector.fromArray(S, col, t * ld + p), a);
                        }
                        a.intoArray(lanes, l);
                    }
                }
            }
            float[] dw = partial[panel];
            for (int i = 0; i < wSize; i++) { // lanes in order: reduceLanes(ADD) leaves the order open
                float s = 0;
                for (int lane = 0; lane < V; lane++) {
                    s += lanes[i * V + lane];
                }
                dw[i] = s;
            }
        });
        return partial;
    }
}

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

    /** Whether this kernel serves the shape: the Vector API, one group, at most MAX_TAPS taps per output. */
    static boolean applies(ConvGeometry g) {
        return Sgemm.VECTOR_API && g.groups() == 1 && g.ckk() <= MAX_TAPS;
    }

    /** y = conv(x, W), one image per task, then the image's planes through the epilogue. */
    void forward(ConvGeometry g, FloatRegion xr, float[] w, ConvEpilogue epilogue, Tensor out) {
        MemorySegment ys = ((HostStorage) out.storage()).segment();
        int imageSize = g.c() * g.h() * g.w();
        int ohw = g.ohw();
        int ckk = g.ckk();
        pool.forEach(g.n(), b -> {
            float[] x = scratch.floats(IMAGE, imageSize);
            xr.read((long) b * imageSize, x, imageSize);
            float[] col = scratch.floats(COLUMNS, ckk * ohw);
            Im2colConv2d.im2col(g, x, 0, col, 0, ohw);
            long y0 = out.offset() + (long) b * g.k() * ohw;
            for (int p = 0; p < ohw; p += V) {
                VectorMask<Float> m = S.indexInRange(p, ohw);
                int o = 0;
                for (; o + 4 <= g.k(); o += 4) {
                    FloatVector a0 = FloatVector.zero(S);
                    FloatVector a1 = a0;
                    FloatVector a2 = a0;
                    FloatVector a3 = a0;
                    int w0 = o * ckk;
                    for (int t = 0; t < ckk; t++) {
                        FloatVector c = FloatVector.fromArray(S, col, t * ohw + p, m);
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
                        a = FloatVector.fromArray(S, col, t * ohw + p, m).fma(FloatVector.broadcast(S, w[o * ckk + t]), a);
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
        int ohw = g.ohw();
        int ckk = g.ckk();
        int dySize = g.k() * ohw;
        pool.forEach(g.n(), b -> {
            float[] dy = scratch.floats(IMAGE, dySize);
            dyr.read((long) b * dySize, dy, dySize);
            float[] dcol = scratch.floats(COLUMNS, ckk * ohw);
            for (int p = 0; p < ohw; p += V) {
                VectorMask<Float> m = S.indexInRange(p, ohw);
                int t = 0;
                for (; t + 4 <= ckk; t += 4) {
                    FloatVector a0 = FloatVector.zero(S);
                    FloatVector a1 = a0;
                    FloatVector a2 = a0;
                    FloatVector a3 = a0;
                    for (int o = 0; o < g.k(); o++) {
                        FloatVector d = FloatVector.fromArray(S, dy, o * ohw + p, m);
                        int wt = o * ckk + t;
                        a0 = d.fma(FloatVector.broadcast(S, w[wt]), a0);
                        a1 = d.fma(FloatVector.broadcast(S, w[wt + 1]), a1);
                        a2 = d.fma(FloatVector.broadcast(S, w[wt + 2]), a2);
                        a3 = d.fma(FloatVector.broadcast(S, w[wt + 3]), a3);
                    }
                    a0.intoArray(dcol, t * ohw + p, m);
                    a1.intoArray(dcol, (t + 1) * ohw + p, m);
                    a2.intoArray(dcol, (t + 2) * ohw + p, m);
                    a3.intoArray(dcol, (t + 3) * ohw + p, m);
                }
                for (; t < ckk; t++) {
                    FloatVector a = FloatVector.zero(S);
                    for (int o = 0; o < g.k(); o++) {
                        a = FloatVector.fromArray(S, dy, o * ohw + p, m).fma(FloatVector.broadcast(S, w[o * ckk + t]), a);
                    }
                    a.intoArray(dcol, t * ohw + p, m);
                }
            }
            float[] dx = scratch.floats(OUT_IMAGE, imageSize);
            Arrays.fill(dx, 0, imageSize, 0f); // col2im adds into it
            Im2colConv2d.col2im(g, dcol, 0, ohw, dx, 0);
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
        int imageSize = g.c() * g.h() * g.w();
        int ohw = g.ohw();
        int ckk = g.ckk();
        int dySize = g.k() * ohw;
        pool.forEach(partial.length, panel -> {
            float[] lanes = scratch.floats(LANES, wSize * V); // (o, t)'s sum, lane by lane, over the panel
            Arrays.fill(lanes, 0, wSize * V, 0f);
            for (int b = panel * nb; b < Math.min(g.n(), (panel + 1) * nb); b++) {
                float[] x = scratch.floats(IMAGE, imageSize);
                xr.read((long) b * imageSize, x, imageSize);
                float[] col = scratch.floats(COLUMNS, ckk * ohw);
                Im2colConv2d.im2col(g, x, 0, col, 0, ohw);
                float[] dy = scratch.floats(OUT_IMAGE, dySize);
                dyr.read((long) b * dySize, dy, dySize);
                for (int o = 0; o < g.k(); o++) {
                    int t = 0;
                    for (; t + 4 <= ckk; t += 4) {
                        int l0 = (o * ckk + t) * V;
                        FloatVector a0 = FloatVector.fromArray(S, lanes, l0);
                        FloatVector a1 = FloatVector.fromArray(S, lanes, l0 + V);
                        FloatVector a2 = FloatVector.fromArray(S, lanes, l0 + 2 * V);
                        FloatVector a3 = FloatVector.fromArray(S, lanes, l0 + 3 * V);
                        for (int p = 0; p < ohw; p += V) {
                            VectorMask<Float> m = S.indexInRange(p, ohw);
                            FloatVector d = FloatVector.fromArray(S, dy, o * ohw + p, m);
                            a0 = d.fma(FloatVector.fromArray(S, col, t * ohw + p, m), a0);
                            a1 = d.fma(FloatVector.fromArray(S, col, (t + 1) * ohw + p, m), a1);
                            a2 = d.fma(FloatVector.fromArray(S, col, (t + 2) * ohw + p, m), a2);
                            a3 = d.fma(FloatVector.fromArray(S, col, (t + 3) * ohw + p, m), a3);
                        }
                        a0.intoArray(lanes, l0);
                        a1.intoArray(lanes, l0 + V);
                        a2.intoArray(lanes, l0 + 2 * V);
                        a3.intoArray(lanes, l0 + 3 * V);
                    }
                    for (; t < ckk; t++) {
                        int l = (o * ckk + t) * V;
                        FloatVector a = FloatVector.fromArray(S, lanes, l);
                        for (int p = 0; p < ohw; p += V) {
                            VectorMask<Float> m = S.indexInRange(p, ohw);
                            a = FloatVector.fromArray(S, dy, o * ohw + p, m)
                                    .fma(FloatVector.fromArray(S, col, t * ohw + p, m), a);
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

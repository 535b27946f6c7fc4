package striate.cpu;

import static java.lang.foreign.ValueLayout.JAVA_FLOAT;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;
import striate.op.ConvParams;
import striate.tensor.HostStorage;
import striate.tensor.Tensor;

/**
 * Direct convolution for few input channels (LeNet's C1: 1 → 6 channels, 5×5), stride 1, no dilation, one
 * group. Each output row is a few vectors along the width, accumulated tap by tap from a zero-padded copy of the
 * image, so no im2col matrix (kh·kw times the input) is built. Forward y [n, k, oh, ow] and the filter gradient
 * dW [k, c, kh, kw] (dot products along the output rows). Vector API only: callers check {@link Sgemm#VECTOR_API}.
 * No mask is built inside a loop: masks made per iteration fall off the compiled path on AVX2 machines.
 */
final class DirectConv2d {
    /** Taps (c·kh·kw) at most: with more input channels im2col + GEMM reuses the input better. */
    static final int MAX_TAPS = 80;
    /** The {@link Scratch} slots a panel uses: the padded image, and the filter gradient's dy rows. */
    static final int SLOT_PADDED = 0;
    static final int SLOT_DY_ROWS = 1;
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final ByteOrder ORDER = ByteOrder.nativeOrder();

    private final int c;
    private final int h;
    private final int w;
    private final int k;
    private final int kh;
    private final int kw;
    private final int oh;
    private final int ow;
    private final int padH;
    private final int padW;
    private final int ph; // rows of a padded plane
    private final int pw; // columns of a padded row, with a vector of slack so loads never leave the buffer
    private final int rowLength; // an output row in whole vectors, as the filter gradient's dy rows lie in scratch

    DirectConv2d(int c, int h, int w, int k, int kh, int kw, int oh, int ow, ConvParams p) {
        this.c = c;
        this.h = h;
        this.w = w;
        this.k = k;
        this.kh = kh;
        this.kw = kw;
        this.oh = oh;
        this.ow = ow;
        this.padH = p.padH();
        this.padW = p.padW();
        this.ph = h + 2 * padH;
        this.pw = w + 2 * padW + S.length();
        this.rowLength = Math.ceilDiv(ow, S.length()) * S.length();
    }

    /** Whether this kernel serves the shape: stride 1, no dilation, one group, few taps, rows of a vector or more. */
    static boolean applies(ConvParams p, int c, int kh, int kw, int ow) {
        return p.groups() == 1 && p.strideH() == 1 && p.strideW() == 1 && p.dilationH() == 1 && p.dilationW() == 1
                && c * kh * kw <= MAX_TAPS && ow >= 8;
    }

    /**
     * y = conv(x, w) for the whole batch, in panels of images (one task each): each image copied padded, convolved
     * into the output's memory, and its planes put through the epilogue.
     */
    static void forwardBatch(IntraOpPool pool, Scratch scratch, ConvGeometry g, FloatRegion xr, float[] w,
                             ConvEpilogue epilogue, Tensor out) {
        MemorySegment ys = ((HostStorage) out.storage()).segment();
        DirectConv2d direct = g.directConv();
        int nb = g.panelImages();
        pool.forEach(g.panels(), panel -> {
            float[] padded = direct.paddedBuffer(scratch);
            for (int b = panel * nb; b < Math.min(g.n(), (panel + 1) * nb); b++) {
                direct.load(xr, b, padded);
                direct.forwardImage(padded, w, ys, out.offset(), b);
                epilogue.planes(ys, out.offset() + (long) b * g.k() * g.ohw(), 1, g);
            }
        });
    }

    /** The partial filter gradients, one per panel of images, each summing its images in order. */
    static float[][] filterGradPanels(IntraOpPool pool, Scratch arrays, ConvGeometry g, FloatRegion xr,
                                      FloatRegion dyr, int wSize) {
        DirectConv2d direct = g.directConv();
        int nb = g.panelImages();
        float[][] partial = new float[g.panels()][];
        pool.forEach(g.panels(), panel -> {
            float[] padded = direct.paddedBuffer(arrays);
            FilterScratch scratch = direct.filterScratch(arrays);
            float[] dw = new float[wSize];
            for (int b = panel * nb; b < Math.min(g.n(), (panel + 1) * nb); b++) {
                direct.load(xr, b, padded);
                direct.filterGradImage(padded, dyr, b, dw, scratch);
            }
            partial[panel] = dw;
        });
        return partial;
    }

    /**
     * This thread's buffer for {@link #load}, zeroed: its borders stay zero through a panel's images, since loads write
     * only the interior.
     */
    float[] paddedBuffer(Scratch scratch) {
        int size = c * ph * pw + S.length();
        float[] padded = scratch.floats(SLOT_PADDED, size);
        Arrays.fill(padded, 0, size, 0f);
        return padded;
    }

    /** Copies image b of x [n, c, h, w] into the interior of the padded buffer. */
    void load(FloatRegion x, int b, float[] padded) {
        for (int ic = 0; ic < c; ic++) {
            for (int iy = 0; iy < h; iy++) {
                MemorySegment.copy(x.segment(), JAVA_FLOAT, (x.offset() + ((long) (b * c + ic) * h + iy) * w) * 4,
                        padded, (ic * ph + iy + padH) * pw + padW, w);
            }
        }
    }

    /** y[b] = conv(image in padded, wt) for wt [k, c, kh, kw]; y is the output's memory from element yOff. */
    void forwardImage(float[] padded, float[] wt, MemorySegment y, long yOff, int b) {
        int taps = c * kh * kw;
        long plane = (long) oh * ow;
        float[] lanes = new float[S.length()];
        int oc = 0;
        for (; oc + 4 <= k; oc += 4) { // four output channels share each input vector
            for (int oy = 0; oy < oh; oy++) {
                for (int step = 0; step < ow; step += S.length()) {
                    int ox = vectorStart(step);
                    FloatVector a0 = FloatVector.zero(S);
                    FloatVector a1 = a0;
                    FloatVector a2 = a0;
                    FloatVector a3 = a0;
                    int t = 0;
                    for (int ic = 0; ic < c; ic++) {
                        for (int ky = 0; ky < kh; ky++) {
                            int row = (ic * ph + oy + ky) * pw + ox;
                            for (int kx = 0; kx < kw; kx++, t++) {
                                FloatVector xv = FloatVector.fromArray(S, padded, row + kx);
                                a0 = xv.fma(FloatVector.broadcast(S, wt[oc * taps + t]), a0);
                                a1 = xv.fma(FloatVector.broadcast(S, wt[(oc + 1) * taps + t]), a1);
                                a2 = xv.fma(FloatVector.broadcast(S, wt[(oc + 2) * taps + t]), a2);
                                a3 = xv.fma(FloatVector.broadcast(S, wt[(oc + 3) * taps + t]), a3);
                            }
                        }
                    }
                    long at = yOff + ((long) (b * k + oc) * oh + oy) * ow + ox;
                    store(a0, y, at, ox, lanes);
                    store(a1, y, at + plane, ox, lanes);
                    store(a2, y, at + 2 * plane, ox, lanes);
                    store(a3, y, at + 3 * plane, ox, lanes);
                }
            }
        }
        for (; oc + 2 <= k; oc += 2) { // two more: two independent FMA chains instead of one
            for (int oy = 0; oy < oh; oy++) {
                for (int step = 0; step < ow; step += S.length()) {
                    int ox = vectorStart(step);
                    FloatVector a0 = FloatVector.zero(S);
                    FloatVector a1 = a0;
                    int t = 0;
                    for (int ic = 0; ic < c; ic++) {
                        for (int ky = 0; ky < kh; ky++) {
                            int row = (ic * ph + oy + ky) * pw + ox;
                            for (int kx = 0; kx < kw; kx++, t++) {
                                FloatVector xv = FloatVector.fromArray(S, padded, row + kx);
                                a0 = xv.fma(FloatVector.broadcast(S, wt[oc * taps + t]), a0);
                                a1 = xv.fma(FloatVector.broadcast(S, wt[(oc + 1) * taps + t]), a1);
                            }
                        }
                    }
                    long at = yOff + ((long) (b * k + oc) * oh + oy) * ow + ox;
                    store(a0, y, at, ox, lanes);
                    store(a1, y, at + plane, ox, lanes);
                }
            }
        }
        for (; oc < k; oc++) {
            for (int oy = 0; oy < oh; oy++) {
                for (int step = 0; step < ow; step += S.length()) {
                    int ox = vectorStart(step);
                    FloatVector a = FloatVector.zero(S);
                    int t = 0;
                    for (int ic = 0; ic < c; ic++) {
                        for (int ky = 0; ky < kh; ky++) {
                            int row = (ic * ph + oy + ky) * pw + ox;
                            for (int kx = 0; kx < kw; kx++, t++) {
                                a = FloatVector.fromArray(S, padded, row + kx)
                                        .fma(FloatVector.broadcast(S, wt[oc * taps + t]), a);
                            }
                        }
                    }
                    store(a, y, yOff + ((long) (b * k + oc) * oh + oy) * ow + ox, ox, lanes);
                }
            }
        }
    }

    /**
     * Where the output vector for columns from {@code step} starts: the last one of a row is moved left to end at the
     * row's end (overlapping the one before, whose overlapped lanes it recomputes with the same taps in the same
     * order, so identical values) and stored whole; a masked or lane-by-lane store of a partial vector costs more
     * than the overlap (a masked store is slow on AVX2). Rows narrower than a vector keep the partial store.
     */
    private int vectorStart(int step) {
        return ow >= S.length() ? Math.min(step, ow - S.length()) : step;
    }

    /**
     * Stores the output vector of columns [ox, ox + V) of a row at element {@code at}; past the row's end only the
     * valid lanes, through {@code lanes}, and so into a heap segment (a tiny output), which a vector store must never
     * see (see {@link VectorFloatLoops#binary}).
     */
    private void store(FloatVector v, MemorySegment y, long at, int ox, float[] lanes) {
        if (ox + S.length() <= ow && y.isNative()) {
            v.intoMemorySegment(y, at * 4, ORDER);
        } else {
            v.intoArray(lanes, 0);
            MemorySegment.copy(lanes, 0, y, JAVA_FLOAT, at * 4, Math.min(S.length(), ow - ox));
        }
    }

    /** Scratch for {@link #filterGradImage}, one per thread: two dy planes in rows of whole vectors (zero tails), and one vector. */
    record FilterScratch(float[] dyRows, float[] lanes) {
    }

    FilterScratch filterScratch(Scratch scratch) {
        float[] rows = scratch.floats(SLOT_DY_ROWS, 2 * oh * rowLength);
        Arrays.fill(rows, 0, 2 * oh * rowLength, 0f); // the rows' tails past ow stay zero: copies fill only ow
        return new FilterScratch(rows, new float[S.length()]);
    }

    /**
     * dw[oc, ic, ky, kx] += Σ over image b's output pixels of dy[b, oc, oy, ox] · x_padded[ic, oy + ky, ox + kx]:
     * vector dot products along the rows, two output channels and four taps (kx) at a time, so that each x load
     * serves two channels, each dy load four taps, and eight FMA chains run independently; reduced once per image in
     * a fixed lane order. The dy rows are copied into whole vectors with zeros past the row's end, so those lanes add
     * 0 · x (finite x: a non-finite input has already made the forward pass non-finite).
     */
    void filterGradImage(float[] padded, FloatRegion dy, int b, float[] dw, FilterScratch scratch) {
        int second = oh * rowLength; // where the second channel's rows start in dyRows
        int oc = 0;
        for (; oc + 2 <= k; oc += 2) {
            copyRows(dy, b, oc, scratch.dyRows(), 0);
            copyRows(dy, b, oc + 1, scratch.dyRows(), second);
            for (int ic = 0; ic < c; ic++) {
                for (int ky = 0; ky < kh; ky++) {
                    twoChannelsGrad(padded, scratch.dyRows(), second, oc, ic, ky, dw, scratch.lanes());
                }
            }
        }
        for (; oc < k; oc++) {
            copyRows(dy, b, oc, scratch.dyRows(), 0);
            for (int ic = 0; ic < c; ic++) {
                for (int ky = 0; ky < kh; ky++) {
                    oneChannelGrad(padded, scratch.dyRows(), oc, ic, ky, dw, scratch.lanes());
                }
            }
        }
    }

    /** Copies dy[b, oc] into {@code rows} from {@code at}, one row per whole number of vectors. */
    private void copyRows(FloatRegion dy, int b, int oc, float[] rows, int at) {
        long dyPlane = dy.offset() + (long) (b * k + oc) * oh * ow;
        for (int oy = 0; oy < oh; oy++) {
            MemorySegment.copy(dy.segment(), JAVA_FLOAT, (dyPlane + (long) oy * ow) * 4, rows, at + oy * rowLength, ow);
        }
    }

    /** The taps (oc, ic, ky, ·) and (oc + 1, ic, ky, ·); channel oc's dy rows at 0 in dyRows, oc + 1's at second. */
    private void twoChannelsGrad(float[] padded, float[] dyRows, int second, int oc, int ic, int ky, float[] dw,
            float[] lanes) {
        int t = (oc * c + ic) * kh * kw + ky * kw; // dw index of tap (oc, ic, ky, 0)
        int u = t + c * kh * kw; // and of (oc + 1, ic, ky, 0)
        int kx = 0;
        for (; kx + 4 <= kw; kx += 4) {
            FloatVector a0 = FloatVector.zero(S);
            FloatVector a1 = a0;
            FloatVector a2 = a0;
            FloatVector a3 = a0;
            FloatVector b0 = a0;
            FloatVector b1 = a0;
            FloatVector b2 = a0;
            FloatVector b3 = a0;
            for (int oy = 0; oy < oh; oy++) {
                int row = (ic * ph + oy + ky) * pw + kx;
                int dr = oy * rowLength;
                for (int ox = 0; ox < rowLength; ox += S.length()) {
                    FloatVector g = FloatVector.fromArray(S, dyRows, dr + ox);
                    FloatVector h = FloatVector.fromArray(S, dyRows, second + dr + ox);
                    FloatVector x0 = FloatVector.fromArray(S, padded, row + ox);
                    a0 = g.fma(x0, a0);
                    b0 = h.fma(x0, b0);
                    FloatVector x1 = FloatVector.fromArray(S, padded, row + ox + 1);
                    a1 = g.fma(x1, a1);
                    b1 = h.fma(x1, b1);
                    FloatVector x2 = FloatVector.fromArray(S, padded, row + ox + 2);
                    a2 = g.fma(x2, a2);
                    b2 = h.fma(x2, b2);
                    FloatVector x3 = FloatVector.fromArray(S, padded, row + ox + 3);
                    a3 = g.fma(x3, a3);
                    b3 = h.fma(x3, b3);
                }
            }
            dw[t + kx] += Lanes.sum(a0, lanes);
            dw[t + kx + 1] += Lanes.sum(a1, lanes);
            dw[t + kx + 2] += Lanes.sum(a2, lanes);
            dw[t + kx + 3] += Lanes.sum(a3, lanes);
            dw[u + kx] += Lanes.sum(b0, lanes);
            dw[u + kx + 1] += Lanes.sum(b1, lanes);
            dw[u + kx + 2] += Lanes.sum(b2, lanes);
            dw[u + kx + 3] += Lanes.sum(b3, lanes);
        }
        for (; kx < kw; kx++) { // the rest one tap at a time, even and odd rows in separate chains
            FloatVector aEven = FloatVector.zero(S);
            FloatVector aOdd = aEven;
            FloatVector bEven = aEven;
            FloatVector bOdd = aEven;
            int oy = 0;
            for (; oy + 1 < oh; oy += 2) {
                int row = (ic * ph + oy + ky) * pw + kx;
                int dr = oy * rowLength;
                for (int ox = 0; ox < rowLength; ox += S.length()) {
                    FloatVector x0 = FloatVector.fromArray(S, padded, row + ox);
                    FloatVector x1 = FloatVector.fromArray(S, padded, row + pw + ox);
                    aEven = FloatVector.fromArray(S, dyRows, dr + ox).fma(x0, aEven);
                    bEven = FloatVector.fromArray(S, dyRows, second + dr + ox).fma(x0, bEven);
                    aOdd = FloatVector.fromArray(S, dyRows, dr + rowLength + ox).fma(x1, aOdd);
                    bOdd = FloatVector.fromArray(S, dyRows, second + dr + rowLength + ox).fma(x1, bOdd);
                }
            }
            if (oy < oh) {
                int row = (ic * ph + oy + ky) * pw + kx;
                int dr = oy * rowLength;
                for (int ox = 0; ox < rowLength; ox += S.length()) {
                    FloatVector x0 = FloatVector.fromArray(S, padded, row + ox);
                    aEven = FloatVector.fromArray(S, dyRows, dr + ox).fma(x0, aEven);
                    bEven = FloatVector.fromArray(S, dyRows, second + dr + ox).fma(x0, bEven);
                }
            }
            dw[t + kx] += Lanes.sum(aEven.add(aOdd), lanes);
            dw[u + kx] += Lanes.sum(bEven.add(bOdd), lanes);
        }
    }

    /** The taps (oc, ic, ky, ·) of one channel (the last one when k is odd), its dy rows at 0 in dyRows. */
    private void oneChannelGrad(float[] padded, float[] dyRows, int oc, int ic, int ky, float[] dw, float[] lanes) {
        int t = (oc * c + ic) * kh * kw + ky * kw; // dw index of tap (oc, ic, ky, 0)
        int kx = 0;
        for (; kx + 4 <= kw; kx += 4) {
            FloatVector a0 = FloatVector.zero(S);
            FloatVector a1 = a0;
            FloatVector a2 = a0;
            FloatVector a3 = a0;
            for (int oy = 0; oy < oh; oy++) {
                int row = (ic * ph + oy + ky) * pw + kx;
                int dr = oy * rowLength;
                for (int ox = 0; ox < rowLength; ox += S.length()) {
                    FloatVector g = FloatVector.fromArray(S, dyRows, dr + ox);
                    a0 = g.fma(FloatVector.fromArray(S, padded, row + ox), a0);
                    a1 = g.fma(FloatVector.fromArray(S, padded, row + ox + 1), a1);
                    a2 = g.fma(FloatVector.fromArray(S, padded, row + ox + 2), a2);
                    a3 = g.fma(FloatVector.fromArray(S, padded, row + ox + 3), a3);
                }
            }
            dw[t + kx] += Lanes.sum(a0, lanes);
            dw[t + kx + 1] += Lanes.sum(a1, lanes);
            dw[t + kx + 2] += Lanes.sum(a2, lanes);
            dw[t + kx + 3] += Lanes.sum(a3, lanes);
        }
        for (; kx < kw; kx++) { // the rest one tap at a time, even and odd rows in two chains
            FloatVector even = FloatVector.zero(S);
            FloatVector odd = even;
            int oy = 0;
            for (; oy + 1 < oh; oy += 2) {
                int row = (ic * ph + oy + ky) * pw + kx;
                int dr = oy * rowLength;
                for (int ox = 0; ox < rowLength; ox += S.length()) {
                    even = FloatVector.fromArray(S, dyRows, dr + ox).fma(FloatVector.fromArray(S, padded, row + ox), even);
                    odd = FloatVector.fromArray(S, dyRows, dr + rowLength + ox)
                            .fma(FloatVector.fromArray(S, padded, row + pw + ox), odd);
                }
            }
            if (oy < oh) {
                int row = (ic * ph + oy + ky) * pw + kx;
                for (int ox = 0; ox < rowLength; ox += S.length()) {
                    even = FloatVector.fromArray(S, dyRows, oy * rowLength + ox)
                            .fma(FloatVector.fromArray(S, padded, row + ox), even);
                }
            }
            dw[t + kx] += Lanes.sum(even.add(odd), lanes);
        }
    }
}

package striate.cpu;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;
import striate.op.ConvParams;
import striate.tensor.HostStorage;
import striate.tensor.Tensor;

/**
 * Direct convolution vectorized over output channels, for few of them (LeNet's C3: 6 → 16 channels, 5×5 on
 * 14×14): four output pixels at a time keep [4 pixels × 2 vectors of channels] accumulators in registers, and each
 * tap adds a broadcast input value times a vector of that tap's weights. The four pixels may lie anywhere (other
 * rows, other images of the panel), since each reads its input through its own base offset, so no im2col matrix is
 * built and no row is too short to fill a vector. Results go out pixel-major [pixels, k] and are transposed to
 * y [n, k, oh, ow] per image; k is padded to whole vectors with zero weights (LeNet's C1: 6 of 8 lanes used).
 * Channel blocks of two vectors take four pixels at a time, of one vector eight. One group, no dilation, any
 * stride and padding.
 * Each output is one sum over the taps in a fixed order, whatever the thread count. Vector API only.
 */
final class PixelConv2d {
    /** Output channels at most: beyond a few dozen, im2col + GEMM reuses each loaded input value better. */
    static final int MAX_CHANNELS = 32;
    /** The {@link Scratch} slots a panel uses: the padded images, the pixel-major sums, the panel's output. */
    static final int SLOT_PADDED = 0;
    static final int SLOT_PIXELS = 1;
    static final int SLOT_Y = 2;
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int V = S.length();

    private final int c;
    private final int h;
    private final int w;
    private final int k;
    private final int kp; // k rounded up to whole vectors: the extra channels have zero weights and are dropped
    private final int oh;
    private final int ow;
    private final int strideH;
    private final int strideW;
    private final int padH;
    private final int padW;
    private final int ph; // rows of a padded plane
    private final int pw; // columns of a padded row
    private final int taps; // c·kh·kw
    private final int[] tapOffset; // [taps]: where tap (ci, ky, kx) reads, relative to an output pixel's base

    PixelConv2d(int c, int h, int w, int k, int kh, int kw, int oh, int ow, ConvParams p) {
        this.c = c;
        this.h = h;
        this.w = w;
        this.k = k;
        this.kp = (k + V - 1) / V * V;
        this.oh = oh;
        this.ow = ow;
        this.strideH = p.strideH();
        this.strideW = p.strideW();
        this.padH = p.padH();
        this.padW = p.padW();
        this.ph = h + 2 * padH;
        this.pw = w + 2 * padW;
        this.taps = c * kh * kw;
        this.tapOffset = new int[taps];
        for (int ci = 0, t = 0; ci < c; ci++) {
            for (int ky = 0; ky < kh; ky++) {
                for (int kx = 0; kx < kw; kx++, t++) {
                    tapOffset[t] = (ci * ph + ky) * pw + kx;
                }
            }
        }
    }

    /**
     * y = conv(x, w) for the whole batch, in panels of images (one task each), each panel's planes then through the
     * epilogue.
     */
    static void forwardBatch(IntraOpPool pool, Scratch scratch, ConvGeometry g, FloatRegion xr, float[] w,
                             ConvEpilogue epilogue, Tensor out) {
        MemorySegment ys = ((HostStorage) out.storage()).segment();
        PixelConv2d pixel = g.pixelConv();
        float[] wt = pixel.weightsByTap(w);
        int nb = g.panelImages();
        pool.forEach(g.panels(), panel -> {
            int b0 = panel * nb;
            int count = Math.min(nb, g.n() - b0);
            int size = count * g.k() * g.ohw();
            float[] y = scratch.floats(SLOT_Y, size);
            float[] padded = scratch.floats(SLOT_PADDED, pixel.paddedSize(count));
            Arrays.fill(padded, 0, pixel.paddedSize(count), 0f); // the borders: an earlier call left other values
            pixel.forward(xr, b0, count, wt, padded, scratch.floats(SLOT_PIXELS, pixel.pixelsSize(count)), y);
            HostFloats.writeRange(out, (long) b0 * g.k() * g.ohw(), y, size);
            epilogue.planes(ys, out.offset() + (long) b0 * g.k() * g.ohw(), count, g);
        });
    }

    /** Whether this kernel serves the shape: one group, no dilation, at most 32 output channels. */
    static boolean applies(ConvParams p, int k) {
        return p.groups() == 1 && p.dilationH() == 1 && p.dilationW() == 1 && k <= MAX_CHANNELS;
    }

    /**
     * The weights w [k, taps] as wt [taps, kp] (zero beyond k), so one tap's weights for a block of channels are
     * one vector load.
     */
    float[] weightsByTap(float[] wk) {
        float[] wt = new float[taps * kp];
        for (int o = 0; o < k; o++) {
            for (int t = 0; t < taps; t++) {
                wt[t * kp + o] = wk[o * taps + t];
            }
        }
        return wt;
    }

    /** Floats of the pixel-major scratch for {@code count} images, for {@link #forward}. */
    int pixelsSize(int count) {
        return count * oh * ow * kp;
    }

    /** Floats of the padded input of {@code count} images, for {@link #forward}. */
    int paddedSize(int count) {
        return count * c * ph * pw;
    }

    /**
     * y [count, k, oh, ow] for images {@code b0 ..} of x: copies them zero-padded into {@code padded} (whose borders
     * must be zero), accumulates pixel-major into {@code pixels} [count·oh·ow, kp], then transposes each image's first
     * k channels.
     */
    void forward(FloatRegion x, int b0, int count, float[] wt, float[] padded, float[] pixels, float[] y) {
        int plane = h * w;
        long start = (x.offset() + (long) b0 * c * plane) * Float.BYTES;
        if (padH == 0 && padW == 0) { // the images as they lie
            MemorySegment.copy(x.segment(), ValueLayout.JAVA_FLOAT, start, padded, 0, count * c * plane);
        } else {
            for (int i = 0; i < count * c; i++) {
                for (int r = 0; r < h; r++) {
                    MemorySegment.copy(x.segment(), ValueLayout.JAVA_FLOAT, start + ((long) i * plane + r * w)
                            * Float.BYTES, padded, (i * ph + padH + r) * pw + padW, w);
                }
            }
        }
        int ohw = oh * ow;
        int pixelsTotal = count * ohw;
        int[] base = new int[pixelsTotal]; // where output pixel q's window starts in padded
        for (int img = 0, q = 0; img < count; img++) {
            for (int oy = 0; oy < oh; oy++) {
                int row = img * c * ph * pw + oy * strideH * pw;
                for (int ox = 0; ox < ow; ox++, q++) {
                    base[q] = row + ox * strideW;
                }
            }
        }
        int q = 0;
        if (kp % (2 * V) == 0) {
            for (; q + 4 <= pixelsTotal; q += 4) {
                for (int oc = 0; oc < kp; oc += 2 * V) {
                    four2(padded, base[q], base[q + 1], base[q + 2], base[q + 3], wt, oc, pixels, q);
                }
            }
        } else {
            for (; q + 8 <= pixelsTotal; q += 8) {
                for (int oc = 0; oc < kp; oc += V) {
                    eight1(padded, base, q, wt, oc, pixels);
                }
            }
        }
        for (; q < pixelsTotal; q++) {
            for (int oc = 0; oc < kp; oc += V) {
                one(padded, base[q], wt, oc, pixels, q);
            }
        }
        for (int img = 0; img < count; img++) {
            Transpose.of(pixels, img * ohw * kp, ohw, k, kp, y, img * k * ohw);
        }
    }

    /** Pixels q..q+3 (bases b0..b3), channels oc .. oc + 2V. */
    private void four2(float[] x, int b0, int b1, int b2, int b3, float[] wt, int oc, float[] out, int q) {
        FloatVector a00 = FloatVector.zero(S);
        FloatVector a01 = FloatVector.zero(S);
        FloatVector a10 = FloatVector.zero(S);
        FloatVector a11 = FloatVector.zero(S);
        FloatVector a20 = FloatVector.zero(S);
        FloatVector a21 = FloatVector.zero(S);
        FloatVector a30 = FloatVector.zero(S);
        FloatVector a31 = FloatVector.zero(S);
        for (int t = 0; t < taps; t++) {
            int wi = t * kp + oc;
            FloatVector w0 = FloatVector.fromArray(S, wt, wi);
            FloatVector w1 = FloatVector.fromArray(S, wt, wi + V);
            int o = tapOffset[t];
            FloatVector x0 = FloatVector.broadcast(S, x[b0 + o]);
            a00 = x0.fma(w0, a00);
            a01 = x0.fma(w1, a01);
            FloatVector x1 = FloatVector.broadcast(S, x[b1 + o]);
            a10 = x1.fma(w0, a10);
            a11 = x1.fma(w1, a11);
            FloatVector x2 = FloatVector.broadcast(S, x[b2 + o]);
            a20 = x2.fma(w0, a20);
            a21 = x2.fma(w1, a21);
            FloatVector x3 = FloatVector.broadcast(S, x[b3 + o]);
            a30 = x3.fma(w0, a30);
            a31 = x3.fma(w1, a31);
        }
        int p = q * kp + oc;
        a00.intoArray(out, p);
        a01.intoArray(out, p + V);
        a10.intoArray(out, p + kp);
        a11.intoArray(out, p + kp + V);
        a20.intoArray(out, p + 2 * kp);
        a21.intoArray(out, p + 2 * kp + V);
        a30.intoArray(out, p + 3 * kp);
        a31.intoArray(out, p + 3 * kp + V);
    }

    /** Pixels q..q+7 (bases base[q..q+7]), channels oc .. oc + V: eight accumulators for a one-vector block. */
    private void eight1(float[] x, int[] base, int q, float[] wt, int oc, float[] out) {
        int b0 = base[q];
        int b1 = base[q + 1];
        int b2 = base[q + 2];
        int b3 = base[q + 3];
        int b4 = base[q + 4];
        int b5 = base[q + 5];
        int b6 = base[q + 6];
        int b7 = base[q + 7];
        FloatVector a0 = FloatVector.zero(S);
        FloatVector a1 = FloatVector.zero(S);
        FloatVector a2 = FloatVector.zero(S);
        FloatVector a3 = FloatVector.zero(S);
        FloatVector a4 = FloatVector.zero(S);
        FloatVector a5 = FloatVector.zero(S);
        FloatVector a6 = FloatVector.zero(S);
        FloatVector a7 = FloatVector.zero(S);
        for (int t = 0; t < taps; t++) {
            FloatVector wv = FloatVector.fromArray(S, wt, t * kp + oc);
            int o = tapOffset[t];
            a0 = FloatVector.broadcast(S, x[b0 + o]).fma(wv, a0);
            a1 = FloatVector.broadcast(S, x[b1 + o]).fma(wv, a1);
            a2 = FloatVector.broadcast(S, x[b2 + o]).fma(wv, a2);
            a3 = FloatVector.broadcast(S, x[b3 + o]).fma(wv, a3);
            a4 = FloatVector.broadcast(S, x[b4 + o]).fma(wv, a4);
            a5 = FloatVector.broadcast(S, x[b5 + o]).fma(wv, a5);
            a6 = FloatVector.broadcast(S, x[b6 + o]).fma(wv, a6);
            a7 = FloatVector.broadcast(S, x[b7 + o]).fma(wv, a7);
        }
        int p = q * kp + oc;
        a0.intoArray(out, p);
        a1.intoArray(out, p + kp);
        a2.intoArray(out, p + 2 * kp);
        a3.intoArray(out, p + 3 * kp);
        a4.intoArray(out, p + 4 * kp);
        a5.intoArray(out, p + 5 * kp);
        a6.intoArray(out, p + 6 * kp);
        a7.intoArray(out, p + 7 * kp);
    }

    /** Pixel q (base b), channels oc .. oc + V: the pixels left over after the blocks of four. */
    private void one(float[] x, int b, float[] wt, int oc, float[] out, int q) {
        FloatVector a = FloatVector.zero(S);
        for (int t = 0; t < taps; t++) {
            a = FloatVector.broadcast(S, x[b + tapOffset[t]]).fma(FloatVector.fromArray(S, wt, t * kp + oc), a);
        }
        a.intoArray(out, q * kp + oc);
    }
}

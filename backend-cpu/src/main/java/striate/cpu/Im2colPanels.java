package striate.cpu;

import static java.lang.foreign.ValueLayout.JAVA_FLOAT;

import java.util.Arrays;

/**
 * The column matrix of one image's convolution, col[cg·kh·kw, oh·ow], handed to {@link PackedSgemm} strip by strip
 * without ever being written out whole: each strip is read straight from a zero-padded copy of the image. For
 * AlexNet's conv2 the whole matrix would be 2400 × 729 floats (7 MB) per image, written once and read back once.
 * Row r of col is input channel r / (kh·kw) at tap (ky, kx); column q is output pixel (q / ow, q % ow).
 */
final class Im2colPanels implements PackedSgemm.Panels {
    private final int channels;
    private final int kh;
    private final int kw;
    private final int strideH;
    private final int strideW;
    private final int dilationH;
    private final int dilationW;
    private final int ow;
    private final int rows;   // the padded image's height, h + 2·padH
    private final int cols;   // its width, w + 2·padW
    private final float[] padded; // [channels, rows, cols]

    /**
     * Sized for images of {@code channels} × h × w; {@link #load} fills it with one. Output width {@code ow}; strides,
     * dilations and paddings as in ConvParams.
     */
    Im2colPanels(int channels, int h, int w, int kh, int kw, int strideH, int strideW, int padH, int padW,
                 int dilationH, int dilationW, int ow) {
        this.channels = channels;
        this.kh = kh;
        this.kw = kw;
        this.strideH = strideH;
        this.strideW = strideW;
        this.dilationH = dilationH;
        this.dilationW = dilationW;
        this.ow = ow;
        this.rows = h + 2 * padH;
        this.cols = w + 2 * padW;
        this.padded = new float[channels * rows * cols];
    }

    /**
     * Copies {@code channels} planes [h, w] of x, starting at plane {@code plane} (image b's group: b·c + grp·cg),
     * into the middle of the padded buffer; the border stays zero.
     */
    void load(FloatRegion x, long plane, int h, int w) {
        int padH = (rows - h) / 2;
        int padW = (cols - w) / 2;
        for (int ic = 0; ic < channels; ic++) {
            for (int iy = 0; iy < h; iy++) {
                java.lang.foreign.MemorySegment.copy(x.segment(), JAVA_FLOAT,
                        (x.offset() + ((plane + ic) * h + iy) * w) * 4, padded, (ic * rows + iy + padH) * cols + padW, w);
            }
        }
    }

    /**
     * colᵀ [oh·ow, cg·kh·kw], for a filter gradient dW = dy · colᵀ: row q is output pixel q, column r is tap r. Packs
     * from the same padded image, so {@link #load} serves both.
     */
    PackedSgemm.Panels transposed() {
        return this::packTransposed;
    }

    private void packTransposed(int k0, int kc, int j0, int nc, float[] strips, int width) {
        int[] runFrom = new int[Math.min(kc, kc / ow + 2)]; // the block's runs of pixels along output rows
        int[] runAt = new int[runFrom.length];
        int[] runLength = new int[runFrom.length];
        int runs = runs(k0, kc, runFrom, runAt, runLength);
        for (int s = 0; s * width < nc; s++) {
            int count = Math.min(width, nc - s * width);
            int base = s * width * kc;
            for (int x = 0; x < count; x++) {
                int tap = tapOffset(j0 + s * width + x);
                for (int i = 0; i < runs; i++) {
                    int from = tap + runFrom[i];
                    int to = base + runAt[i] * width + x;
                    for (int t = 0; t < runLength[i]; t++) {
                        strips[to + t * width] = padded[from + t * strideW];
                    }
                }
            }
            if (count < width) {
                for (int p = 0; p < kc; p++) {
                    Arrays.fill(strips, base + p * width + count, base + p * width + width, 0f);
                }
            }
        }
    }

    @Override
    public void pack(int k0, int kc, int j0, int nc, float[] strips, int width) {
        int[] runFrom = new int[width]; // a strip's runs of pixels along output rows, the same for every tap
        int[] runAt = new int[width];
        int[] runLength = new int[width];
        for (int s = 0; s * width < nc; s++) {
            int count = Math.min(width, nc - s * width);
            int base = s * width * kc;
            int runs = runs(j0 + s * width, count, runFrom, runAt, runLength);
            for (int p = 0; p < kc; p++) {
                int tap = tapOffset(k0 + p);
                int to = base + p * width;
                for (int i = 0; i < runs; i++) {
                    if (strideW == 1) {
                        System.arraycopy(padded, tap + runFrom[i], strips, to + runAt[i], runLength[i]);
                    } else {
                        for (int t = 0; t < runLength[i]; t++) {
                            strips[to + runAt[i] + t] = padded[tap + runFrom[i] + t * strideW];
                        }
                    }
                }
                if (count < width) {
                    Arrays.fill(strips, to + count, to + width, 0f);
                }
            }
        }
    }

    /**
     * Splits output pixels first.. first+count into runs along output rows: run i starts {@code at[i]} pixels in, is
     * {@code length[i]} long, and reads the padded image from {@code from[i]} past its tap's offset. Returns the runs.
     */
    private int runs(int first, int count, int[] from, int[] at, int[] length) {
        int runs = 0;
        for (int x = 0; x < count; runs++) {
            int oy = (first + x) / ow;
            int ox = (first + x) % ow;
            from[runs] = oy * strideH * cols + ox * strideW;
            at[runs] = x;
            length[runs] = Math.min(count - x, ow - ox);
            x += length[runs];
        }
        return runs;
    }

    /** Where tap r (channel r / (kh·kw), then ky, kx) reads the padded image for output pixel (0, 0). */
    private int tapOffset(int r) {
        int taps = kh * kw;
        return ((r / taps) * rows + ((r % taps) / kw) * dilationH) * cols + (r % kw) * dilationW;
    }
}

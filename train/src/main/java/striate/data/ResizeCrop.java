package striate.data;

import java.util.List;
import striate.tensor.Rng;

/**
 * Turns {@link Pixels} into a network input [channels, size, size]: resize so the shorter side is {@code resize}
 * (the longer one scales to {@code floor(resize * long / short)}, as torchvision does), take a size x size window
 * of that, optionally mirror it left-right, and normalize each channel. Resize and crop are one pass: only the
 * window's pixels are computed, each by bilinear interpolation at its centre's position in the original image
 * (half-pixel centres, edges clamped; no antialiasing, so shrinking by much more than 2x aliases). Three channels
 * are R, G, B; one channel is the luma 0.299 R + 0.587 G + 0.114 B.
 */
record ResizeCrop(int resize, int size, int channels, List<Normalization> normalization) {

    ResizeCrop {
        if (size < 1 || resize < size) {
            throw new IllegalArgumentException("need 1 <= crop size <= resize, got crop " + size + " and resize "
                    + resize);
        }
        if (channels != 1 && channels != 3) {
            throw new IllegalArgumentException("channels must be 3 (RGB) or 1 (luma), got " + channels);
        }
        if (normalization.size() != channels) {
            throw new IllegalArgumentException(channels + " channel(s) need " + channels + " normalization(s), one "
                    + "per channel, got " + normalization.size() + (channels == 1 ? "; e.g. List.of("
                    + "Normalization.UNIT) for pixel / 255" : ""));
        }
        normalization = List.copyOf(normalization);
    }

    /** Width and height of the image resized so its shorter side is {@code resize}. */
    int[] resized(int w, int h) {
        return w <= h ? new int[] {resize, (int) ((long) resize * h / w)}
                : new int[] {(int) ((long) resize * w / h), resize};
    }

    /**
     * The centred window, for evaluation: offsets round((resized − size) / 2), halves to even, as torchvision's
     * CenterCrop (Python's round); a leftover of 3 (mod 4) pixels puts the window 1 pixel further than rounding down.
     */
    void center(Pixels p, float[] dst, int offset) {
        int[] r = resized(p.width(), p.height());
        write(p, centred(r[1]), centred(r[0]), false, dst, offset);
    }

    private int centred(int resizedSide) {
        return (int) Math.rint((resizedSide - size) / 2.0);
    }

    /** A window at a uniform random position, mirrored with probability 1/2; draws top, left, flip in that order. */
    void random(Pixels p, Rng rng, float[] dst, int offset) {
        int[] r = resized(p.width(), p.height());
        int top = rng.nextInt(r[1] - size + 1);
        int left = rng.nextInt(r[0] - size + 1);
        boolean flip = rng.nextDouble() < 0.5;
        write(p, top, left, flip, dst, offset);
    }

    /** Writes the window whose top-left corner is (top, left) in the resized image into dst [c, size, size]. */
    void write(Pixels p, int top, int left, boolean flip, float[] dst, int offset) {
        int w = p.width();
        int h = p.height();
        int[] r = resized(w, h);
        int[] x0 = new int[size]; // per output column: left source column, right one, weight of the right one
        int[] x1 = new int[size];
        float[] fx = new float[size];
        for (int ox = 0; ox < size; ox++) {
            int rx = left + (flip ? size - 1 - ox : ox);
            double sx = Math.max(0, (rx + 0.5) * w / r[0] - 0.5);
            x0[ox] = (int) sx;
            x1[ox] = Math.min(x0[ox] + 1, w - 1);
            fx[ox] = (float) (sx - x0[ox]);
        }
        double[] scale = new double[channels]; // x = v * scale + shift = (v / 255 - mean) / std
        double[] shift = new double[channels];
        for (int c = 0; c < channels; c++) {
            scale[c] = 1 / (255 * normalization.get(c).std());
            shift[c] = -normalization.get(c).mean() / normalization.get(c).std();
        }
        int[] rgb = p.rgb();
        int plane = size * size;
        for (int oy = 0; oy < size; oy++) {
            double sy = Math.max(0, (top + oy + 0.5) * h / r[1] - 0.5);
            int row0 = (int) sy * w;
            int row1 = Math.min((int) sy + 1, h - 1) * w;
            float fy = (float) (sy - (int) sy);
            for (int ox = 0; ox < size; ox++) {
                int a = rgb[row0 + x0[ox]]; // the four neighbours: a b (upper row), c d (lower row)
                int b = rgb[row0 + x1[ox]];
                int c = rgb[row1 + x0[ox]];
                int d = rgb[row1 + x1[ox]];
                float red = lerp2(a >> 16 & 255, b >> 16 & 255, c >> 16 & 255, d >> 16 & 255, fx[ox], fy);
                float green = lerp2(a >> 8 & 255, b >> 8 & 255, c >> 8 & 255, d >> 8 & 255, fx[ox], fy);
                float blue = lerp2(a & 255, b & 255, c & 255, d & 255, fx[ox], fy);
                int o = offset + oy * size + ox;
                if (channels == 3) {
                    dst[o] = (float) (red * scale[0] + shift[0]);
                    dst[o + plane] = (float) (green * scale[1] + shift[1]);
                    dst[o + 2 * plane] = (float) (blue * scale[2] + shift[2]);
                } else {
                    dst[o] = (float) ((0.299 * red + 0.587 * green + 0.114 * blue) * scale[0] + shift[0]);
                }
            }
        }
    }

    /** Bilinear blend of a b / c d with weights fx (to the right) and fy (down). */
    private static float lerp2(int a, int b, int c, int d, float fx, float fy) {
        float upper = a + (b - a) * fx;
        float lower = c + (d - c) * fx;
        return upper + (lower - upper) * fy;
    }
}

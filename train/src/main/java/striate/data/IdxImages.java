package striate.data;

/**
 * The contents of an IDX image file: {@code count} grayscale images of {@code rows x cols} unsigned bytes,
 * row-major, image after image ({@code pixels} is [count, rows, cols]).
 */
public record IdxImages(int count, int rows, int cols, byte[] pixels) {

    public IdxImages {
        if (count < 0 || rows <= 0 || cols <= 0) {
            throw new IllegalArgumentException("bad image dims: count " + count + ", rows " + rows + ", cols " + cols
                    + " (count must be >= 0, rows and cols > 0)");
        }
        if ((long) count * rows * cols != pixels.length) {
            throw new IllegalArgumentException("pixels holds " + pixels.length + " bytes, expected count*rows*cols = "
                    + count + "*" + rows + "*" + cols + " = " + (long) count * rows * cols);
        }
    }

    /** Pixel (r, c) of image {@code i}, in [0, 255]. */
    public int pixel(int i, int r, int c) {
        return pixels[(i * rows + r) * cols + c] & 0xFF;
    }

    /** Bytes per image: rows * cols. */
    public int imageSize() {
        return rows * cols;
    }
}

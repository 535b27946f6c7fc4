package striate.data;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Images held in memory with int labels [n], handed out normalized [c, h, w] per example. Built from IDX files
 * ({@link #read}, {@link #of}: the 8-bit pixels are kept as they are, a quarter of the floats' memory, and each
 * example is normalized when it is read, pixel / 255 then (x - mean) / std through the normalization's 256-entry
 * table) or from a normalized float array already prepared. Checks that images and labels agree in count and that
 * every label is in [0, classes).
 */
public final class ImageDataset implements Dataset {
    private final float[] x; // [n, c, h, w] normalized, or null when the pixels are kept
    private final byte[] pixels; // [n, c, h, w] 8-bit, or null
    private final float[] table; // pixel value → normalized value, with pixels
    private final int[] y; // [n]
    private final int classes;
    private final int channels;
    private final int height;
    private final int width;

    /** Wraps {@code x} [n, c, h, w] (not copied) and copies {@code labels} [n]. */
    public ImageDataset(float[] x, int[] labels, int classes, int channels, int height, int width) {
        this(x, null, null, labels, classes, channels, height, width);
    }

    /** Keeps 8-bit {@code pixels} [n, 1, h, w] (not copied), normalized by {@code norm} as examples are read. */
    private ImageDataset(byte[] pixels, Normalization norm, int[] labels, int classes, int height, int width) {
        this(null, pixels, norm.table(), labels, classes, 1, height, width);
    }

    private ImageDataset(float[] x, byte[] pixels, float[] table, int[] labels, int classes, int channels, int height,
                         int width) {
        if (classes <= 0 || channels <= 0 || height <= 0 || width <= 0) {
            throw new IllegalArgumentException("classes, channels, height and width must be > 0, got " + classes
                    + ", " + channels + ", " + height + ", " + width);
        }
        long expected = (long) labels.length * channels * height * width;
        long held = x != null ? x.length : pixels.length;
        if (held != expected) {
            throw new IllegalArgumentException("image array holds " + held + " values, expected " + labels.length
                    + " labels * " + channels + "*" + height + "*" + width + " = " + expected);
        }
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] < 0 || labels[i] >= classes) {
                throw new IllegalArgumentException("label " + labels[i] + " of example " + i + " is outside [0, "
                        + classes + ")");
            }
        }
        this.x = x;
        this.pixels = pixels;
        this.table = table;
        this.y = labels.clone();
        this.classes = classes;
        this.channels = channels;
        this.height = height;
        this.width = width;
    }

    /** Normalizes IDX images (one channel) and pairs them with labels; arrays in memory, so errors are unchecked. */
    public static ImageDataset of(IdxImages images, int[] labels, int classes, Normalization norm) {
        if (images.count() != labels.length) {
            throw new IllegalArgumentException(images.count() + " images but " + labels.length + " labels");
        }
        return new ImageDataset(images.pixels(), norm, labels, classes, images.rows(), images.cols());
    }

    /**
     * Reads an IDX image file and its IDX label file (each plain or gzip) and normalizes the pixels. A count
     * mismatch between the two files or a label outside [0, classes) is a {@link DataFileException}.
     */
    public static ImageDataset read(Path imagesFile, Path labelsFile, int classes, Normalization norm)
            throws IOException {
        IdxImages images = Idx.readImages(imagesFile);
        int[] labels = Idx.readLabels(labelsFile);
        if (images.count() != labels.length) {
            throw new DataFileException(labelsFile, "holds " + labels.length + " labels but " + imagesFile + " holds "
                    + images.count() + " images; the counts must match: check that the two files belong together"
                    + " (train with train, t10k with t10k) and that neither is truncated");
        }
        int bad = 0;
        int first = -1;
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] >= classes) {
                bad++;
                if (first < 0) {
                    first = i;
                }
            }
        }
        if (bad > 0) {
            throw new DataFileException(labelsFile, bad + " label(s) outside [0, " + classes + "), the first is "
                    + labels[first] + " at index " + first + "; this is not a " + classes + "-class label file, or"
                    + " it is corrupt");
        }
        return new ImageDataset(images.pixels(), norm, labels, classes, images.rows(), images.cols());
    }

    @Override
    public int size() {
        return y.length;
    }

    @Override
    public int channels() {
        return channels;
    }

    @Override
    public int height() {
        return height;
    }

    @Override
    public int width() {
        return width;
    }

    @Override
    public int classes() {
        return classes;
    }

    @Override
    public int label(int i) {
        return y[i];
    }

    @Override
    public void image(int i, float[] dst, int offset) {
        if (i < 0 || i >= y.length) {
            throw new IndexOutOfBoundsException("example " + i + " of a dataset of " + y.length);
        }
        int m = channels * height * width;
        if (x != null) {
            System.arraycopy(x, i * m, dst, offset, m);
            return;
        }
        for (int k = 0, at = i * m; k < m; k++) {
            dst[offset + k] = table[pixels[at + k] & 0xFF];
        }
    }
}

package striate.data;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Images held in memory as one normalized float array [n, c, h, w] with int labels [n]. Built from IDX files
 * ({@link #read}: pixel / 255, then (x - mean) / std) or from arrays already prepared. Checks that images and
 * labels agree in count and that every label is in [0, classes).
 */
public final class ImageDataset implements Dataset {
    private final float[] x; // [n, c, h, w]
    private final int[] y; // [n]
    private final int classes;
    private final int channels;
    private final int height;
    private final int width;

    /** Wraps {@code x} [n, c, h, w] (not copied) and copies {@code labels} [n]. */
    public ImageDataset(float[] x, int[] labels, int classes, int channels, int height, int width) {
        if (classes <= 0 || channels <= 0 || height <= 0 || width <= 0) {
            throw new IllegalArgumentException("classes, channels, height and width must be > 0, got " + classes
                    + ", " + channels + ", " + height + ", " + width);
        }
        long expected = (long) labels.length * channels * height * width;
        if (x.length != expected) {
            throw new IllegalArgumentException("image array holds " + x.length + " floats, expected " + labels.length
                    + " labels * " + channels + "*" + height + "*" + width + " = " + expected);
        }
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] < 0 || labels[i] >= classes) {
                throw new IllegalArgumentException("label " + labels[i] + " of example " + i + " is outside [0, "
                        + classes + ")");
            }
        }
        this.x = x;
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
        return new ImageDataset(normalize(images.pixels(), norm), labels, classes, 1, images.rows(), images.cols());
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
        return new ImageDataset(normalize(images.pixels(), norm), labels, classes, 1, images.rows(), images.cols());
    }

    private static float[] normalize(byte[] pixels, Normalization norm) {
        float[] table = norm.table();
        float[] out = new float[pixels.length];
        for (int i = 0; i < pixels.length; i++) {
            out[i] = table[pixels[i] & 0xFF];
        }
        return out;
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
        System.arraycopy(x, i * m, dst, offset, m);
    }
}

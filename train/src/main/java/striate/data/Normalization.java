package striate.data;

import java.util.List;

/**
 * How 8-bit pixels become network inputs: {@code x = (pixel / 255 - mean) / std}, one record per channel. The
 * presets are the usual per-dataset statistics of pixel / 255 over the training set (Fashion-MNIST
 * 0.2860 / 0.3530, MNIST 0.1307 / 0.3081, ImageNet's red, green and blue channels in {@link #IMAGENET_RGB});
 * {@link #UNIT} only scales to [0, 1].
 */
public record Normalization(double mean, double std) {
    public static final Normalization FASHION_MNIST = new Normalization(0.2860, 0.3530);
    public static final Normalization MNIST = new Normalization(0.1307, 0.3081);
    public static final Normalization UNIT = new Normalization(0, 1);
    /** ImageNet's statistics for red, green, blue: means 0.485, 0.456, 0.406 and stds 0.229, 0.224, 0.225. */
    public static final List<Normalization> IMAGENET_RGB = List.of(new Normalization(0.485, 0.229),
            new Normalization(0.456, 0.224), new Normalization(0.406, 0.225));

    /**
     * How the training commands normalize an image folder's crops: one channel (luma) scaled to [0, 1] ({@link #UNIT}),
     * three with ImageNet's statistics.
     */
    public static List<Normalization> forChannels(int channels) {
        return channels == 1 ? List.of(UNIT) : IMAGENET_RGB;
    }

    public Normalization {
        if (!Double.isFinite(mean) || !(std > 0) || !Double.isFinite(std)) {
            throw new IllegalArgumentException("normalization needs a finite mean and a finite std > 0, got mean "
                    + mean + ", std " + std);
        }
    }

    /** The normalized value of one pixel in [0, 255], computed in double and rounded once to float. */
    public float apply(int pixel) {
        return (float) ((pixel / 255.0 - mean) / std);
    }

    /** The normalized value of every pixel value 0..255. */
    public float[] table() {
        float[] t = new float[256];
        for (int p = 0; p < 256; p++) {
            t[p] = apply(p);
        }
        return t;
    }
}

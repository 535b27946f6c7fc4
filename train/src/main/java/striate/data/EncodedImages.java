package striate.data;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import javax.imageio.ImageIO;
import javax.imageio.stream.MemoryCacheImageInputStream;

/**
 * Labelled images held in memory as their files' bytes (PNG or JPEG, encoded), as a Spark DataFrame row or a
 * download holds them: each access decodes one (javax.imageio) and resizes, crops and normalizes it as an
 * {@link ImageFolder} does its files, so the same bytes give the same floats either way. {@link #image} takes the
 * centre crop; the {@link #augmented()} view's {@link #sample} a random crop, mirrored with probability 1/2. An
 * example that cannot be decoded fails the read with an {@link IllegalArgumentException} that names it (its
 * {@code names} entry: a file's path or URL).
 */
public final class EncodedImages extends CroppedImages {
    private final byte[][] images; // [n] encoded files
    private final String[] names; // [n] where each image came from, for errors

    private EncodedImages(byte[][] images, int[] labels, String[] names, int classes, ResizeCrop transform,
                          boolean augment) {
        super(labels, classes, transform, augment);
        this.images = images;
        this.names = names;
    }

    /**
     * {@code size}×{@code size} crops of the images resized to {@code resize} on the shorter side, in {@code channels}
     * channels normalized as {@link Normalization#forChannels}: what {@link ImageFolder.Builder#crops} reads from a
     * folder. Every label must be in [0, {@code classes}); the arrays are used as they are, not copied.
     */
    public static EncodedImages crops(byte[][] images, int[] labels, String[] names, int classes, int size, int resize,
                                      int channels) {
        if (labels.length != images.length || names.length != images.length) {
            throw new IllegalArgumentException(images.length + " images need as many labels and names, got "
                    + labels.length + " labels and " + names.length + " names");
        }
        if (classes < 1) {
            throw new IllegalArgumentException("need at least one class, got " + classes);
        }
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] < 0 || labels[i] >= classes) {
                throw new IllegalArgumentException(names[i] + ": label " + labels[i] + " is outside [0, " + classes
                        + "), the " + classes + " classes");
            }
        }
        ResizeCrop transform = new ResizeCrop(resize, size, channels, Normalization.forChannels(channels));
        return new EncodedImages(images, labels, names, classes, transform, false);
    }

    /** The same images whose {@link #sample} is a random crop, flipped with probability 1/2. */
    public EncodedImages augmented() {
        return new EncodedImages(images, labels, names, classes, transform, true);
    }

    /** Where example {@code i} came from. */
    public String name(int i) {
        return names[i];
    }

    @Override
    Pixels decode(int i) {
        BufferedImage img;
        try {
            // a stream cached in memory: ImageIO's default caches an InputStream in a temporary file per read
            img = ImageIO.read(new MemoryCacheImageInputStream(new ByteArrayInputStream(images[i])));
        } catch (IOException | RuntimeException e) { // decoders throw unchecked exceptions on some corrupt data
            throw new IllegalArgumentException(names[i] + ": cannot be decoded (" + e + "); the image is corrupt, "
                    + "truncated or not really a PNG/JPEG", e);
        }
        if (img == null) {
            throw new IllegalArgumentException(names[i] + ": its " + images[i].length + " bytes are not an image any "
                    + "ImageIO reader recognizes; expected a PNG or JPEG file's bytes");
        }
        return Pixels.of(img);
    }
}

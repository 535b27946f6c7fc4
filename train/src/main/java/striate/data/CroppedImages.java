package striate.data;

import java.util.List;
import striate.tensor.Rng;

/**
 * Labelled images decoded on each access and turned into [channels, size, size] inputs by one {@link ResizeCrop}:
 * what an {@link ImageFolder} (files) and {@link EncodedImages} (bytes in memory) share; each says how it decodes.
 * {@link #image} takes the centre crop; a view that augments takes a random crop in {@link #sample}, mirrored with
 * probability 1/2.
 */
abstract class CroppedImages implements Dataset {
    final int[] labels; // [n]
    final int classes;
    final ResizeCrop transform;
    private final boolean augment;

    CroppedImages(int[] labels, int classes, ResizeCrop transform, boolean augment) {
        this.labels = labels;
        this.classes = classes;
        this.transform = transform;
        this.augment = augment;
    }

    /** Example {@code i}'s pixels. */
    abstract Pixels decode(int i);

    /** How each channel was normalized, one (mean, std) per channel. */
    public List<Normalization> normalization() {
        return transform.normalization();
    }

    @Override
    public int size() {
        return labels.length;
    }

    @Override
    public int channels() {
        return transform.channels();
    }

    @Override
    public int height() {
        return transform.size();
    }

    @Override
    public int width() {
        return transform.size();
    }

    @Override
    public int classes() {
        return classes;
    }

    @Override
    public int label(int i) {
        return labels[i];
    }

    /** The centre crop of example {@code i}, [c, crop, crop], whether or not this view augments. */
    @Override
    public void image(int i, float[] dst, int offset) {
        transform.center(decode(i), dst, offset);
    }

    /** A random crop, flipped with probability 1/2, in a view that augments; else the centre crop. */
    @Override
    public void sample(int i, float[] dst, int offset, Rng rng) {
        if (augment) {
            transform.random(decode(i), rng, dst, offset);
        } else {
            image(i, dst, offset);
        }
    }
}

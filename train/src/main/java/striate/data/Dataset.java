package striate.data;

import java.util.Arrays;
import striate.tensor.Rng;

/**
 * A fixed-size collection of labelled images, each {@code [channels, height, width]} floats (already
 * normalized) with an int class label in [0, classes). Subsets and train/validation splits are views that
 * share the underlying data. {@link #image} is deterministic (what evaluation sees); {@link #sample} is what
 * training sees, and may be randomly augmented by the generator it is given.
 */
public interface Dataset {

    /** Number of examples. */
    int size();

    int channels();

    int height();

    int width();

    /** Number of classes; every label is in [0, classes). */
    int classes();

    /** The class label of example {@code i}. */
    int label(int i);

    /** Copies example {@code i}'s image, [c, h, w] = exampleSize() floats, into {@code dst} at {@code offset}. */
    void image(int i, float[] dst, int offset);

    /**
     * Copies a training sample of example {@code i}, [c, h, w] floats, into {@code dst} at {@code offset}: a
     * randomly augmented version (crop, flip) drawn from {@code rng} alone, or {@link #image} for a dataset that
     * does not augment (the default). {@link DataLoader} passes a generator seeded from (seed, epoch, i), so the
     * sample depends on nothing else.
     */
    default void sample(int i, float[] dst, int offset, Rng rng) {
        image(i, dst, offset);
    }

    /** Floats per example: channels * height * width. */
    default int exampleSize() {
        return channels() * height() * width();
    }

    /** Example {@code i}'s image as a new [c, h, w] array. */
    default float[] image(int i) {
        float[] x = new float[exampleSize()];
        image(i, x, 0);
        return x;
    }

    /** Examples {@code from} (inclusive) to {@code to} (exclusive), as a view. */
    default Dataset subset(int from, int to) {
        if (from < 0 || to > size() || from > to) {
            throw new IndexOutOfBoundsException("subset [" + from + ", " + to + ") of a dataset of " + size()
                    + " examples; need 0 <= from <= to <= " + size());
        }
        int[] idx = new int[to - from];
        Arrays.setAll(idx, k -> from + k);
        return select(idx);
    }

    /** The first {@code n} examples, as a view. */
    default Dataset subset(int n) {
        return subset(0, n);
    }

    /** The examples at these indices, in this order, as a view. */
    default Dataset select(int[] indices) {
        return new Subset(this, indices);
    }

    /**
     * Splits into train and validation by a permutation drawn from {@code seed}: {@code validationSize} examples go
     * to validation, the rest to train; each part keeps the original order. The same seed gives the same split.
     */
    default Split split(int validationSize, long seed) {
        int n = size();
        if (validationSize < 0 || validationSize > n) {
            throw new IllegalArgumentException("validation size " + validationSize + " is outside [0, " + n + "]");
        }
        int[] perm = permutation(n, seed);
        int[] val = Arrays.copyOfRange(perm, 0, validationSize);
        int[] train = Arrays.copyOfRange(perm, validationSize, n);
        Arrays.sort(val);
        Arrays.sort(train);
        return new Split(select(train), select(val));
    }

    /**
     * The indices of a seeded sample of {@code k} of {@code n} examples, in order: those {@link #split} keeps for
     * training when it holds out the other n − k (a dataset's {@code split(n - k, seed).train()}).
     */
    static int[] seededSample(int n, int k, long seed) {
        if (k < 0 || k > n) {
            throw new IllegalArgumentException("a sample of " + k + " is outside [0, " + n + "]");
        }
        int[] sample = Arrays.copyOfRange(permutation(n, seed), n - k, n);
        Arrays.sort(sample);
        return sample;
    }

    /** 0 .. n − 1 shuffled by a generator seeded with {@code seed}. */
    private static int[] permutation(int n, long seed) {
        int[] perm = new int[n];
        Arrays.setAll(perm, k -> k);
        new Rng(seed).shuffle(perm);
        return perm;
    }

    /** A train/validation pair from {@link #split}. */
    record Split(Dataset train, Dataset validation) {
    }
}

package striate.data;

import striate.tensor.Rng;

/** A view of some examples of another dataset, by index; what {@link Dataset#select} returns. */
final class Subset implements Dataset {
    private final Dataset source;
    private final int[] indices;

    Subset(Dataset source, int[] indices) {
        int n = source.size();
        for (int k = 0; k < indices.length; k++) {
            if (indices[k] < 0 || indices[k] >= n) {
                throw new IndexOutOfBoundsException("index " + indices[k] + " at position " + k
                        + " is outside a dataset of " + n + " examples");
            }
        }
        this.source = source;
        this.indices = indices.clone();
    }

    @Override
    public int size() {
        return indices.length;
    }

    @Override
    public int channels() {
        return source.channels();
    }

    @Override
    public int height() {
        return source.height();
    }

    @Override
    public int width() {
        return source.width();
    }

    @Override
    public int classes() {
        return source.classes();
    }

    @Override
    public int label(int i) {
        return source.label(indices[i]);
    }

    @Override
    public void image(int i, float[] dst, int offset) {
        source.image(indices[i], dst, offset);
    }

    @Override
    public void sample(int i, float[] dst, int offset, Rng rng) {
        source.sample(indices[i], dst, offset, rng);
    }

    @Override
    public Dataset select(int[] more) {
        int[] composed = new int[more.length];
        for (int k = 0; k < more.length; k++) {
            if (more[k] < 0 || more[k] >= indices.length) {
                throw new IndexOutOfBoundsException("index " + more[k] + " at position " + k
                        + " is outside a dataset of " + indices.length + " examples");
            }
            composed[k] = indices[more[k]];
        }
        return new Subset(source, composed);
    }
}

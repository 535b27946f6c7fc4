package striate.spark;

import striate.data.Dataset;
import striate.tensor.Rng;

/**
 * One worker's shard of a run's examples, seen at their run-wide indices: {@link ShardOrder} hands a worker the
 * indices [start, start + shard size) of the run's {@code examples}, and this view serves those from the shard it
 * holds (a DataFrame's partition) and refuses the others.
 */
final class ShardView implements Dataset {
    private final Dataset shard;
    private final int start;
    private final int examples;

    ShardView(Dataset shard, int start, int examples) {
        this.shard = shard;
        this.start = start;
        this.examples = examples;
    }

    private int local(int i) {
        if (i < start || i >= start + shard.size()) {
            throw new IndexOutOfBoundsException("example " + i + " is not in this worker's shard [" + start + ", "
                    + (start + shard.size()) + ")");
        }
        return i - start;
    }

    /** The run's examples, of which this worker holds its shard. */
    @Override
    public int size() {
        return examples;
    }

    @Override
    public int channels() {
        return shard.channels();
    }

    @Override
    public int height() {
        return shard.height();
    }

    @Override
    public int width() {
        return shard.width();
    }

    @Override
    public int classes() {
        return shard.classes();
    }

    @Override
    public int label(int i) {
        return shard.label(local(i));
    }

    @Override
    public void image(int i, float[] dst, int offset) {
        shard.image(local(i), dst, offset);
    }

    @Override
    public void sample(int i, float[] dst, int offset, Rng rng) {
        shard.sample(local(i), dst, offset, rng);
    }
}

package striate.spark;

import java.util.Arrays;
import striate.tensor.Rng;

/**
 * Which examples each worker trains on, step by step. Of the first m examples, worker r of N owns the contiguous
 * shard [r·m/N, (r+1)·m/N) and reads nothing else; every epoch it shuffles its shard with a generator seeded from
 * (seed, epoch) and trains on B examples per step. Every worker takes floor(smallest shard / B) steps per epoch, so
 * all take the same number of steps (the few examples left over in an epoch are skipped, and differ each epoch).
 * The global batch of step k is the N workers' step-k batches one after another: what a one-process run with the
 * same order trains on ({@link #globalBatch}).
 */
public record ShardOrder(int examples, int workers, int batchSize, long seed) {
    public ShardOrder {
        if (examples / workers < batchSize) {
            throw new IllegalArgumentException("each of the " + workers + " workers gets " + examples / workers
                    + " examples of " + examples + ", fewer than one batch of " + batchSize + "; use more data or a "
                    + "smaller --batch-size");
        }
    }

    /** First example of worker {@code r}'s shard (shard N ends at the last example). */
    public int shardStart(int r) {
        return (int) ((long) r * examples / workers);
    }

    public int stepsPerEpoch() {
        return (examples / workers) / batchSize; // the smallest shard has floor(m / N) examples
    }

    /**
     * Worker {@code r}'s example indices for the whole of epoch {@code epoch}, in training order: step s trains on
     * [s·B, (s+1)·B). A worker computes it once per epoch.
     */
    public int[] epochOrder(int r, int epoch) {
        int[] order = shuffled(r, epoch);
        int start = shardStart(r);
        for (int i = 0; i < order.length; i++) {
            order[i] += start;
        }
        return order;
    }

    /** The example indices of worker {@code r}'s batch of step {@code step} (0-based) in epoch {@code epoch}. */
    public int[] batch(int r, int epoch, int step) {
        return Arrays.copyOfRange(epochOrder(r, epoch), step * batchSize, (step + 1) * batchSize);
    }

    /** The whole job's batch of that step: every worker's batch, worker 0's first. */
    public int[] globalBatch(int epoch, int step) {
        int[] out = new int[workers * batchSize];
        for (int r = 0; r < workers; r++) {
            System.arraycopy(batch(r, epoch, step), 0, out, r * batchSize, batchSize);
        }
        return out;
    }

    /** A permutation of worker {@code r}'s shard positions for {@code epoch}. */
    private int[] shuffled(int r, int epoch) {
        int[] order = new int[shardStart(r + 1) - shardStart(r)];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        new Rng(seed * 1_000_003L + epoch).shuffle(order);
        return order;
    }
}

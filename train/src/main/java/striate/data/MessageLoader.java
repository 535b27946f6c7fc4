package striate.data;

import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import striate.data.SpamData.Example;
import striate.tensor.Device;
import striate.tensor.Tensor;

/**
 * Batches of messages for the text classifiers: x [b, t] int32 word ids, each message's ids then
 * {@link Vocabulary#PAD} up to the batch's longest message (at least {@code minLength}, so the widest convolution
 * fits), and y [b] int32 labels. Shuffled as {@link DataLoader} shuffles: epoch e's order depends on (seed, e) alone
 * (the same permutation), the last partial batch kept. The PyTorch peer pads by the same rule.
 */
public final class MessageLoader {
    private final List<Example> examples;
    private final int batchSize;
    private final int minLength;
    private final Long seed;
    private final Device device;

    /** {@code seed} null: corpus order every epoch (validation, test). */
    public MessageLoader(List<Example> examples, int batchSize, int minLength, Long seed, Device device) {
        if (examples.isEmpty()) {
            throw new IllegalArgumentException("a message loader needs at least one message");
        }
        if (batchSize < 1 || minLength < 1) {
            throw new IllegalArgumentException("batch size and minimum length must be >= 1, got " + batchSize + " and "
                    + minLength);
        }
        this.examples = List.copyOf(examples);
        this.batchSize = batchSize;
        this.minLength = minLength;
        this.seed = seed;
        this.device = device;
    }

    public int numBatches() {
        return (examples.size() + batchSize - 1) / batchSize;
    }

    /** The examples' order in epoch {@code epoch}. */
    public int[] order(int epoch) {
        return DataLoader.order(examples.size(), seed != null, seed == null ? 0 : seed, epoch);
    }

    /** The batches of epoch {@code epoch}, made as they are asked for. */
    public Iterator<Batch> epoch(int epoch) {
        int[] order = order(epoch);
        return new Iterator<>() {
            private int next;

            @Override
            public boolean hasNext() {
                return next < numBatches();
            }

            @Override
            public Batch next() {
                if (!hasNext()) {
                    throw new NoSuchElementException("the epoch's batches are all handed out");
                }
                int from = next * batchSize;
                int[] chosen = Arrays.copyOfRange(order, from, Math.min(order.length, from + batchSize));
                return batch(chosen, epoch, next++);
            }
        };
    }

    /** The batch of these examples (indices into the loader's list). */
    public Batch batch(int[] chosen, int epoch, int index) {
        int t = minLength;
        for (int i : chosen) {
            t = Math.max(t, examples.get(i).ids().length);
        }
        int[] x = new int[chosen.length * t];  // [b, t], PAD = 0 after each message
        int[] y = new int[chosen.length];      // [b]
        for (int k = 0; k < chosen.length; k++) {
            Example e = examples.get(chosen[k]);
            System.arraycopy(e.ids(), 0, x, k * t, e.ids().length);
            y[k] = e.label();
        }
        return new Batch(Tensor.ofInts(device, x, chosen.length, t), Tensor.ofInts(device, y, chosen.length), epoch,
                index);
    }
}

package striate.data;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import striate.tensor.Device;
import striate.tensor.Rng;

/**
 * Cuts a {@link SequenceDataset} into padded {@link SequenceBatch}es on a chosen device, with
 * {@link DataLoader}'s conventions: a builder, seeded shuffling where epoch {@code e}'s order depends on (seed, e)
 * alone (the same permutation DataLoader draws), the last partial batch kept unless {@code dropLast}. With
 * {@code bucket(p)}, the shuffled examples are cut into pools of p batches, each pool sorted by length (stable)
 * and cut into batches, and the batches' order is shuffled with the same epoch generator: batches of similar
 * lengths, so less padding, and still a seeded, resumable order. With {@code longestFirst()}, each batch holds the
 * same examples sorted by length, longest first (stable): the order in which the recurrent layers run a batch packed,
 * skipping finished sequences' steps ({@link striate.nn.RNNBase}). Batches are built on the consumer's thread when
 * asked for (padding ids is cheap next to a recurrent step; no prefetch thread).
 *
 * <pre>{@code
 * SequenceLoader loader = SequenceLoader.builder(train, Device.cpu()).batchSize(32).shuffle(42).bucket(50).build();
 * for (SequenceBatch b : loader.epoch(e)) { ... b.x() [b, t], b.y() [b, t], b.lengths() ... }
 * }</pre>
 */
public final class SequenceLoader {
    private final SequenceDataset dataset;
    private final Device device;
    private final int batchSize;
    private final boolean shuffle;
    private final long seed;
    private final int bucket;
    private final boolean dropLast;
    private final boolean longestFirst;

    private SequenceLoader(Builder b) {
        if (b.batchSize <= 0) {
            throw new IllegalArgumentException("batch size must be > 0, got " + b.batchSize);
        }
        if (b.bucket < 0) {
            throw new IllegalArgumentException("bucket must be >= 0 batches per pool (0 = no bucketing), got "
                    + b.bucket);
        }
        int n = b.dataset.size();
        if (b.dropLast && n > 0 && b.batchSize > n) {
            throw new IllegalArgumentException("batch size " + b.batchSize + " is larger than the dataset (" + n
                    + " sequences) and dropLast is set, so an epoch would have no batches; use a smaller batch size"
                    + " or keep the last partial batch");
        }
        for (int i = 0; i < n; i++) {
            if (b.dataset.length(i) <= 0) {
                throw new IllegalArgumentException("sequence " + i + " of the dataset is empty; every sequence "
                        + "needs at least one step (drop it before batching)");
            }
        }
        this.dataset = b.dataset;
        this.device = b.device;
        this.batchSize = b.batchSize;
        this.shuffle = b.shuffle;
        this.seed = b.seed;
        this.bucket = b.bucket;
        this.dropLast = b.dropLast;
        this.longestFirst = b.longestFirst;
    }

    /** A loader over {@code dataset} making tensors on {@code device}; batch size 1, no shuffle by default. */
    public static Builder builder(SequenceDataset dataset, Device device) {
        return new Builder(dataset, device);
    }

    public SequenceDataset dataset() {
        return dataset;
    }

    public int batchSize() {
        return batchSize;
    }

    /** Batches per epoch: size / batchSize, rounded up, or down when dropping the last partial batch. */
    public int numBatches() {
        int n = dataset.size();
        return dropLast ? n / batchSize : (n + batchSize - 1) / batchSize;
    }

    /** The examples of each batch of epoch {@code epoch}, in the order the batches come. */
    public List<int[]> plan(int epoch) {
        if (epoch < 0) {
            throw new IllegalArgumentException("epoch must be >= 0, got " + epoch);
        }
        int n = dataset.size();
        int[] order = new int[n];
        Arrays.setAll(order, k -> k);
        Rng rng = shuffle ? new Rng(DataLoader.epochSeed(seed, epoch)) : null;
        if (rng != null) {
            rng.shuffle(order);
        }
        if (bucket > 0) {
            int pool = batchSize * bucket;
            for (int start = 0; start < n; start += pool) {
                sortByLength(order, start, Math.min(n, start + pool));
            }
        }
        List<int[]> batches = new ArrayList<>();
        for (int start = 0; start < n; start += batchSize) {
            int end = Math.min(n, start + batchSize);
            if (end - start == batchSize || !dropLast) {
                int[] batch = Arrays.copyOfRange(order, start, end);
                batches.add(longestFirst ? longestFirst(batch) : batch);
            }
        }
        if (bucket > 0 && rng != null) {
            int[] batchOrder = new int[batches.size()];
            Arrays.setAll(batchOrder, k -> k);
            rng.shuffle(batchOrder);
            List<int[]> shuffled = new ArrayList<>();
            for (int k : batchOrder) {
                shuffled.add(batches.get(k));
            }
            return shuffled;
        }
        return batches;
    }

    /** The batches of epoch {@code epoch}; each is padded and put on the device when the iterator reaches it. */
    public Iterable<SequenceBatch> epoch(int epoch) {
        List<int[]> plan = plan(epoch);
        return () -> new Iterator<>() {
            private int next;

            @Override
            public boolean hasNext() {
                return next < plan.size();
            }

            @Override
            public SequenceBatch next() {
                if (next >= plan.size()) {
                    throw new NoSuchElementException("epoch " + epoch + " has " + plan.size() + " batches, all "
                            + "handed out");
                }
                int k = next++;
                return SequenceBatch.of(dataset, plan.get(k), device, epoch, k);
            }
        };
    }

    /** The batch's examples sorted by length, longest first (stable), so recurrent layers run it packed. */
    private int[] longestFirst(int[] batch) {
        Integer[] boxed = Arrays.stream(batch).boxed().toArray(Integer[]::new);
        Arrays.sort(boxed, (a, b) -> Integer.compare(dataset.length(b), dataset.length(a)));
        return Arrays.stream(boxed).mapToInt(Integer::intValue).toArray();
    }

    /** Stable sort of order[from, to) by sequence length. */
    private void sortByLength(int[] order, int from, int to) {
        Integer[] part = new Integer[to - from];
        for (int k = 0; k < part.length; k++) {
            part[k] = order[from + k];
        }
        Arrays.sort(part, (a, b) -> Integer.compare(dataset.length(a), dataset.length(b)));
        for (int k = 0; k < part.length; k++) {
            order[from + k] = part[k];
        }
    }

    /** Loader options; batch size and bucket are checked when {@link #build()} runs. */
    public static final class Builder {
        private final SequenceDataset dataset;
        private final Device device;
        private int batchSize = 1;
        private boolean shuffle;
        private long seed;
        private int bucket;
        private boolean dropLast;
        private boolean longestFirst;

        private Builder(SequenceDataset dataset, Device device) {
            if (dataset == null || device == null) {
                throw new IllegalArgumentException("a SequenceLoader needs a dataset and a device");
            }
            this.dataset = dataset;
            this.device = device;
        }

        public Builder batchSize(int batchSize) {
            this.batchSize = batchSize;
            return this;
        }

        /** Visit each epoch in a permutation derived from {@code seed} and the epoch number. */
        public Builder shuffle(long seed) {
            this.shuffle = true;
            this.seed = seed;
            return this;
        }

        /** Group sequences of similar length: pools of {@code batchesPerPool} batches sorted by length; 0 = off. */
        public Builder bucket(int batchesPerPool) {
            this.bucket = batchesPerPool;
            return this;
        }

        /** Skip the last batch of an epoch when it would be smaller than the batch size. */
        public Builder dropLast(boolean dropLast) {
            this.dropLast = dropLast;
            return this;
        }

        /** Sort each batch's examples by length, longest first, so recurrent layers run it packed. */
        public Builder longestFirst() {
            this.longestFirst = true;
            return this;
        }

        public SequenceLoader build() {
            return new SequenceLoader(this);
        }
    }
}

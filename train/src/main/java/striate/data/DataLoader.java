package striate.data;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import striate.tensor.DType;
import striate.tensor.Device;
import striate.tensor.Rng;
import striate.tensor.Tensor;

/**
 * Cuts a {@link Dataset} into batches: x [b, c, h, w] float32 and y [b] int32 on a chosen device. With
 * shuffling, epoch {@code e} visits the examples in a permutation derived from (seed, e) alone, so a run resumed
 * at epoch e sees the same order as an uninterrupted one. A daemon thread gathers the next batches into host
 * arrays ahead of the consumer (a bounded queue, depth 2 by default, recycling prefetch + 1 arrays); the tensors
 * themselves are created on the consumer's thread in {@code next()}, since device contexts (CUDA) are bound to
 * threads, so a batch taken inside a {@link striate.tensor.MemoryScope} belongs to that scope (the Trainer takes
 * each batch inside its step's scope, and the next batch reuses the memory). Each example is read with
 * {@link Dataset#sample}, whose generator is seeded from (seed, epoch, example index) alone, so augmentation is
 * the same whatever the prefetch depth or worker count, and for a resumed run. With {@code workers(n)}, n
 * threads fill each batch's example slots in parallel (for datasets that decode on read, like
 * {@link ImageFolder}). A failure while building a batch reaches the consumer as a {@link DataLoaderException}
 * whose cause is the original exception.
 *
 * <pre>{@code
 * try (DataLoader loader = DataLoader.builder(train, Device.cpu()).batchSize(64).shuffle(42).build()) {
 *     for (int e = 0; e < epochs; e++) {
 *         for (Batch b : loader.epoch(e)) { ... }
 *     }
 * }
 * }</pre>
 */
public final class DataLoader implements AutoCloseable {
    private final Dataset dataset;
    private final Device device;
    private final int batchSize;
    private final boolean shuffle;
    private final long seed;
    private final boolean dropLast;
    private final int prefetch;
    private final int workers;
    private final boolean augment;
    private final Set<Batches> open = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    private DataLoader(Builder b) {
        if (b.batchSize <= 0) {
            throw new IllegalArgumentException("batch size must be > 0, got " + b.batchSize);
        }
        if (b.prefetch < 0) {
            throw new IllegalArgumentException("prefetch depth must be >= 0 (0 = no prefetch thread), got "
                    + b.prefetch);
        }
        if (b.workers < 1) {
            throw new IllegalArgumentException("workers must be >= 1 (1 = the thread that builds the batch), got "
                    + b.workers);
        }
        int n = b.dataset.size();
        if (n < 0) {
            throw new IllegalArgumentException("the dataset's size() is " + n + "; a Dataset has 0 or more examples");
        }
        if (b.dropLast && n > 0 && b.batchSize > n) {
            throw new IllegalArgumentException("batch size " + b.batchSize + " is larger than the dataset (" + n
                    + " examples) and dropLast is set, so an epoch would have no batches; use a smaller batch size"
                    + " or keep the last partial batch");
        }
        this.dataset = b.dataset;
        this.device = b.device;
        this.batchSize = b.batchSize;
        this.shuffle = b.shuffle;
        this.seed = b.seed;
        this.dropLast = b.dropLast;
        this.prefetch = b.prefetch;
        this.workers = b.workers;
        this.augment = b.augment;
    }

    /** A loader over {@code dataset} making tensors on {@code device}; batch size 1, no shuffle by default. */
    public static Builder builder(Dataset dataset, Device device) {
        return new Builder(dataset, device);
    }

    public Dataset dataset() {
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

    /** The order in which epoch {@code epoch} visits the examples (indices into the dataset). */
    public int[] order(int epoch) {
        if (epoch < 0) {
            throw new IllegalArgumentException("epoch must be >= 0, got " + epoch);
        }
        return order(dataset.size(), shuffle, seed, epoch);
    }

    /** 0 .. size − 1, shuffled when {@code shuffle} by epoch {@code epoch}'s permutation of {@code seed}. */
    static int[] order(int size, boolean shuffle, long seed, int epoch) {
        int[] order = new int[size];
        Arrays.setAll(order, k -> k);
        if (shuffle) {
            new Rng(epochSeed(seed, epoch)).shuffle(order);
        }
        return order;
    }

    /** The seed of epoch {@code epoch}'s permutation: a hash of (seed, epoch), independent of earlier epochs. */
    static long epochSeed(long seed, int epoch) {
        return new Rng(new Rng(seed).nextLong() + epoch).nextLong();
    }

    /**
     * The generator {@link Dataset#sample} gets for example {@code i} in epoch {@code epoch}: seeded by a hash of
     * (seed, epoch, i), a stream apart from the epoch's permutation. The seed is the shuffle seed, 0 without one.
     * Public for trainers that assemble their own batches (a Spark worker's shard) and must augment as a loader does.
     */
    public static Rng exampleRng(long seed, int epoch, int i) {
        return exampleRng(augmentationSeed(seed, epoch), i);
    }

    private static Rng exampleRng(long augmentationSeed, int i) {
        return new Rng(new Rng(augmentationSeed + i).nextLong());
    }

    private static long augmentationSeed(long seed, int epoch) {
        return new Rng(~epochSeed(seed, epoch)).nextLong();
    }

    /** The batches of epoch {@code epoch}; each call to {@code iterator()} starts a pass (and a prefetch thread). */
    public Iterable<Batch> epoch(int epoch) {
        int[] order = order(epoch);
        return () -> batches(epoch, order);
    }

    /** Starts a pass over epoch {@code epoch}; close it if you stop before the end. */
    public Batches iterator(int epoch) {
        return batches(epoch, order(epoch));
    }

    private Batches batches(int epoch, int[] order) {
        if (closed) {
            throw new IllegalStateException("this DataLoader is closed; build a new one");
        }
        Batches it = new Batches(epoch, order);
        open.add(it);
        if (closed) {
            it.close();
        }
        return it;
    }

    /** Stops every prefetch thread; iterators still open fail on their next call. */
    @Override
    public void close() {
        closed = true;
        for (Batches it : open) {
            it.close();
        }
    }

    /** Loader options; batch size, prefetch depth and dropLast are checked when {@link #build()} runs. */
    public static final class Builder {
        private final Dataset dataset;
        private final Device device;
        private int batchSize = 1;
        private boolean shuffle;
        private long seed;
        private boolean dropLast;
        private int prefetch = 2;
        private int workers = 1;
        private boolean augment = true;

        private Builder(Dataset dataset, Device device) {
            if (dataset == null || device == null) {
                throw new IllegalArgumentException("a DataLoader needs a dataset and a device");
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

        /** Skip the last batch of an epoch when it would be smaller than the batch size. */
        public Builder dropLast(boolean dropLast) {
            this.dropLast = dropLast;
            return this;
        }

        /** Batches built ahead by the background thread (default 2); 0 builds each batch on the caller's thread. */
        public Builder prefetch(int depth) {
            this.prefetch = depth;
            return this;
        }

        /**
         * Threads that build each batch (default 1): the prefetch thread (or the caller, without prefetch) and
         * {@code n - 1} helpers fill its examples in parallel; the batches are the same for any n.
         */
        public Builder workers(int n) {
            this.workers = n;
            return this;
        }

        /**
         * Whether batches hold {@link Dataset#sample} (true, the default: augmented for training) or the
         * deterministic {@link Dataset#image} (false: evaluation).
         */
        public Builder augment(boolean augment) {
            this.augment = augment;
            return this;
        }

        public DataLoader build() {
            return new DataLoader(this);
        }
    }

    /** Host-side arrays of one batch: x [size, c, h, w], y [size]. */
    private record Host(int index, int size, float[] x, int[] y) {
    }

    /** A build failure, queued in place of the batch it was building. */
    private record Failure(int index, Throwable cause) {
    }

    /** One pass over an epoch. Not thread-safe: one consumer. */
    public final class Batches implements Iterator<Batch>, AutoCloseable {
        private final int epoch;
        private final int[] order;
        private final int count;
        private final int m = dataset.exampleSize();
        private final BlockingQueue<Object> ready;
        private final BlockingQueue<Host> free;
        private final long augmentationSeed;
        private final Workers fillers;
        private final Thread thread;
        private volatile boolean stopped;
        private int next;

        private Batches(int epoch, int[] order) {
            this.epoch = epoch;
            this.order = order;
            this.count = numBatches();
            this.augmentationSeed = augmentationSeed(seed, epoch);
            this.fillers = new Workers(count == 0 ? 1 : workers, "striate-loader-epoch-" + epoch + "-worker");
            if (prefetch == 0 || count == 0) {
                ready = null;
                free = null;
                thread = null;
            } else {
                ready = new ArrayBlockingQueue<>(prefetch);
                free = new ArrayBlockingQueue<>(prefetch + 1);
                thread = Thread.ofPlatform().daemon().name("striate-prefetch-epoch-" + epoch)
                        .unstarted(this::produce);
                thread.start();
            }
        }

        /** True while the prefetch thread runs (for tests and diagnostics). */
        public boolean prefetching() {
            return thread != null && thread.isAlive();
        }

        @Override
        public boolean hasNext() {
            return next < count && !stopped;
        }

        @Override
        public Batch next() {
            if (stopped) {
                throw new IllegalStateException("epoch " + epoch + "'s iterator is closed"
                        + (closed ? " (its DataLoader was closed)" : ""));
            }
            if (next >= count) {
                throw new NoSuchElementException("epoch " + epoch + " has " + count + " batches, all handed out");
            }
            Host h;
            if (thread == null) {
                try {
                    h = fill(new Host(next, sizeOf(next), new float[sizeOf(next) * m], new int[sizeOf(next)]));
                } catch (RuntimeException | Error e) {
                    throw failure(next, e);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    close();
                    throw new IllegalStateException("interrupted while building batch " + next + " of epoch "
                            + epoch, e);
                }
            } else {
                h = take();
            }
            Batch b = upload(h);
            if (++next == count) {
                close();
            }
            return b;
        }

        private Object awaitReady() {
            try {
                while (true) {
                    Object o = ready.poll(50, TimeUnit.MILLISECONDS);
                    if (o != null) {
                        return o;
                    }
                    if (stopped) {
                        throw new IllegalStateException("epoch " + epoch + "'s iterator was closed while waiting for "
                                + "batch " + next);
                    }
                    if (!thread.isAlive() && ready.isEmpty()) {
                        throw new IllegalStateException("the prefetch thread of epoch " + epoch + " ended without"
                                + " delivering batch " + next);
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                close();
                throw new IllegalStateException("interrupted while waiting for batch " + next + " of epoch " + epoch,
                        e);
            }
        }

        private Host take() {
            Object o = awaitReady();
            if (o instanceof Failure f) {
                close();
                throw failure(f.index(), f.cause());
            }
            return (Host) o;
        }

        private DataLoaderException failure(int index, Throwable cause) {
            close();
            return new DataLoaderException("building batch " + index + " of epoch " + epoch + " failed: " + cause,
                    cause);
        }

        /** The batch's first h.size() examples, as raw bytes straight from the host arrays by the copy primitive. */
        private Batch upload(Host h) {
            MemorySegment x = MemorySegment.ofArray(h.x()).asSlice(0, (long) h.size() * m * Float.BYTES);
            MemorySegment y = MemorySegment.ofArray(h.y()).asSlice(0, (long) h.size() * Integer.BYTES);
            Tensor tx = Tensor.of(device, DType.F32, x, h.size(), dataset.channels(), dataset.height(),
                    dataset.width());
            Tensor ty = Tensor.of(device, DType.I32, y, h.size());
            if (free != null) {
                free.offer(h);
            }
            return new Batch(tx, ty, epoch, h.index());
        }

        private int sizeOf(int index) {
            return Math.min(batchSize, order.length - index * batchSize);
        }

        /** Fills h's example slots, each from its own generator, on the workers. */
        private Host fill(Host h) throws InterruptedException {
            int start = h.index() * batchSize;
            fillers.run(h.size(), k -> {
                int i = order[start + k];
                if (augment) {
                    dataset.sample(i, h.x(), k * m, exampleRng(augmentationSeed, i));
                } else {
                    dataset.image(i, h.x(), k * m);
                }
                h.y()[k] = dataset.label(i);
            });
            return h;
        }

        private void produce() {
            int allocated = 0;
            int k = 0;
            try {
                for (; k < count && !stopped; k++) {
                    Host buffer = free.poll();
                    if (buffer == null) {
                        if (allocated < prefetch + 1) {
                            allocated++;
                            buffer = new Host(0, batchSize, new float[batchSize * m], new int[batchSize]);
                        } else {
                            buffer = free.take();
                        }
                    }
                    ready.put(fill(new Host(k, sizeOf(k), buffer.x(), buffer.y())));
                }
            } catch (InterruptedException e) {
                // stopped by close()
            } catch (Throwable t) {
                try {
                    if (!stopped) {
                        ready.put(new Failure(k, t));
                    }
                } catch (InterruptedException e) {
                    // stopped by close() while reporting; the consumer is gone
                }
            }
        }

        /** Stops the prefetch thread and the workers, and waits briefly for the prefetch thread. Idempotent. */
        @Override
        public void close() {
            stopped = true;
            open.remove(this);
            fillers.close();
            if (thread != null && thread != Thread.currentThread() && thread.isAlive()) {
                thread.interrupt();
                try {
                    thread.join(5_000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }
    }
}

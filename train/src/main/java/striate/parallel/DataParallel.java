package striate.parallel;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import striate.data.Batch;
import striate.nn.Module;
import striate.nn.Parameter;
import striate.optim.Optimizer;
import striate.tensor.DType;
import striate.tensor.Device;
import striate.tensor.Shape;
import striate.tensor.Tensor;
import striate.train.TrainStep;
import striate.train.Trainer;

/**
 * Data-parallel training of a classifier on several devices of one machine (PyTorch's DistributedDataParallel,
 * in one process). One replica of the model per device, each with its own optimizer and its own worker thread;
 * {@link #step} cuts the global batch of B samples into contiguous slices as even as possible (B = 10 on three
 * devices: 4, 3, 3), and every replica runs forward, cross-entropy (mean over its slice) and backward seeded with
 * slice/B, so that the sum of the replicas' gradients is the gradient of the global batch's mean loss. Gradients go
 * into one flat buffer per replica, packed in reverse registration order and cut into buckets (25 MiB by default);
 * as soon as every replica has filled a bucket (backward finishes the output layer first) the communication thread
 * all-reduces it with the {@link GradientExchange} while backward goes on: NCCL when the replicas are on distinct
 * GPUs and NCCL can be loaded, else {@link RingAllReduce} ({@link ExchangeChoice} decides, and the choice is logged
 * once). Then
 * every replica takes the same optimizer step on the same summed gradients, so the replicas stay bit-identical.
 *
 * <p>Per replica, as in PyTorch DDP by default: batch-norm running statistics (each replica's come from its own
 * slices; {@link #module()}, replica 0, is the one to evaluate and save) and random generators (dropout draws
 * differ between replicas: replica r's generators continue replica 0's on a stream of their own). N-way training
 * gives the same weights as one device on the whole batch, within float rounding, for models without dropout and
 * batch norm; the result is deterministic: the same inputs give bit-identical weights on every run.
 * <pre>{@code
 * try (DataParallel dp = DataParallel.builder(List.of(Device.parse("cpu:0"), Device.parse("cpu:1")),
 *         () -> new LeNet5(LeNet5.Config.defaults(), 42),
 *         m -> Sgd.builder(m.namedParameters()).lr(0.01).momentum(0.9).build()).build()) {
 *     DataParallel.StepResult r = dp.step(images, labels); // [b, 1, 28, 28] float32, [b] int32, on any device
 * }
 * }</pre>
 */
public final class DataParallel implements AutoCloseable {
    /** PyTorch DDP's default bucket size. */
    public static final long DEFAULT_BUCKET_BYTES = 25L << 20;
    private static final Logger LOG = LoggerFactory.getLogger(DataParallel.class);

    /** One step's outcome over the global batch: mean loss, correctly classified samples, batch size. */
    public record StepResult(double loss, long correct, int samples) {
    }

    private final List<Device> devices;
    private final List<Replica> replicas = new ArrayList<>();
    private final ExchangeChoice choice;
    private GradientExchange exchange; // set once the replicas are built; closed here when the choice opened it
    private boolean ownsExchange;
    private final StepListener listener;
    private final ExecutorService communication = Executors.newSingleThreadExecutor(task -> {
        Thread t = new Thread(task, "striate-allreduce");
        t.setDaemon(true);
        return t;
    });
    private final Buckets buckets;
    private final List<List<Tensor>> bucketBuffers; // [bucket][replica]: views of the flat buffers
    private boolean failed;
    private boolean closed;

    /**
     * Options for data-parallel training on {@code devices} (at least one; a device may repeat, for
     * several replicas on one device) of {@code model}, which must
     * build a new, equal model on every call (it is called once per device, one call at a time; replica 0's
     * weights are then copied to the others), with the optimizer {@code optimizer} builds for each replica's model.
     */
    public static Builder builder(List<Device> devices, Supplier<? extends Module> model,
                                  Function<? super Module, ? extends Optimizer> optimizer) {
        return new Builder(devices, model, optimizer);
    }

    private DataParallel(Builder b) {
        devices = List.copyOf(b.devices);
        choice = b.exchange != null ? ExchangeChoice.given(b.exchange) : ExchangeChoice.forDevices(devices);
        LOG.info("data parallel on {}: gradients all-reduced by {}", devices, choice);
        listener = b.listener;
        try {
            for (int r = 0; r < devices.size(); r++) {
                replicas.add(new Replica(r, devices.get(r)));
            }
            for (Replica r : replicas) { // one after another: the factories need not be thread-safe
                r.run(() -> {
                    r.build(b.model, b.optimizer);
                    return null;
                });
            }
            Map<String, Parameter> named = module().namedParameters();
            DType dtype = dtypeOf(named);
            checkDistinct();
            // the trainable parameters in the order backward finishes them; frozen ones get no gradient to exchange
            List<String> names = named.entrySet().stream().filter(e -> e.getValue().requiresGrad())
                    .map(Map.Entry::getKey).collect(Collectors.toCollection(ArrayList::new))
                    .reversed();
            if (names.isEmpty()) {
                throw new IllegalArgumentException("DataParallel: the model has no trainable parameters (every one is "
                        + "frozen); there is nothing to train");
            }
            List<Shape> shapes = names.stream().map(n -> named.get(n).value().shape()).toList();
            buckets = new Buckets(shapes, dtype.bytes(), b.bucketBytes);
            for (Replica r : replicas) {
                r.run(() -> {
                    r.attach(buckets, names, dtype, b.link, listener);
                    return null;
                });
            }
            bucketBuffers = new ArrayList<>();
            for (int k = 0; k < buckets.buckets(); k++) {
                int bucket = k;
                bucketBuffers.add(replicas.stream().map(r -> r.bucket(bucket)).toList());
            }
            if (b.exchange != null) {
                exchange = b.exchange;
            } else if (choice.engine().isPresent()) {
                exchange = choice.engine().get().open(devices);
                ownsExchange = true;
            } else {
                exchange = new RingAllReduce(b.link);
            }
            syncFromFirst();
        } catch (RuntimeException | Error e) {
            close();
            throw e;
        }
    }

    /** The model factory must not hand the same module (or parameters) to two replicas. */
    private void checkDistinct() {
        for (int r = 1; r < replicas.size(); r++) {
            Tensor mine = replicas.get(r).module().parameters().getFirst().value();
            for (int q = 0; q < r; q++) {
                if (replicas.get(q).module().parameters().getFirst().value() == mine) {
                    throw new IllegalArgumentException("the model factory returned the same model (or parameters) for "
                            + "replicas " + q + " and " + r + "; it must build a new model on every call");
                }
            }
        }
    }

    private static DType dtypeOf(Map<String, Parameter> parameters) {
        if (parameters.isEmpty()) {
            throw new IllegalArgumentException("DataParallel: the model has no parameters to train");
        }
        DType dtype = parameters.values().iterator().next().value().dtype();
        parameters.forEach((name, p) -> {
            if (p.value().dtype() != dtype || !dtype.isFloating()) {
                throw new IllegalArgumentException("DataParallel needs every parameter of one float type; '" + name
                        + "' is " + p.value().dtype() + " and the first is " + dtype);
            }
        });
        return dtype;
    }

    /**
     * One training step on the global batch {@code x} [b, ...] with int32 class labels {@code y} [b], b >= 1, on any
     * device: each replica takes its slice, and when b is smaller than the number of devices the last replicas get
     * none and contribute zero gradients (as a last partial batch of an epoch may need). Every replica's optimizer
     * runs at replica 0's learning rate, so a schedule sets it on {@link #optimizer()} alone. A failure in a replica
     * (a wrong input shape, say) stops the others at the all-reduce and is thrown here as a
     * {@link ReplicaFailedException} naming the replica; call {@link #syncFromFirst} before stepping again.
     */
    public StepResult step(Tensor x, Tensor y) {
        checkOpen();
        if (failed) {
            throw new IllegalStateException("a previous data-parallel step failed, so the replicas may differ; call "
                    + "syncFromFirst() before the next step");
        }
        if (x.rank() < 1 || y.rank() != 1 || x.dim(0) != y.dim(0) || x.dim(0) < 1) {
            throw new IllegalArgumentException("DataParallel.step needs x [b, ...] and labels y [b] with b >= 1, got x "
                    + x.shape() + " and y " + y.shape());
        }
        int batch = Math.toIntExact(x.dim(0));
        long[] bounds = bounds(batch, replicas.size());
        Round round = new Round(buckets.buckets(), replicas.size(), communication, this::reduce, this::finishExchange);
        double learningRate = optimizer().learningRate();
        List<Future<Replica.Part>> parts = new ArrayList<>();
        for (Replica r : replicas) {
            parts.add(r.submit(() -> {
                try {
                    return r.step(round, x, y, bounds[r.index], bounds[r.index + 1], batch, learningRate);
                } catch (RuntimeException | Error e) {
                    round.abort(r.index);
                    throw e;
                }
            }));
        }
        double lossSum = 0;
        long correct = 0;
        ReplicaFailedException failure = null; // the first replica that failed by itself, not stopped by another
        Round.ExchangeFailed exchangeFailure = null; // the all-reduce failed: every replica saw it
        for (Replica r : replicas) {
            try {
                Replica.Part part = await(parts.get(r.index));
                lossSum += part.lossSum();
                correct += part.correct();
            } catch (ExecutionException e) {
                failed = true;
                if (e.getCause() instanceof Round.ExchangeFailed failedExchange) {
                    exchangeFailure = failedExchange;
                } else if (failure == null || failure.getCause() instanceof Round.Aborted) {
                    failure = new ReplicaFailedException(r.index, r.device, e.getCause());
                }
            }
        }
        round.settle();
        if (failure != null) {
            throw failure;
        }
        if (exchangeFailure != null) {
            throw new IllegalStateException("the gradient exchange failed, so no replica stepped: "
                    + exchangeFailure.getMessage() + "; call syncFromFirst() before the next step", exchangeFailure);
        }
        return new StepResult(lossSum / batch, correct, batch);
    }

    /**
     * This data-parallel step as a {@link TrainStep} for a {@link Trainer} built on {@link #module()},
     * {@link #optimizer()} and the first device; a restored checkpoint is copied to every replica.
     */
    public TrainStep<Batch> trainStep() {
        return new TrainStep<>() {
            @Override
            public Result run(Batch batch) {
                StepResult r = step(batch.x(), batch.y());
                return new Result(r.loss(), r.correct(), r.samples(), r.samples());
            }

            @Override
            public void afterRestore() {
                syncFromFirst();
            }

            @Override
            public void beforeEpoch(int epoch) {
                deriveGenerators();
            }
        };
    }

    /** Slice r of a batch of {@code batch} is [bounds[r], bounds[r + 1]): the first batch % n slices have one more. */
    static long[] bounds(int batch, int n) {
        long[] bounds = new long[n + 1];
        for (int r = 0; r < n; r++) {
            bounds[r + 1] = bounds[r] + batch / n + (r < batch % n ? 1 : 0);
        }
        return bounds;
    }

    /** On the communication thread: all-reduces bucket {@code k} of every replica. */
    private void reduce(int k) {
        listener.reduceStarted(k);
        try {
            exchange.allReduce(k, bucketBuffers.get(k));
        } catch (RuntimeException e) {
            throw new IllegalStateException("the all-reduce of gradient bucket " + k + " of " + buckets.buckets()
                    + " failed: " + e.getMessage(), e);
        }
        listener.reduceDone(k);
    }

    /** On the communication thread, after the last bucket: the exchange makes the replicas wait for its sums. */
    private void finishExchange() {
        try {
            exchange.finish();
        } catch (RuntimeException e) {
            throw new IllegalStateException("the all-reduce of the gradients failed to finish: " + e.getMessage(), e);
        }
    }

    /**
     * Makes every replica a copy of replica 0: parameters, buffers, optimizer state and learning rate (random
     * generators get replica 0's state on a stream of their own). After restoring a checkpoint into
     * {@link #module()} and {@link #optimizer()}, and after a failed step.
     */
    public void syncFromFirst() {
        onOthers(Replica::copyFrom);
        failed = false;
    }

    /**
     * Re-derives every other replica's random generators from replica 0's current state. A trainer does it at the
     * start of every epoch, so that a run resumed from a checkpoint (which holds replica 0's generators) draws the
     * same dropout masks on every replica as an uninterrupted one.
     */
    public void deriveGenerators() {
        onOthers(Replica::deriveGenerators);
    }

    /** Runs {@code task(r, replica 0)} on each other replica's thread, while no step runs; waits for all. */
    private void onOthers(java.util.function.BiConsumer<Replica, Replica> task) {
        checkOpen();
        Replica first = replicas.getFirst();
        List<Future<Object>> copies = new ArrayList<>();
        for (Replica r : replicas.subList(1, replicas.size())) {
            copies.add(r.submit(() -> {
                task.accept(r, first);
                return null;
            }));
        }
        for (int i = 0; i < copies.size(); i++) {
            try {
                await(copies.get(i));
            } catch (ExecutionException e) {
                throw new ReplicaFailedException(i + 1, devices.get(i + 1), e.getCause());
            }
        }
    }

    /** Waits for {@code f} even when interrupted (a step must not be left running), then keeps the interrupt. */
    private static <T> T await(Future<T> f) throws ExecutionException {
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    return f.get();
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Replica 0's model: the one to evaluate, save in checkpoints and restore into (then {@link #syncFromFirst}). */
    public Module module() {
        return replicas.getFirst().module();
    }

    /** Replica 0's optimizer: its learning rate and state are every replica's. */
    public Optimizer optimizer() {
        return replicas.getFirst().optimizer();
    }

    /** Replica {@code r}'s model, on {@code devices().get(r)}. */
    public Module replica(int r) {
        return replicas.get(r).module();
    }

    /** The devices, replica r on the r-th. */
    public List<Device> devices() {
        return devices;
    }

    /** Which exchange sums the gradients, and why. */
    public ExchangeChoice exchangeChoice() {
        return choice;
    }

    /** How many buckets the gradients are reduced in. */
    public int buckets() {
        return buckets.buckets();
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("this DataParallel is closed");
        }
    }

    /** Stops the replicas' and the communication threads, then closes the exchange it opened. Idempotent. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        replicas.forEach(Replica::close);
        communication.shutdown();
        try {
            communication.awaitTermination(1, TimeUnit.MINUTES);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (ownsExchange) {
            try {
                exchange.close();
            } catch (Exception e) {
                throw new IllegalStateException("closing the " + choice.name() + " gradient exchange failed: "
                        + e.getMessage(), e);
            }
        }
    }

    /** Options; see {@link DataParallel#builder}. */
    public static final class Builder {
        private final List<Device> devices;
        private final Supplier<? extends Module> model;
        private final Function<? super Module, ? extends Optimizer> optimizer;
        private long bucketBytes = DEFAULT_BUCKET_BYTES;
        private ChunkLink link;
        private GradientExchange exchange;
        private StepListener listener = new StepListener() { };

        private Builder(List<Device> devices, Supplier<? extends Module> model,
                        Function<? super Module, ? extends Optimizer> optimizer) {
            if (devices.isEmpty()) {
                throw new IllegalArgumentException("DataParallel needs at least one device, got none");
            }
            this.devices = List.copyOf(devices);
            this.model = model;
            this.optimizer = optimizer;
            if (this.devices.stream().allMatch(Device::isHost)) {
                link = new HostChunkLink();
            }
        }

        /** Largest bucket of gradients reduced at once, in bytes (a larger parameter makes a bucket alone). */
        public Builder bucketBytes(long bytes) {
            if (bytes < 1) {
                throw new IllegalArgumentException("bucket size must be >= 1 byte, got " + bytes);
            }
            bucketBytes = bytes;
            return this;
        }

        /** How gradients move between buffers: {@link HostChunkLink} by default on host devices, else {@link TensorChunkLink}. */
        public Builder link(ChunkLink l) {
            link = l;
            return this;
        }

        /** Who sums the buckets, used as it is and never closed here; {@link ExchangeChoice} decides by default. */
        public Builder exchange(GradientExchange e) {
            exchange = e;
            return this;
        }

        public Builder listener(StepListener l) {
            listener = l;
            return this;
        }

        /** Builds the replicas (one model and optimizer per device, on its thread) and starts their threads. */
        public DataParallel build() {
            if (link == null) {
                link = new TensorChunkLink();
            }
            return new DataParallel(this);
        }
    }
}

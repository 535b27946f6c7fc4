package striate.parallel;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Supplier;
import striate.autograd.Tape;
import striate.backend.Backends;
import striate.nn.Losses;
import striate.nn.Module;
import striate.nn.Parameter;
import striate.optim.Optimizer;
import striate.tensor.DType;
import striate.tensor.Device;
import striate.tensor.MemoryScope;
import striate.tensor.Rng;
import striate.tensor.Shape;
import striate.tensor.Tensor;
import striate.train.Metrics;

/**
 * One model copy of a {@link DataParallel}: a module and its optimizer on one device, a long-lived worker thread
 * that runs everything touching them (memory scopes, and later CUDA contexts, belong to a thread), and a flat
 * gradient buffer [elements] laid out by {@link Buckets}. After a step the parameters' gradients are views of that
 * buffer, so the reduced values reach the optimizer without a copy.
 */
final class Replica {
    /** What one replica's step contributes: the loss summed over its samples and how many it classified right. */
    record Part(double lossSum, long correct) {
    }

    final int index;
    final Device device;
    private final ExecutorService worker;
    private Module module;
    private Optimizer optimizer;
    private Buckets buckets;
    private ChunkLink link;
    private StepListener listener;
    private List<Parameter> parameters; // reverse registration order, numbered as in Buckets
    private Map<Tensor, Integer> numbers; // parameter value (by identity) → its number
    private Tensor flat; // [buckets.elements()]
    private List<Tensor> gradients; // per parameter: its range of flat, shaped like the parameter
    private int[] unfilled; // per bucket: parameters (and in the last, the usage flags) not yet written this step
    private boolean[] written; // per parameter: written this step

    Replica(int index, Device device) {
        this.index = index;
        this.device = device;
        this.worker = Executors.newSingleThreadExecutor(task -> {
            Thread t = new Thread(task, "striate-replica-" + index + "-" + device);
            t.setDaemon(true);
            return t;
        });
    }

    Module module() {
        return module;
    }

    Optimizer optimizer() {
        return optimizer;
    }

    /** Starts {@code task} on this replica's thread. */
    <T> Future<T> submit(Callable<T> task) {
        return worker.submit(task);
    }

    /** Runs {@code task} on this replica's thread and waits for it; its failure names this replica. */
    <T> T run(Callable<T> task) {
        try {
            return submit(task).get();
        } catch (ExecutionException e) {
            throw new ReplicaFailedException(index, device, e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for replica " + index, e);
        }
    }

    /** On this thread: the model and optimizer, placed on this replica's device. */
    void build(Supplier<? extends Module> model, Function<? super Module, ? extends Optimizer> optimizerFactory) {
        module = model.get().to(device);
        module.train();
        optimizer = optimizerFactory.apply(module);
    }

    /**
     * On this thread: allocates the flat buffer for {@code layout} (outside any scope: it lives as long as the
     * replica) and numbers this module's trainable parameters as replica 0's are (frozen ones have no gradient and
     * no place in the buffer).
     */
    void attach(Buckets layout, List<String> names, DType dtype, ChunkLink chunkLink, StepListener stepListener) {
        buckets = layout;
        link = chunkLink;
        listener = stepListener;
        Map<String, Parameter> named = module.namedParameters();
        parameters = new ArrayList<>();
        numbers = new IdentityHashMap<>();
        for (String name : names) {
            Parameter p = named.get(name);
            if (p == null || p.value().dtype() != dtype) {
                throw new IllegalStateException("replica " + index + "'s model has no " + dtype + " parameter '" + name
                        + "' like replica 0's; the model factory must build the same model every time");
            }
            numbers.put(p.value(), parameters.size());
            parameters.add(p);
        }
        long trainable = named.values().stream().filter(Parameter::requiresGrad).count();
        if (trainable != names.size()) {
            throw new IllegalStateException("replica " + index + "'s model has " + trainable + " trainable parameters, "
                    + "replica 0's " + names.size() + "; the model factory must build the same model every time");
        }
        flat = Tensor.empty(Backends.of(device), Shape.of(layout.elements()), dtype);
        gradients = new ArrayList<>();
        for (int i = 0; i < parameters.size(); i++) {
            long at = layout.offset(i);
            gradients.add(flat.slice(0, at, at + layout.size(i)).reshape(parameters.get(i).value().shape().dims()));
        }
        unfilled = new int[layout.buckets()];
        written = new boolean[parameters.size()];
    }

    /** Bucket {@code k}'s range of the flat buffer, a view. */
    Tensor bucket(int k) {
        return flat.slice(0, buckets.start(k), buckets.end(k));
    }

    /**
     * On this thread: one training step on samples [from, to) of the global batch {@code x} [batch, ...], {@code y}
     * [batch] (int32 classes): forward, cross-entropy (mean over the slice), backward seeded with slice/batch so
     * that the sum over replicas is the global batch's mean gradient, every gradient written into the flat buffer as
     * backward finishes it, the all-reduce (run by {@code round}), then the optimizer step at {@code learningRate}.
     * A parameter backward did not reach contributes zeros and a usage flag of 0; one that no replica reached gets
     * no gradient, so the optimizer leaves it alone (PyTorch's DDP). An empty slice contributes zero gradients. In
     * its own MemoryScope, as the Trainer's steps.
     */
    Part step(Round round, Tensor x, Tensor y, long from, long to, int batch, double learningRate) {
        module.zeroGrad();
        Arrays.fill(written, false);
        for (int k = 0; k < unfilled.length; k++) {
            unfilled[k] = buckets.parametersIn(k) + (k == unfilled.length - 1 ? 1 : 0);
        }
        try (MemoryScope scope = MemoryScope.open()) {
            Part part = new Part(0, 0);
            if (to > from) {
                Tensor xs = x.slice(0, from, to).to(device).contiguous(); // [to − from, ...]
                Tensor ys = y.slice(0, from, to).to(device).contiguous(); // [to − from]
                Tensor logits = module.forward(xs); // [to − from, classes]
                Tensor loss = Losses.crossEntropy(logits, ys);
                double mean = loss.item();
                Tensor seed = Tensor.full(device, loss.dtype(), (double) (to - from) / batch, loss.shape().dims());
                Tape.backward(loss, seed, leaf -> finished(round, leaf));
                part = new Part(mean * (to - from), correct(Metrics.argmax(logits), ys.toIntArray()));
            }
            double[] used = new double[written.length]; // [parameters]: 1 where backward reached it
            boolean reachedAll = true;
            for (int i = 0; i < written.length; i++) {
                used[i] = written[i] ? 1 : 0;
                reachedAll &= written[i];
            }
            for (int i = 0; i < written.length; i++) { // parameters backward did not reach get zero gradients
                if (!written[i]) {
                    link.copy(Tensor.zeros(device, flat.dtype(), buckets.size(i)), 0, flat, buckets.offset(i),
                            buckets.size(i));
                    written(round, i);
                }
            }
            link.copy(Tensor.of(device, flat.dtype(), used), 0, flat, buckets.usageOffset(), used.length);
            filledLast(round);
            listener.backwardDone(index);
            round.awaitReduced();
            // [parameters]: the flags summed over replicas, read (a wait for the device) only by a replica that missed a
            // parameter: where its own flag is 1 the sum is above 0, so one that reached them all knows every sum
            float[] usedByAny = reachedAll ? null
                    : flat.slice(0, buckets.usageOffset(), buckets.usageOffset() + used.length).toFloatArray();
            for (int i = 0; i < parameters.size(); i++) {
                if (usedByAny == null || usedByAny[i] != 0) {
                    parameters.get(i).value().setGrad(gradients.get(i));
                }
            }
            optimizer.setLearningRate(learningRate);
            optimizer.step();
            module.zeroGrad();
            return part;
        }
    }

    /** Backward finished {@code leaf}'s gradient: copies it into the flat buffer. */
    private void finished(Round round, Tensor leaf) {
        Integer i = numbers.get(leaf);
        if (i == null) {
            return; // an input that requires grad, not a parameter
        }
        link.copy(leaf.grad(), 0, flat, buckets.offset(i), buckets.size(i));
        written(round, i);
    }

    private void written(Round round, int i) {
        written[i] = true;
        countDown(round, buckets.bucketOf(i));
    }

    /** The usage flags, which the last bucket holds, are written. */
    private void filledLast(Round round) {
        countDown(round, unfilled.length - 1);
    }

    private void countDown(Round round, int k) {
        if (--unfilled[k] == 0) {
            listener.bucketFilled(index, k);
            round.filled(k, index);
        }
    }

    private static long correct(int[] predicted, int[] labels) {
        long n = 0;
        for (int i = 0; i < labels.length; i++) {
            n += predicted[i] == labels[i] ? 1 : 0;
        }
        return n;
    }

    /**
     * On this thread: makes this replica a copy of {@code first} (read while its thread is idle): parameters,
     * buffers (batch-norm statistics), optimizer state and learning rate; random generators continue
     * {@code first}'s on a stream of their own, so dropout masks differ between replicas.
     */
    void copyFrom(Replica first) {
        Map<String, Parameter> mine = module.namedParameters();
        first.module.namedParameters().forEach((name, p) -> mine.get(name).set(p.value()));
        first.module.namedBuffers().forEach((name, b) -> module.loadBuffer(name, b));
        optimizer.loadState(first.optimizer.state());
        optimizer.setLearningRate(first.optimizer.learningRate());
        deriveGenerators(first);
    }

    /** This replica's random generators continue {@code first}'s, each on a stream of its own. */
    void deriveGenerators(Replica first) {
        Map<String, Rng> rngs = module.namedRngs();
        first.module.namedRngs().forEach((name, g) -> rngs.get(name).setState(stream(g.state(), index)));
    }

    /** Replica {@code r}'s generator state derived from replica 0's {@code state}: the r-th draw of a generator seeded with it. */
    static long stream(long state, int r) {
        Rng source = new Rng(state);
        long s = state;
        for (int i = 0; i < r; i++) {
            s = source.nextLong();
        }
        return s;
    }

    /** Stops the thread after the task in hand. */
    void close() {
        worker.shutdown();
        try {
            if (!worker.awaitTermination(1, TimeUnit.MINUTES)) {
                worker.shutdownNow();
            }
        } catch (InterruptedException e) {
            worker.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }
}

package striate.train;

import java.util.List;
import striate.amp.GradScaler;
import striate.amp.Precision;
import striate.autograd.Autocast;
import striate.autograd.GradMode;
import striate.optim.GradClip;
import striate.optim.Optimizer;
import striate.tensor.DType;
import striate.tensor.Device;
import striate.tensor.MemoryScope;
import striate.tensor.RandomStream;
import striate.tensor.Tensor;

/**
 * A trainer's step captured once and replayed ({@code --cuda-graphs}): the task's forward and loss, backward (of the
 * scaled loss in fp16), gradient clipping when asked for, the optimizer's update (which fp16's loss scaler skips on
 * the device when a gradient overflowed, then updating its scale) and the running sums of loss and metric, all on the
 * device, one replay per batch after the batch is copied into the graph's input tensors. Subclasses say what those
 * inputs are and what the task computes on them: {@link GraphedClassificationStep}, {@link GraphedLanguageModelStep}.
 * The first {@link #WARMUP_STEPS} batches of every epoch (and those the graph does not fit, such as a last partial
 * batch) run the task's eager step, so the optimizer's state and cuDNN's algorithm choice exist before the capture;
 * only a batch whose shapes a batch of this warm-up already ran eagerly is captured (cuDNN's search for a new
 * convolution shape cannot run in a capture), others run eagerly first;
 * the graph is captured again at every epoch (the schedule changes the learning rate, which a graph freezes) and
 * after a restore, each time after those eager batches, so a run resumed at an epoch steps as an uninterrupted one.
 * Random draws (dropout) follow a {@link RandomStream} that each replay advances, reset at each capture (whose host
 * seeds come from the model's generators, so a resumed run captures what an uninterrupted one does); {@link StepGraph}
 * captures, counts the replayed steps and undoes a failed capture. Results are
 * {@link TrainStep.Result#pending}: the trainer reads the sums every few batches, so a non-finite loss is seen there
 * and the update of that batch has been applied (as in data-parallel training).
 */
abstract class GraphedStep<B> implements TrainStep<B> {
    /** Eager steps before the first capture. */
    static final int WARMUP_STEPS = 3;

    /** What follows the loss in a step: backward, clipping to {@code clipGradNorm} (when > 0) and the update. */
    record Update(Optimizer optimizer, Precision precision, GradScaler scaler, double clipGradNorm) {
    }

    private final Update update;
    private final TrainStep<B> eager;
    private final StepGraph.Rules rules;
    private final Tensor lossSum;   // scalar: Σ loss × units over the pending steps
    private final Tensor metricSum; // scalar: Σ the task's metric over the pending steps
    private final Tensor zero;
    private final Tensor stream;    // scalar: replays since the capture, which the step's random draws follow
    private StepGraph graph;
    private boolean failed; // a capture failed (auto: eager from then on)
    private int warmed;
    private final java.util.Set<Object> ranEagerly = new java.util.HashSet<>(); // shapes(batch) since the last close

    /**
     * {@code what} (e.g. "the training step") names the step in a capture's failure; {@code eager} (the task's eager
     * step) runs the other batches. When a capture fails (work that reads values or writes host values in the step),
     * a {@code required} graph (--cuda-graphs on) stops the run with the reason, and otherwise the run goes on eagerly
     * after one log line saying why.
     */
    GraphedStep(String what, Update update, Device device, TrainStep<B> eager, boolean required) {
        this.update = update;
        this.eager = eager;
        this.rules = new StepGraph.Rules(what, required, update.scaler(), this::generators);
        this.lossSum = MemoryScope.outside(() -> Tensor.zeros(device, DType.F32));
        this.metricSum = MemoryScope.outside(() -> Tensor.zeros(device, DType.F32));
        this.zero = MemoryScope.outside(() -> Tensor.zeros(device, DType.F32));
        this.stream = MemoryScope.outside(() -> Tensor.zeros(device, DType.F32));
    }

    /** Whether a graph may be captured on {@code batch} (its shapes are then the graph's). */
    abstract boolean capturable(B batch);

    /** Whether {@code batch} fits the captured graph's input tensors. */
    abstract boolean fits(B batch);

    /** What a capture on {@code batch} specializes to (its tensors' shapes): equal for batches one graph can take. */
    abstract Object shapes(B batch);

    /** Makes the graph's input tensors, outside any memory scope, holding {@code batch}. */
    abstract void makeInputs(B batch);

    /** Copies {@code batch} (and what else a step reads that changes between steps) into the input tensors. */
    abstract void load(B batch);

    /** In the capture, under autocast: the task's forward pass and loss (a scalar) on the input tensors. */
    abstract Tensor loss();

    /** In the capture, after the update, without gradients: the step's metric (a float32 scalar) and its carry-overs. */
    abstract Tensor afterUpdate(Tensor loss);

    /** After each replay: what the task keeps of it. */
    void replayed(B batch) {
    }

    /** The units (the loss is their mean) and samples of {@code batch}. */
    abstract long units(B batch);

    abstract int samples(B batch);

    /** Drops the input tensors (a capture failed or the graph is closed). */
    abstract void dropInputs();

    /** The model's random generators by name, from which a capture draws its host seeds (dropout's). */
    abstract java.util.Map<String, striate.tensor.Rng> generators();

    @Override
    public Result run(B batch) {
        if (failed) {
            return eager.run(batch);
        }
        if (graph == null && warmed < WARMUP_STEPS) {
            warmed++;
            return eagerly(batch);
        }
        boolean captured = graph == null;
        if (captured && !(capturable(batch) && ranEagerly.contains(shapes(batch)) && capture(batch))) {
            return eagerly(batch);
        } else if (!captured && !fits(batch)) {
            return eager.run(batch);
        }
        load(batch);
        graph.replay();
        replayed(batch);
        return Result.pending(units(batch), samples(batch));
    }

    /** The eager step, whose shapes a later capture may then take. */
    private Result eagerly(B batch) {
        Result r = eager.run(batch);
        if (graph == null && !failed) {
            ranEagerly.add(shapes(batch));
        }
        return r;
    }

    /** Captures the step on {@code batch}'s shapes; false (auto) when the capture failed and the run goes eager. */
    private boolean capture(B batch) {
        makeInputs(batch);
        stream.copyFrom(zero);
        Optimizer optimizer = update.optimizer();
        GradScaler scaler = update.scaler();
        long units = units(batch);
        try {
            graph = StepGraph.capture(rules, List.of(optimizer), stream, () -> step(optimizer, scaler, units));
        } catch (RuntimeException e) { // a required graph's refusal: the run stops
            dropInputs();
            throw e;
        }
        if (graph == null) { // eager from here
            dropInputs();
            failed = true;
            return false;
        }
        return true;
    }

    /** The captured work: the forward pass and loss, backward, clipping, the update and the running sums. */
    private void step(Optimizer optimizer, GradScaler scaler, long units) {
        Tensor loss;
        try (Autocast.Scope p = update.precision().autocast()) {
            loss = loss();
        }
        optimizer.zeroGrad();
        scaler.scale(loss).backward();
        if (update.clipGradNorm() > 0) {
            scaler.unscale(optimizer);
            GradClip.clipGradNormOnDevice(optimizer.parameters().values(), update.clipGradNorm(), 2);
        }
        scaler.step(optimizer);
        scaler.update();
        optimizer.zeroGrad();
        try (GradMode.Scope off = GradMode.off()) {
            lossSum.copyFrom(lossSum.add(loss.to(DType.F32).mul(units)));
            metricSum.copyFrom(metricSum.add(afterUpdate(loss)));
        }
    }

    @Override
    public Sums readPending() {
        Sums sums = new Sums(lossSum.item(), metricSum.item());
        lossSum.copyFrom(zero);
        metricSum.copyFrom(zero);
        return sums;
    }

    /**
     * The learning rate may change with the epoch: warm up and capture again, from the optimizer as it is now. Every
     * epoch starts with the same eager batches, so a run resumed at an epoch (which must warm up) draws what an
     * uninterrupted one draws.
     */
    @Override
    public void beforeEpoch(int epoch) {
        close();
        warmed = 0;
        eager.beforeEpoch(epoch);
    }

    /** The weights and optimizer state were replaced: warm up and capture again. */
    @Override
    public void afterRestore() {
        close();
        warmed = 0;
        eager.afterRestore();
    }

    /** Gives the graph's memory back; the next batch that may be captured is. */
    void close() {
        ranEagerly.clear();
        if (graph != null) {
            graph.close();
            graph = null;
            dropInputs();
        }
    }
}

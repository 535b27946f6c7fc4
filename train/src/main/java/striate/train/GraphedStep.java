package striate.train;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import striate.amp.GradScaler;
import striate.amp.Precision;
import striate.autograd.Autocast;
import striate.autograd.GradMode;
import striate.backend.CapturedGraph;
import striate.data.Batch;
import striate.nn.Losses;
import striate.optim.GradClip;
import striate.optim.Optimizer;
import striate.tensor.DType;
import striate.tensor.Device;
import striate.tensor.MemoryScope;
import striate.tensor.RandomStream;
import striate.tensor.Tensor;

/**
 * The trainer's step for a classifier captured once and replayed ({@code --cuda-graphs}): forward, cross-entropy,
 * backward (of the scaled loss in fp16), gradient clipping when asked for, the optimizer's update (which fp16's loss
 * scaler skips on the device when a gradient overflowed, then updating its scale) and the running sums of loss and
 * right predictions, all on the device, one replay per batch after its inputs and labels are copied into the graph's input
 * tensors. The first
 * {@link #WARMUP_STEPS} batches of every epoch (and those of another shape, such as a last partial batch) run the
 * trainer's eager step, so the optimizer's state and cuDNN's algorithm choice exist before the capture; the graph is
 * captured again at every epoch (the schedule changes the learning rate, which a graph freezes) and after a restore,
 * each time after those eager batches, so a run resumed at an epoch steps as an uninterrupted one. Random draws
 * (dropout) follow a {@link RandomStream} that each replay advances, reset at each capture (whose host seeds come from
 * the model's generators, so a resumed run captures what an uninterrupted one does). Results are
 * {@link TrainStep.Result#pending}: the trainer reads the sums every few batches, so a non-finite loss is seen there
 * and the update of that batch has been applied (as in data-parallel training).
 */
final class GraphedStep implements TrainStep<Batch> {
    private static final Logger LOG = LoggerFactory.getLogger(GraphedStep.class);
    /** Eager steps before the first capture. */
    static final int WARMUP_STEPS = 3;

    private final Classification task;
    private final Optimizer optimizer;
    private final Precision precision;
    private final GradScaler scaler;
    private final double clipGradNorm; // > 0: the global 2-norm the gradients are clipped to, on the device
    private final TrainStep<Batch> eager;
    private final Tensor lossSum;  // scalar: Σ loss × batch size over the pending steps
    private final Tensor rightSum; // scalar: Σ right predictions over the pending steps
    private final Tensor zero;
    private final Tensor stream; // scalar: replays since the capture, which the step's random draws follow
    private final boolean required;
    private CapturedGraph graph;
    private String failed; // why a capture failed (auto: eager from then on), or null
    private Tensor x;
    private Tensor y;
    private int warmed;

    /**
     * For {@code task}'s classifier on {@code device}; {@code eager} (the task's eager step) runs the other batches, and
     * its forward passes make the counter of right predictions the graph uses. When a capture fails (work that reads
     * values or writes host values in the step), a {@code required} graph (--cuda-graphs on) stops the run with the
     * reason, and otherwise the run goes on eagerly after one log line saying why.
     */
    GraphedStep(Classification task, Optimizer optimizer, Precision precision, GradScaler scaler, double clipGradNorm,
                Device device, TrainStep<Batch> eager, boolean required) {
        this.task = task;
        this.optimizer = optimizer;
        this.precision = precision;
        this.scaler = scaler;
        this.clipGradNorm = clipGradNorm;
        this.eager = eager;
        this.lossSum = MemoryScope.outside(() -> Tensor.zeros(device, DType.F32));
        this.rightSum = MemoryScope.outside(() -> Tensor.zeros(device, DType.F32));
        this.zero = MemoryScope.outside(() -> Tensor.zeros(device, DType.F32));
        this.stream = MemoryScope.outside(() -> Tensor.zeros(device, DType.F32));
        this.required = required;
    }

    @Override
    public Result run(Batch batch) {
        if (failed != null) {
            return eager.run(batch);
        }
        if (graph == null && warmed < WARMUP_STEPS) {
            warmed++;
            return eager.run(batch);
        }
        boolean captured = graph == null;
        if (captured && !capture(batch)) {
            return eager.run(batch);
        } else if (!batch.x().shape().equals(x.shape()) || !batch.y().shape().equals(y.shape())) {
            return eager.run(batch);
        }
        x.copyFrom(batch.x());
        y.copyFrom(batch.y());
        graph.replay();
        if (!captured) { // a capture ran optimizer.step() once, which counted its first replay
            optimizer.countReplayedStep();
        }
        return Result.pending(batch.size(), batch.size());
    }

    /** Captures the step on {@code batch}'s shapes; false (auto) when the capture failed and the run goes eager. */
    private boolean capture(Batch batch) {
        x = MemoryScope.outside(() -> batch.x().copy());
        y = MemoryScope.outside(() -> batch.y().copy());
        stream.copyFrom(zero);
        long n = batch.size();
        long steps = optimizer.stepsAsked();
        try {
            graph = x.backend().captureGraph(() -> {
                try (RandomStream draws = RandomStream.use(stream)) { // dropout masks differ from replay to replay
                    Tensor logits;
                    Tensor loss;
                    try (Autocast.Scope p = precision.autocast()) {
                        logits = task.model().forward(x);             // [n, classes]
                        loss = Losses.crossEntropy(logits, y);
                    }
                    optimizer.zeroGrad();
                    scaler.scale(loss).backward();
                    if (clipGradNorm > 0) {
                        scaler.unscale(optimizer);
                        GradClip.clipGradNormOnDevice(optimizer.parameters().values(), clipGradNorm, 2);
                    }
                    scaler.step(optimizer);
                    scaler.update();
                    optimizer.zeroGrad();
                    try (GradMode.Scope off = GradMode.off()) {
                        lossSum.copyFrom(lossSum.add(loss.to(DType.F32).mul(n)));
                        rightSum.copyFrom(rightSum.add(task.counter().of(logits, y)));
                    }
                    draws.advance();
                }
            });
        } catch (RuntimeException e) { // a refused read or write, or a driver error ending the capture (CUDA)
            optimizer.forgetStepsAfter(steps); // what the capture recorded never ran
            scaler.forgetStep();
            x = null;
            y = null;
            failed = GraphMode.captureFailed(required, "the training step", e, LOG);
            return false;
        }
        return true;
    }

    @Override
    public Sums readPending() {
        Sums sums = new Sums(lossSum.item(), rightSum.item());
        lossSum.copyFrom(zero);
        rightSum.copyFrom(zero);
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

    /** Gives the graph's memory back; the next full batch captures again. */
    void close() {
        if (graph != null) {
            graph.close();
            graph = null;
            x = null;
            y = null;
        }
    }
}

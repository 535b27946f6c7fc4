package striate.train;

import striate.amp.Precision;
import striate.autograd.Autocast;
import striate.autograd.GradMode;
import striate.backend.CapturedGraph;
import striate.data.Batch;
import striate.nn.Losses;
import striate.nn.Module;
import striate.optim.Optimizer;
import striate.tensor.DType;
import striate.tensor.Device;
import striate.tensor.MemoryScope;
import striate.tensor.Tensor;

/**
 * The trainer's image-classification step captured once and replayed ({@code --cuda-graphs}): forward,
 * cross-entropy, backward, the optimizer's update and the running sums of loss and right predictions, all on the
 * device, one replay per batch after its images and labels are copied into the graph's input tensors. The first
 * {@link #WARMUP_STEPS} batches (and those of another shape, such as a last partial batch) run the trainer's eager
 * step, so the optimizer's state and cuDNN's algorithm choice exist before the capture; the graph is captured again
 * at every epoch (the schedule changes the learning rate, which a graph freezes) and after a restore. Results are
 * {@link TrainStep.Result#pending}: the trainer reads the sums every few batches, so a non-finite loss is seen there
 * and the update of that batch has been applied (as in data-parallel training).
 */
final class GraphedStep implements TrainStep<Batch> {
    /** Eager steps before the first capture. */
    static final int WARMUP_STEPS = 3;

    private final Module model;
    private final Optimizer optimizer;
    private final Precision precision;
    private final TrainStep<Batch> eager;
    private final CorrectCount correct;
    private final Tensor lossSum;  // scalar: Σ loss × batch size over the pending steps
    private final Tensor rightSum; // scalar: Σ right predictions over the pending steps
    private final Tensor zero;
    private CapturedGraph graph;
    private Tensor x;
    private Tensor y;
    private int warmed;
    private boolean stepCountedAtCapture;

    /** For {@code model} (on {@code device}) with {@code classes} outputs; {@code eager} runs the other batches. */
    GraphedStep(Module model, Optimizer optimizer, Precision precision, Device device, int classes,
                TrainStep<Batch> eager) {
        this.model = model;
        this.optimizer = optimizer;
        this.precision = precision;
        this.eager = eager;
        this.correct = new CorrectCount(device, classes);
        this.lossSum = MemoryScope.outside(() -> Tensor.zeros(device, DType.F32));
        this.rightSum = MemoryScope.outside(() -> Tensor.zeros(device, DType.F32));
        this.zero = MemoryScope.outside(() -> Tensor.zeros(device, DType.F32));
    }

    @Override
    public Result run(Batch batch) {
        if (graph == null && warmed < WARMUP_STEPS) {
            warmed++;
            return eager.run(batch);
        }
        if (graph == null) {
            capture(batch);
        } else if (!batch.x().shape().equals(x.shape()) || !batch.y().shape().equals(y.shape())) {
            return eager.run(batch);
        }
        x.copyFrom(batch.x());
        y.copyFrom(batch.y());
        graph.replay();
        if (stepCountedAtCapture) {
            stepCountedAtCapture = false; // the capture ran optimizer.step() once, which counted this first replay
        } else {
            optimizer.countReplayedStep();
        }
        return Result.pending(batch.size(), batch.size());
    }

    private void capture(Batch batch) {
        x = MemoryScope.outside(() -> batch.x().copy());
        y = MemoryScope.outside(() -> batch.y().copy());
        long n = batch.size();
        graph = x.backend().captureGraph(() -> {
            Tensor logits;
            Tensor loss;
            try (Autocast.Scope p = precision.autocast()) {
                logits = model.forward(x);                    // [n, classes]
                loss = Losses.crossEntropy(logits, y);
            }
            optimizer.zeroGrad();
            loss.backward();
            optimizer.step();
            optimizer.zeroGrad();
            try (GradMode.Scope off = GradMode.off()) {
                lossSum.copyFrom(lossSum.add(loss.to(DType.F32).mul(n)));
                rightSum.copyFrom(rightSum.add(correct.of(logits, y)));
            }
        });
        stepCountedAtCapture = true;
    }

    @Override
    public Sums readPending() {
        Sums sums = new Sums(lossSum.item(), rightSum.item());
        lossSum.copyFrom(zero);
        rightSum.copyFrom(zero);
        return sums;
    }

    /** The learning rate may change with the epoch: capture again, from the optimizer as it is now. */
    @Override
    public void beforeEpoch(int epoch) {
        close();
        eager.beforeEpoch(epoch);
    }

    /** The weights and optimizer state were replaced: warm up and capture again. */
    @Override
    public void afterRestore() {
        close();
        warmed = 0;
        eager.afterRestore();
    }

    /** Whether the step is replaying a graph now (false during warm-up and between epochs). */
    boolean captured() {
        return graph != null;
    }

    /** Gives the graph's memory back; the next full batch captures again. */
    void close() {
        if (graph != null) {
            graph.close();
            graph = null;
            x = null;
            y = null;
        }
        stepCountedAtCapture = false;
    }
}

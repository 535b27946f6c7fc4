package striate.train;

import java.util.Arrays;
import striate.data.SequenceBatch;
import striate.nn.Losses;
import striate.nn.RNNBase;
import striate.tensor.DType;
import striate.tensor.Device;
import striate.tensor.MemoryScope;
import striate.tensor.Tensor;

/**
 * A language model's training step with truncated BPTT captured once and replayed ({@link GraphedStep}). The graph
 * reads its window (ids x and targets y [b, t]) and the state to start from out of its own input tensors, and writes
 * the state the window ended in back into those state tensors, so each replay continues where the last one ended
 * (the copy is the detach: no gradient crosses the boundary). A full window (every row t real steps) is replayed; any other (the last, shorter window of a pass) runs eagerly, from the state the task carries,
 * which is handed back and forth: after a replay the task carries the graph's state tensors, and before one they are
 * loaded with what the task carries unless it carries them already. Each replayed window's loss is copied on the
 * device for the task's log of windows, which reads it later. The metric summed on the device is the window's bits.
 */
final class GraphedLanguageModelStep extends GraphedStep<SequenceBatch> {
    private static final double LN2 = Math.log(2);

    private final LanguageModeling task;
    private Tensor x;  // [b, t] int32 ids
    private Tensor y;  // [b, t] int32 targets
    private Tensor h;  // [layers · directions, b, hidden]: the state the graph starts from and ends in
    private Tensor c;  // the LSTM's cell state like h, or null
    private Tensor loss;            // scalar: the last replayed window's loss, which the graph writes
    private RNNBase.State ended;    // the capture's final state
    private int[] lengths;          // every row t

    GraphedLanguageModelStep(LanguageModeling task, Update update, Device device, TrainStep<SequenceBatch> eager,
                             boolean required) {
        super("the language model's training step", update, device, eager, required);
        this.task = task;
    }

    /** A full window of a training pass that continues a carried state of its rows. */
    private boolean full(SequenceBatch batch) {
        RNNBase.State carried = task.carried();
        long t = batch.x().dim(1);
        return task.training() && carried != null && carried.h().dim(1) == batch.size()
                && Arrays.stream(batch.lengths()).allMatch(l -> l == t);
    }

    @Override
    boolean capturable(SequenceBatch batch) {
        return full(batch);
    }

    @Override
    boolean fits(SequenceBatch batch) {
        return full(batch) && batch.x().shape().equals(x.shape());
    }

    @Override
    java.util.Map<String, striate.tensor.Rng> generators() {
        return task.model() instanceof striate.nn.Module m ? m.namedRngs() : java.util.Map.of();
    }

    @Override
    Object shapes(SequenceBatch batch) {
        return java.util.List.of(batch.x().shape(), batch.y().shape());
    }

    @Override
    void makeInputs(SequenceBatch batch) {
        RNNBase.State carried = task.carried();
        x = MemoryScope.outside(() -> batch.x().copy());
        y = MemoryScope.outside(() -> batch.y().copy());
        h = MemoryScope.outside(() -> carried.h().copy());
        c = carried.c() == null ? null : MemoryScope.outside(() -> carried.c().copy());
        loss = MemoryScope.outside(() -> Tensor.zeros(x.device(), DType.F32));
        lengths = batch.lengths().clone();
    }

    @Override
    void load(SequenceBatch batch) {
        x.copyFrom(batch.x());
        y.copyFrom(batch.y());
        RNNBase.State carried = task.carried();
        if (carried.h().storage() != h.storage()) { // an eager window came between: continue from its state
            h.copyFrom(carried.h());
            if (c != null) {
                c.copyFrom(carried.c());
            }
        }
    }

    @Override
    Tensor loss() {
        LanguageModeling.Step s = task.model().forward(x, new RNNBase.State(h, c), lengths);
        ended = s.state();
        return Losses.sequenceCrossEntropy(s.logits(), y); // nats per predicted character
    }

    @Override
    Tensor afterUpdate(Tensor windowLoss) {
        h.copyFrom(ended.h()); // the next window starts here
        if (c != null) {
            c.copyFrom(ended.c());
        }
        ended = null;
        loss.copyFrom(windowLoss.to(DType.F32)); // into a tensor made before the capture: the host reads it later
        return loss.mul(x.size() / LN2); // bits
    }

    @Override
    void replayed(SequenceBatch batch) {
        Tensor own = MemoryScope.outside(() -> loss.copy()); // the next replay overwrites the graph's
        task.replayedWindow(new RNNBase.State(h, c), own, batch.tokens());
    }

    @Override
    long units(SequenceBatch batch) {
        return batch.tokens();
    }

    @Override
    int samples(SequenceBatch batch) {
        return batch.tokens();
    }

    @Override
    void dropInputs() {
        x = null;
        y = null;
        h = null;
        c = null;
        loss = null;
        ended = null;
        lengths = null;
    }

    /** The pending sums, and the replayed windows' bits into the task's log. */
    @Override
    public Sums readPending() {
        Sums sums = super.readPending();
        task.readPendingWindows();
        return sums;
    }
}

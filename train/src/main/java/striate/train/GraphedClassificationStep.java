package striate.train;

import striate.data.Batch;
import striate.nn.Losses;
import striate.tensor.Device;
import striate.tensor.MemoryScope;
import striate.tensor.Tensor;

/**
 * A classifier's training step captured once and replayed ({@link GraphedStep}): forward and cross-entropy on the
 * graph's images and labels, and the right predictions counted on the device (the first maximum of each row, as the
 * host's argmax decides ties). A batch of another shape (a last partial one) runs eagerly.
 */
final class GraphedClassificationStep extends GraphedStep<Batch> {
    private final Classification task;
    private Tensor x;      // the graph's inputs [n, ...]
    private Tensor y;      // [n] labels
    private Tensor logits; // the capture's [n, classes], for the count of right predictions

    /** For {@code task}'s classifier; {@code eager}'s forward passes make the counter of right predictions first. */
    GraphedClassificationStep(Classification task, Update update, Device device, TrainStep<Batch> eager,
                              boolean required) {
        super("the training step", update, device, eager, required);
        this.task = task;
    }

    @Override
    boolean capturable(Batch batch) {
        return true;
    }

    @Override
    boolean fits(Batch batch) {
        return batch.x().shape().equals(x.shape()) && batch.y().shape().equals(y.shape());
    }

    @Override
    java.util.Map<String, striate.tensor.Rng> generators() {
        return task.model().namedRngs();
    }

    @Override
    Object shapes(Batch batch) {
        return java.util.List.of(batch.x().shape(), batch.y().shape());
    }

    @Override
    void makeInputs(Batch batch) {
        x = MemoryScope.outside(() -> batch.x().copy());
        y = MemoryScope.outside(() -> batch.y().copy());
    }

    @Override
    void load(Batch batch) {
        x.copyFrom(batch.x());
        y.copyFrom(batch.y());
    }

    @Override
    Tensor loss() {
        logits = task.model().forward(x);
        return Losses.crossEntropy(logits, y);
    }

    @Override
    Tensor afterUpdate(Tensor loss) {
        Tensor right = task.counter().of(logits, y);
        logits = null;
        return right;
    }

    @Override
    long units(Batch batch) {
        return batch.size();
    }

    @Override
    int samples(Batch batch) {
        return batch.size();
    }

    @Override
    void dropInputs() {
        x = null;
        y = null;
        logits = null;
    }
}

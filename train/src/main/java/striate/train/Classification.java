package striate.train;

import striate.data.Batch;
import striate.nn.Losses;
import striate.nn.Module;
import striate.tensor.Tensor;

/**
 * Classification for the {@link Trainer}: images x [b, c, h, w] (or a text classifier's ids [b, t]) → logits
 * [b, classes], cross-entropy against the labels y [b], accuracy over examples.
 */
public final class Classification implements Task<Batch> {
    private final Module model;
    private final String unit;
    private CorrectCount correct;

    /** The task of {@code model}, a module mapping [b, c, h, w] to logits [b, classes]. */
    public Classification(Module model) {
        this(model, "img");
    }

    /** The task of {@code model}, whose throughput counts {@code unit} ("msg" for a text classifier's messages). */
    public Classification(Module model, String unit) {
        this.model = model;
        this.unit = unit;
    }

    @Override
    public Metric metric() {
        return Metric.ACCURACY;
    }

    @Override
    public String unit() {
        return unit;
    }

    /**
     * The loss and how many examples were right, counted on the logits' device ({@link CorrectCount}, as the graphed
     * step counts them): one scalar read back, not the logits and the labels.
     */
    @Override
    public Output forward(Batch batch) {
        Tensor logits = model.forward(batch.x());                // [b, classes]
        Tensor loss = Losses.crossEntropy(logits, batch.y());
        int n = Math.toIntExact(batch.y().dim(0));
        return new Output(loss, counter(logits).of(logits, batch.y()).item(), n, n);
    }

    /** The classifier. */
    Module model() {
        return model;
    }

    /** The counter of the last forward pass (null before one): the graphed step counts with it. */
    CorrectCount counter() {
        return correct;
    }

    /** The counter for these logits' device and class count, made once (its constant outside every scope). */
    private CorrectCount counter(Tensor logits) {
        int classes = Math.toIntExact(logits.dim(1));
        if (correct == null || correct.classes() != classes || !correct.device().equals(logits.device())) {
            correct = new CorrectCount(logits.device(), classes);
        }
        return correct;
    }
}

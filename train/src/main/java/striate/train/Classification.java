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

    @Override
    public Output forward(Batch batch) {
        Tensor logits = model.forward(batch.x());                // [b, classes]
        Tensor loss = Losses.crossEntropy(logits, batch.y());
        int[] predicted = Metrics.argmax(logits);
        int[] labels = batch.y().toIntArray();
        long correct = 0;
        for (int i = 0; i < labels.length; i++) {
            correct += predicted[i] == labels[i] ? 1 : 0;
        }
        return new Output(loss, correct, labels.length, labels.length);
    }
}

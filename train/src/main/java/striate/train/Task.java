package striate.train;

import striate.tensor.MemoryScope;
import striate.tensor.Tensor;

/**
 * What a model is trained to do on batches of kind {@code B}, for {@link Trainer}: the loss and the metric of one
 * batch, computed by the task's model in its current mode (the trainer switches between training and evaluation,
 * and turns gradients off for validation). {@link Classification} classifies images ({@code Batch}),
 * {@link Tagging} tags every token of padded sentences ({@code SequenceBatch}); a language model or a regression is
 * another implementation. A task that carries state from one batch to the next (truncated backpropagation through
 * time) resets it in {@link #beforePass} and keeps it past the batch's memory scope in {@link #afterBatch}.
 */
public interface Task<B> {

    /**
     * One batch's forward pass: {@code loss}, the scalar to minimize (the mean over the batch's units),
     * {@code metricSum}, the metric summed over those units (e.g. how many were right), {@code units}, what the loss
     * averages over (images, tokens, characters), and {@code samples}, what throughput counts (images, sentences).
     */
    record Output(Tensor loss, double metricSum, long units, int samples) {
        public Output {
            if (units < 1 || samples < 1) {
                throw new IllegalArgumentException("a batch needs at least one unit and one sample, got " + units
                        + " and " + samples);
            }
        }
    }

    /** The metric reported beside the loss. */
    Metric metric();

    /** What throughput counts, per second on the progress line: "img", "sent", "char". */
    String unit();

    /** The forward pass on one batch, in the model's current mode. */
    Output forward(B batch);

    /** Called before each pass: every training epoch ({@code training} true) and every validation. */
    default void beforePass(boolean training) {
    }

    /**
     * Called after each batch of a pass (in training after the update), inside the batch's memory scope, which
     * closes right after: a task that carries state to the next batch keeps it here ({@code scope.keep(t)}).
     */
    default void afterBatch(MemoryScope scope) {
    }
}

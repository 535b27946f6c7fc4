package striate.train;

/**
 * What a task scores besides its loss, per epoch and on validation: its name in {@link History} and
 * {@code metrics.json} ({@code accuracy}), its short label on the progress line ({@code acc}) and its direction.
 * Over a pass the value is a sum over the batches divided by a count of units (correct tokens / tokens, bits /
 * characters, squared errors / values), so it does not depend on how the pass was cut into batches.
 */
public record Metric(String name, String label, boolean higherIsBetter) {
    /** Correct predictions / predictions (images for a classifier, tokens for a tagger). */
    public static final Metric ACCURACY = new Metric("accuracy", "acc", true);
    /** A language model's cross-entropy in bits per character: nats / ln 2 per character. */
    public static final Metric BITS_PER_CHARACTER = new Metric("bits_per_character", "bpc", false);
    /** Mean squared error of a regression. */
    public static final Metric MSE = new Metric("mse", "mse", false);

    public Metric {
        if (name == null || name.isBlank() || label == null || label.isBlank()) {
            throw new IllegalArgumentException("a metric needs a name and a label, got '" + name + "' and '" + label
                    + "'");
        }
    }

    /** True when {@code a} is a better value of this metric than {@code b} (NaN is never better). */
    public boolean better(double a, double b) {
        return higherIsBetter ? a > b : a < b;
    }
}

package striate.train;

/**
 * What one training epoch measured. Epochs count from 1. Losses are the task's mean loss per unit (image, token,
 * character), metrics the task's {@link Metric} (accuracy as a fraction in [0, 1], bits per character, ...);
 * {@code valLoss} and {@code valMetric} are NaN when there is no validation set. {@code seconds} is the epoch's
 * training wall time and {@code samplesPerSecond} the training throughput (images or sentences per second).
 */
public record EpochStats(int epoch, double trainLoss, double trainMetric, double valLoss, double valMetric,
        double learningRate, double seconds, double samplesPerSecond) {

    public EpochStats {
        if (epoch < 1) {
            throw new IllegalArgumentException("epochs count from 1, got " + epoch);
        }
    }

    /** True when the epoch has validation results (valLoss is not NaN). */
    public boolean hasValidation() {
        return !Double.isNaN(valLoss);
    }
}

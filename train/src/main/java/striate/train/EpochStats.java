package striate.train;

/**
 * What one training epoch measured. Epochs count from 1. Losses are mean cross-entropy per example, accuracies
 * fractions in [0, 1]; {@code valLoss} and {@code valAccuracy} are NaN when there is no validation set.
 * {@code seconds} is the epoch's wall time and {@code imagesPerSecond} the training throughput.
 */
public record EpochStats(int epoch, double trainLoss, double trainAccuracy, double valLoss, double valAccuracy,
        double learningRate, double seconds, double imagesPerSecond) {

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

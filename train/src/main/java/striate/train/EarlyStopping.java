package striate.train;

/**
 * Stops training when the validation loss has not improved for {@code patience} epochs in a row. An epoch
 * improves when its loss is below the best so far by more than {@code minDelta}; a NaN loss never improves.
 * Call {@link #shouldStop} once per epoch, in order: the n-th call is epoch n.
 */
public final class EarlyStopping {
    private final int patience;
    private final double minDelta;
    private double best = Double.POSITIVE_INFINITY;
    private int bestEpoch;
    private int epoch;
    private int sinceBest;

    /** {@code patience} ≥ 1 epochs without improvement end training; {@code minDelta} ≥ 0. */
    public EarlyStopping(int patience, double minDelta) {
        if (patience < 1) {
            throw new IllegalArgumentException("patience must be >= 1 epoch, got " + patience);
        }
        if (!(minDelta >= 0) || Double.isInfinite(minDelta)) {
            throw new IllegalArgumentException("minDelta must be finite and >= 0, got " + minDelta);
        }
        this.patience = patience;
        this.minDelta = minDelta;
    }

    /** Records this epoch's validation loss; true when training should stop after it. */
    public boolean shouldStop(double valLoss) {
        epoch++;
        if (valLoss < best - minDelta) {
            best = valLoss;
            bestEpoch = epoch;
            sinceBest = 0;
        } else {
            sinceBest++;
        }
        return sinceBest >= patience;
    }

    /** The lowest validation loss seen that counted as an improvement (+∞ before any). */
    public double bestValue() {
        return best;
    }

    /** The epoch of {@link #bestValue()} (0 before any improvement). */
    public int bestEpoch() {
        return bestEpoch;
    }

    /** Epochs since the last improvement. */
    public int epochsWithoutImprovement() {
        return sinceBest;
    }
}

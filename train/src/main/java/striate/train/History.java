package striate.train;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.ToDoubleFunction;

/**
 * The {@link EpochStats} of a training run, in epoch order (strictly increasing epoch numbers, so a resumed
 * run continues where its checkpoint stopped). The best epoch is the one with the lowest validation loss, or the
 * lowest training loss in a run without validation.
 */
public final class History {
    private final List<EpochStats> epochs = new ArrayList<>();

    public History() {
    }

    /** A history holding these epochs (e.g. from a checkpoint), in order. */
    public History(List<EpochStats> epochs) {
        epochs.forEach(this::add);
    }

    /** Appends an epoch; its number must be greater than the last one's. */
    public void add(EpochStats stats) {
        if (!epochs.isEmpty() && stats.epoch() <= epochs.getLast().epoch()) {
            throw new IllegalArgumentException("epoch " + stats.epoch() + " after epoch " + epochs.getLast().epoch()
                    + ": epochs must increase");
        }
        epochs.add(stats);
    }

    /** The epochs so far, oldest first (an unmodifiable copy). */
    public List<EpochStats> epochs() {
        return List.copyOf(epochs);
    }

    public int size() {
        return epochs.size();
    }

    public boolean isEmpty() {
        return epochs.isEmpty();
    }

    /** The latest epoch, if any. */
    public Optional<EpochStats> last() {
        return epochs.isEmpty() ? Optional.empty() : Optional.of(epochs.getLast());
    }

    /**
     * The epoch with the lowest validation loss among the validated epochs, or, when no epoch was validated, the
     * lowest training loss (the earliest among equals); empty when there are no epochs or every such loss is NaN.
     */
    public Optional<EpochStats> best() {
        boolean validated = epochs.stream().anyMatch(EpochStats::hasValidation);
        ToDoubleFunction<EpochStats> loss = validated ? EpochStats::valLoss : EpochStats::trainLoss;
        EpochStats best = null;
        for (EpochStats e : epochs) {
            double v = loss.applyAsDouble(e);
            if (!Double.isNaN(v) && (best == null || v < loss.applyAsDouble(best))) {
                best = e;
            }
        }
        return Optional.ofNullable(best);
    }
}

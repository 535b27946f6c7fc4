package striate.train;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.ToDoubleFunction;

/**
 * The {@link EpochStats} of a training run, in epoch order (strictly increasing epoch numbers, so a resumed
 * run continues where its checkpoint stopped), and the {@link Metric} their metric columns hold. The best epoch is
 * the one with the lowest validation loss, or the lowest training loss in a run without validation.
 */
public final class History {
    private final Metric metric;
    private final List<EpochStats> epochs = new ArrayList<>();

    /** An empty history of a task scored by {@code metric}. */
    public History(Metric metric) {
        if (metric == null) {
            throw new IllegalArgumentException("a history needs the metric its epochs hold");
        }
        this.metric = metric;
    }

    /** A history holding these epochs (e.g. from a checkpoint), in order. */
    public History(Metric metric, List<EpochStats> epochs) {
        this(metric);
        epochs.forEach(this::add);
    }

    /** What the trainMetric and valMetric of the epochs are. */
    public Metric metric() {
        return metric;
    }

    /** Appends an epoch; its number must be greater than the last one's. */
    public void add(EpochStats stats) {
        if (!epochs.isEmpty()) {
            checkOrder(epochs.getLast(), stats);
        }
        epochs.add(stats);
    }

    /** Fails unless {@code next} comes after {@code previous}. */
    static void checkOrder(EpochStats previous, EpochStats next) {
        if (next.epoch() <= previous.epoch()) {
            throw new IllegalArgumentException("epoch " + next.epoch() + " after epoch " + previous.epoch()
                    + ": epochs must increase");
        }
    }

    /** The median epoch's training throughput, in samples per second (the upper median for an even count). */
    public double medianSamplesPerSecond() {
        if (epochs.isEmpty()) {
            throw new IllegalStateException("no epochs yet: the median throughput needs at least one");
        }
        double[] v = epochs.stream().mapToDouble(EpochStats::samplesPerSecond).sorted().toArray();
        return v[v.length / 2];
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

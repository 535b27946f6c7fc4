package striate.train;

/**
 * One optimization step of a {@link Trainer} on a batch of kind {@code B}: forward, loss, backward and the
 * optimizer's update. The trainer's own step runs a {@link Task} on one device (with optional gradient clipping);
 * {@code DataParallel.trainStep()} spreads an image batch over several; a graphed step replays a captured one.
 */
public interface TrainStep<B> {

    /**
     * The batch's mean loss and the rest of the task's {@link Task.Output} for it. A {@code pending} result's loss and
     * metric stay on the device (NaN here) until {@link #readPending} reads the sums of all pending steps at once.
     */
    record Result(double loss, double metricSum, long units, int samples, boolean pending) {
        public Result(double loss, double metricSum, long units, int samples) {
            this(loss, metricSum, units, samples, false);
        }

        /** A step whose loss and metric are summed on the device, to read later. */
        public static Result pending(long units, int samples) {
            return new Result(Double.NaN, Double.NaN, units, samples, true);
        }
    }

    /** The loss summed over units (loss × units per batch) and the metric summed, of the steps read at once. */
    record Sums(double loss, double metric) {
    }

    /**
     * Runs the step. A non-finite loss is returned, not thrown (the trainer stops with a message naming the batch);
     * a one-device step then leaves the weights untouched, a data-parallel or graphed one has already applied the
     * update (the checkpoints of the last good epoch are what to go back to).
     */
    Result run(B batch);

    /**
     * The sums over the steps that returned {@link Result#pending} since the last read (one wait for the device), after
     * which they start from zero. Only steps that return pending results implement it.
     */
    default Sums readPending() {
        throw new UnsupportedOperationException("this step returns its results at once; it has nothing pending");
    }

    /** Called before the first batch of every epoch (of a fresh or a resumed run). */
    default void beforeEpoch(int epoch) {
    }

    /** Called after a checkpoint was restored into the trainer's model and optimizer (replicas copy it). */
    default void afterRestore() {
    }
}

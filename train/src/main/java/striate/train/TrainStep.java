package striate.train;

/**
 * One optimization step of a {@link Trainer} on a batch of kind {@code B}: forward, loss, backward and the
 * optimizer's update. The trainer's own step runs a {@link Task} on one device (with optional gradient clipping);
 * {@code DataParallel.trainStep()} spreads an image batch over several.
 */
public interface TrainStep<B> {

    /** The batch's mean loss and the rest of the task's {@link Task.Output} for it. */
    record Result(double loss, double metricSum, long units, int samples) {
    }

    /**
     * Runs the step. A non-finite loss is returned, not thrown (the trainer stops with a message naming the batch);
     * a one-device step then leaves the weights untouched, a data-parallel one has already applied the update (the
     * checkpoints of the last good epoch are what to go back to).
     */
    Result run(B batch);

    /** Called before the first batch of every epoch (of a fresh or a resumed run). */
    default void beforeEpoch(int epoch) {
    }

    /** Called after a checkpoint was restored into the trainer's model and optimizer (replicas copy it). */
    default void afterRestore() {
    }
}

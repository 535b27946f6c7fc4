package striate.train;

import striate.tensor.Tensor;

/**
 * One optimization step of a {@link Trainer} on a batch x [b, c, h, w] with int32 labels y [b]: forward,
 * cross-entropy loss, backward and the optimizer's update. The trainer's own step runs on one device;
 * {@code DataParallel.trainStep()} spreads it over several.
 */
public interface TrainStep {

    /** The batch's mean loss, how many examples were classified correctly, and the batch size. */
    record Result(double loss, long correct, int samples) {
    }

    /**
     * Runs the step. A non-finite loss is returned, not thrown (the trainer stops with a message naming the batch);
     * a one-device step then leaves the weights untouched, a data-parallel one has already applied the update (the
     * checkpoints of the last good epoch are what to go back to).
     */
    Result run(Tensor x, Tensor y);

    /** Called before the first batch of every epoch (of a fresh or a resumed run). */
    default void beforeEpoch(int epoch) {
    }

    /** Called after a checkpoint was restored into the trainer's model and optimizer (replicas copy it). */
    default void afterRestore() {
    }
}

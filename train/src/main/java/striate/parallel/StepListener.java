package striate.parallel;

/**
 * Hears what a {@link DataParallel} step does and when, on the thread that does it: for timelines (how much of the
 * all-reduce overlaps backward) and tests. Methods must be quick and thread-safe; all do nothing by default.
 */
public interface StepListener {
    /** On replica {@code replica}'s thread, usually inside backward: its gradients of {@code bucket} are in place. */
    default void bucketFilled(int replica, int bucket) {
    }

    /** On replica {@code replica}'s thread: its backward pass is over. */
    default void backwardDone(int replica) {
    }

    /** On the communication thread: the all-reduce of {@code bucket} begins. */
    default void reduceStarted(int bucket) {
    }

    /** On the communication thread: the all-reduce of {@code bucket} is done. */
    default void reduceDone(int bucket) {
    }
}

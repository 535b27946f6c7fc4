package striate.backend;

/**
 * Work captured once from a backend ({@link Backend#captureGraph}) and replayed as a whole: the ops, copies and
 * zeroings the work asked for, on the same memory. A replay reads the current contents of every tensor the work read
 * (copy new inputs into them in place first) and writes its results over the same output tensors; host values the
 * work used (a learning rate, a random seed, a step count) stay what they were at capture. Close it to let its memory
 * go.
 */
public interface CapturedGraph extends AutoCloseable {

    /** Runs the captured work once more. */
    void replay();

    /** Gives the graph's memory back; the graph cannot be replayed afterwards. Idempotent. */
    @Override
    void close();
}

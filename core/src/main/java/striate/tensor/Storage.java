package striate.tensor;

/**
 * A block of memory on one device that one or more tensors view. Host backends use {@link HostStorage};
 * device backends bring their own.
 */
public interface Storage {
    /** The element type of the memory. */
    DType dtype();

    /** Capacity in elements. */
    long elements();

    /**
     * How many times the memory was written in place since it was made (a copy into it, an optimizer's update): a
     * recorded op keeps its inputs' versions, and backward refuses to differentiate it with values changed since.
     */
    int version();

    /** Counts an in-place write ({@link #version}). */
    void changed();
}

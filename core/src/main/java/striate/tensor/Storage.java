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
}

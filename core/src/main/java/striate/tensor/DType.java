package striate.tensor;

/**
 * Element types. F32 is the working type of every backend; F64 exists so the reference backend can run
 * gradient checks in double; I32 holds class labels and indices. Each type knows its size in bytes and
 * the type its reductions accumulate in.
 */
public enum DType {
    F32(4, "float32"),
    F64(8, "float64"),
    I32(4, "int32");

    private final int bytes;
    private final String label;

    DType(int bytes, String label) {
        this.bytes = bytes;
        this.label = label;
    }

    /** Size of one element in bytes. */
    public int bytes() {
        return bytes;
    }

    /** True for the types gradients flow through (F32, F64). */
    public boolean isFloating() {
        return this != I32;
    }

    /** The type sums of this type accumulate in on fast backends (the reference always uses double). */
    public DType accumulator() {
        return this == F64 ? F64 : F32;
    }

    @Override
    public String toString() {
        return label;
    }
}

package striate.tensor;

/**
 * Element types. F32 is the working type of every backend; F64 exists so the reference backend can run
 * gradient checks in double; I32 holds class labels and indices; BF16 (bfloat16: float32's exponent, 8 bits of
 * significand) and F16 (IEEE half: 5-bit exponent, 11 bits of significand) are the low-precision types of mixed
 * precision ({@code striate.autograd.Autocast}), stored in 2 bytes and accumulated in float32. Each type knows its size
 * in bytes and the type its reductions accumulate in.
 */
public enum DType {
    F32(4, "float32"),
    F64(8, "float64"),
    I32(4, "int32"),
    BF16(2, "bfloat16"),
    F16(2, "float16");

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

    /** True for the types gradients flow through (F32, F64, BF16, F16). */
    public boolean isFloating() {
        return this != I32;
    }

    /** True for the 2-byte floating types of mixed precision (BF16, F16). */
    public boolean isLowPrecision() {
        return this == BF16 || this == F16;
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

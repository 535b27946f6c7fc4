package striate.op;

import striate.tensor.DType;
import striate.tensor.Shape;

/**
 * A tensor of {@code shape} filled with uniform values in [low, high) ({@link RandomDraw}: counter-based, optionally
 * streamed), computed in double and rounded once to the dtype (which may give high itself, see {@link
 * striate.tensor.Tensor#rand}). Element i is a hash of (seed, i) ({@link #uniform}). Dropout masks and RReLU slopes come from here.
 */
public record RandomUniformOp(Shape shape, double low, double high, long seed, DType dtype, boolean streamed)
        implements RandomDraw {
    public RandomUniformOp {
        if (!(high >= low)) {
            throw new IllegalArgumentException("RandomUniformOp: high (" + high + ") must be >= low (" + low + ")");
        }
        if (!dtype.isFloating()) {
            throw new IllegalArgumentException("RandomUniformOp: dtype must be floating, got " + dtype);
        }
    }

    /** A draw from the host seed alone. */
    public RandomUniformOp(Shape shape, double low, double high, long seed, DType dtype) {
        this(shape, low, high, seed, dtype, false);
    }

    /** Value of element {@code index} drawn with {@code seed}: low + (high − low)·u, u from {@link #uniform}. */
    @Override
    public double valueAt(long seed, long index) {
        return low + (high - low) * uniform(seed, index);
    }

    /** A uniform double in [0, 1) from a SplitMix64 finalizer of seed and index. */
    public static double uniform(long seed, long index) {
        long z = seed + (index + 1) * 0x9E3779B97F4A7C15L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        z = z ^ (z >>> 31);
        return (z >>> 11) * 0x1.0p-53;
    }
}

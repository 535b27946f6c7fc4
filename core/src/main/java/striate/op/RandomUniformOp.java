package striate.op;

import striate.tensor.DType;
import striate.tensor.Shape;

/**
 * A tensor of {@code shape} filled with uniform values in [low, high). Counter-based: element i is a hash
 * of (seed, i) ({@link #uniform}), so every backend and every thread count draws the same numbers.
 * Dropout masks and RReLU slopes come from here.
 */
public record RandomUniformOp(Shape shape, double low, double high, long seed, DType dtype) implements Op {
    public RandomUniformOp {
        if (!(high >= low)) {
            throw new IllegalArgumentException("RandomUniformOp: high (" + high + ") must be >= low (" + low + ")");
        }
        if (!dtype.isFloating()) {
            throw new IllegalArgumentException("RandomUniformOp: dtype must be floating, got " + dtype);
        }
    }

    @Override
    public int arity() {
        return 0;
    }

    @Override
    public Shape inferShape(Shape... in) {
        return shape;
    }

    @Override
    public DType inferType(DType... in) {
        return dtype;
    }

    /** Value of element {@code index}: low + (high − low)·u, u in [0, 1) from SplitMix64 of (seed, index). */
    public double valueAt(long index) {
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

package striate.op;

import striate.tensor.DType;
import striate.tensor.Shape;

/**
 * A tensor of {@code shape} filled with uniform values in [low, high). Counter-based: element i is a hash
 * of (seed, i) ({@link #uniform}), so every backend and every thread count draws the same numbers.
 * Dropout masks and RReLU slopes come from here. A {@code streamed} draw takes one input, a float32 scalar s read
 * when the kernel runs, and draws with seed + s·{@link #STREAM_STEP}: a captured graph advances s at each replay, so
 * its draws differ from replay to replay although the host seed is frozen in it ({@link striate.tensor.RandomStream}).
 */
public record RandomUniformOp(Shape shape, double low, double high, long seed, DType dtype, boolean streamed)
        implements Op {
    /** What one step of a stream adds to the seed: odd, so consecutive streams are far apart in seed space. */
    public static final long STREAM_STEP = 0xD1B54A32D192ED03L;

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

    @Override
    public int arity() {
        return streamed ? 1 : 0;
    }

    @Override
    public Shape inferShape(Shape... in) {
        if (streamed && in[0].rank() != 0) {
            throw mismatch("a stream of shape " + in[0], "a scalar (shape [])");
        }
        return shape;
    }

    @Override
    public DType inferType(DType... in) {
        if (streamed && in[0] != DType.F32) {
            throw new IllegalArgumentException("RandomUniformOp: the stream is a float32 scalar, got " + in[0]);
        }
        return dtype;
    }

    /** The seed a draw uses: the op's own, advanced by {@code stream} steps (a streamed draw's input value). */
    public long seedAt(double stream) {
        return seedAt(seed, stream);
    }

    /** {@code seed} advanced by {@code stream} steps of {@link #STREAM_STEP} (wrapping, as the CUDA kernels do). */
    public static long seedAt(long seed, double stream) {
        return seed + (long) stream * STREAM_STEP;
    }

    /** Value of element {@code index} of the host seed's draw. */
    public double valueAt(long index) {
        return valueAt(seed, index);
    }

    /** Value of element {@code index} drawn with {@code seed}: low + (high − low)·u, u from {@link #uniform}. */
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

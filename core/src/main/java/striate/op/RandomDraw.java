package striate.op;

import striate.tensor.DType;
import striate.tensor.Shape;

/**
 * The random-number ops: a tensor of {@code shape} and {@code dtype} from counter-based draws of a host seed, so every
 * backend and thread count draws the same numbers. A {@code streamed} draw takes one input, a float32 scalar stream s
 * read when the kernel runs, and draws with {@link #seedAt}(seed, s): a captured graph advances s at each replay, so
 * its draws differ from replay to replay although the host seed is frozen in it ({@link striate.tensor.RandomStream}).
 */
public sealed interface RandomDraw extends Op permits RandomUniformOp, RandomNormalOp {
    /** What one step of a stream adds to the seed: odd, so consecutive streams are far apart in seed space. */
    long STREAM_STEP = 0xD1B54A32D192ED03L;

    Shape shape();

    DType dtype();

    long seed();

    boolean streamed();

    /** Value of element {@code index} drawn with {@code seed} (in double; kernels round it to the output type). */
    double valueAt(long seed, long index);

    /** {@code seed} advanced by {@code stream} steps of {@link #STREAM_STEP} (wrapping, as the CUDA kernels do). */
    static long seedAt(long seed, double stream) {
        return seed + (long) stream * STREAM_STEP;
    }

    /** The seed this draw uses when its stream holds {@code stream} (the op's own seed for an unstreamed draw). */
    default long seedAt(double stream) {
        return streamed() ? seedAt(seed(), stream) : seed();
    }

    @Override
    default int arity() {
        return streamed() ? 1 : 0;
    }

    @Override
    default Shape inferShape(Shape... in) {
        if (streamed() && in[0].rank() != 0) {
            throw mismatch("a stream of shape " + in[0], "a scalar (shape [])");
        }
        return shape();
    }

    @Override
    default DType inferType(DType... in) {
        if (streamed() && in[0] != DType.F32) {
            throw new IllegalArgumentException(name() + ": the stream is a float32 scalar, got " + in[0]);
        }
        return dtype();
    }
}

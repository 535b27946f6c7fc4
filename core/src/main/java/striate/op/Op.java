package striate.op;

import striate.tensor.DType;
import striate.tensor.Shape;
import striate.tensor.ShapeMismatchException;

/**
 * One primitive operation: a record of named attributes that declares how many inputs it takes and the
 * shape and type of its one output. This is the single declaration of an op; every backend supplies one
 * {@link Kernel} per op, and {@code striate.autograd.Derivatives} writes each backward rule once in ops.
 * View ops ({@link ViewOp}) only re-stride storage; in-place ops ({@link InPlaceOp}) update their inputs and
 * have no output.
 */
public sealed interface Op permits UnaryOp, AffineOp, PowerOp, BinaryOp, WhereOp, ReduceOp, MatMulOp, Conv2dOp,
        Conv2dBackwardDataOp, Conv2dBackwardFilterOp, Pool2dOp, Pool2dBackwardOp, SoftmaxOp, LogSoftmaxOp,
        CrossEntropyOp, CrossEntropyBackwardOp, KMaxPoolOp, KMaxPoolBackwardOp, EmbeddingOp, EmbeddingBackwardOp,
        LstmCellOp, LstmCellBackwardOp, GruCellOp, GruCellBackwardOp, LstmLayerOp, LstmLayerBackwardOp, GruLayerOp,
        GruLayerBackwardOp, BatchNormOp, BatchNormBackwardOp, LeakyReluOp, LeakyReluBackwardOp, RandomDraw,
        CopyOp, CastOp, PadOp, CatOp, ToDeviceOp, ViewOp, InPlaceOp {

    /** The op's name in messages: its record name. */
    default String name() {
        return getClass().getSimpleName();
    }

    /** Number of inputs. */
    int arity();

    /** The output shape for these input shapes, or a {@link ShapeMismatchException} naming the op. */
    Shape inferShape(Shape... inputs);

    /** The output type for these input types; the first input's by default. */
    default DType inferType(DType... inputs) {
        return inputs[0];
    }

    /**
     * {@code type} when it is a floating-point type, else an error naming this op: an op whose values are fractions
     * (exp, softmax, a product of weights) would round them to integers in an int32 tensor.
     */
    default DType requireFloating(DType type) {
        if (!type.isFloating()) {
            throw new IllegalArgumentException(name() + ": the input is " + type + ", which would round the result to "
                    + "integers; cast it with tensor.to(DType.F32)");
        }
        return type;
    }

    /** A shape error that names this op. */
    default ShapeMismatchException mismatch(String got, String expected) {
        return new ShapeMismatchException(name(), got, expected);
    }

    /** Checks that {@code s} has rank {@code rank}, naming the input. */
    default void requireRank(Shape s, int rank, String what) {
        if (s.rank() != rank) {
            throw mismatch(what + " of shape " + s, what + " of rank " + rank);
        }
    }

    /** Checks that {@code t} is a floating type, naming the input. */
    default void requireFloating(DType t, String what) {
        if (!t.isFloating()) {
            throw new IllegalArgumentException(name() + ": " + what + " must be a floating type (float32, float64, bfloat16, float16), got " + t);
        }
    }
}

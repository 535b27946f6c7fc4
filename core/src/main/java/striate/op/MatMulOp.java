package striate.op;

import striate.tensor.DType;
import striate.tensor.Shape;

/**
 * y = op(a)·op(b) for 2-D a and b, where op transposes when asked: a [m, k] (or [k, m]),
 * b [k, n] (or [n, k]) → y [m, n].
 */
public record MatMulOp(boolean transposeA, boolean transposeB) implements Op {
    @Override
    public int arity() {
        return 2;
    }

    @Override
    public Shape inferShape(Shape... in) {
        requireRank(in[0], 2, "a");
        requireRank(in[1], 2, "b");
        long m = transposeA ? in[0].dim(1) : in[0].dim(0);
        long ka = transposeA ? in[0].dim(0) : in[0].dim(1);
        long kb = transposeB ? in[1].dim(1) : in[1].dim(0);
        long n = transposeB ? in[1].dim(0) : in[1].dim(1);
        if (ka != kb) {
            throw mismatch("a " + in[0] + (transposeA ? "ᵀ" : "") + " and b " + in[1] + (transposeB ? "ᵀ" : ""),
                    "inner dimensions to agree (" + ka + " vs " + kb + ")");
        }
        return Shape.of(m, n);
    }

    /** Both inputs of one floating-point type. */
    @Override
    public DType inferType(DType... in) {
        if (in[1] != in[0]) {
            throw new IllegalArgumentException(name() + ": a is " + in[0] + " but b is " + in[1] + "; cast one with "
                    + "tensor.to(dtype)");
        }
        return requireFloating(in[0]);
    }
}

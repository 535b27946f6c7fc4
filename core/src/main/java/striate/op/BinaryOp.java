package striate.op;

import striate.tensor.DType;
import striate.tensor.Shape;

/** y = fn(a, b), elementwise with NumPy broadcasting; both inputs of one type. */
public record BinaryOp(BinaryFn fn) implements Op {
    @Override
    public int arity() {
        return 2;
    }

    @Override
    public Shape inferShape(Shape... in) {
        try {
            return Shape.broadcast(in[0], in[1]);
        } catch (IllegalArgumentException e) {
            throw mismatch("shapes " + in[0] + " and " + in[1], "shapes that broadcast (equal trailing dims or 1)");
        }
    }

    @Override
    public DType inferType(DType... in) {
        if (in[0] != in[1]) {
            throw new IllegalArgumentException(name() + ": inputs have types " + in[0] + " and " + in[1]
                    + "; cast one with tensor.to(dtype)");
        }
        return fn == BinaryFn.DIV ? requireFloating(in[0]) : in[0]; // an integer quotient would be truncated
    }

    @Override
    public String name() {
        return "BinaryOp(" + fn + ")";
    }
}

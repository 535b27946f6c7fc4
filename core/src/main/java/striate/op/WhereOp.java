package striate.op;

import striate.tensor.DType;
import striate.tensor.Shape;

/** y = cond ≠ 0 ? a : b, elementwise with broadcasting over (cond, a, b); y takes a's type. */
public record WhereOp() implements Op {
    @Override
    public int arity() {
        return 3;
    }

    @Override
    public Shape inferShape(Shape... in) {
        try {
            return Shape.broadcast(Shape.broadcast(in[0], in[1]), in[2]);
        } catch (IllegalArgumentException e) {
            throw mismatch("cond " + in[0] + ", a " + in[1] + ", b " + in[2], "shapes that broadcast together");
        }
    }

    @Override
    public DType inferType(DType... in) {
        if (in[1] != in[2]) {
            throw new IllegalArgumentException(name() + ": a and b have types " + in[1] + " and " + in[2]);
        }
        return in[1];
    }
}

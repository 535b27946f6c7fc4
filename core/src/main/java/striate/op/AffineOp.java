package striate.op;

import striate.tensor.DType;
import striate.tensor.Shape;

/** y = scale·x + shift, elementwise: multiplying or shifting by a constant without a constant tensor. */
public record AffineOp(double scale, double shift) implements Op {
    @Override
    public int arity() {
        return 1;
    }

    @Override
    public Shape inferShape(Shape... in) {
        return in[0];
    }

    /** An integer input takes finite whole scales and shifts alone (a fraction would be rounded away). */
    @Override
    public DType inferType(DType... in) {
        return scale == Math.rint(scale) && shift == Math.rint(shift) && Double.isFinite(scale)
                && Double.isFinite(shift) ? in[0] : requireFloating(in[0]);
    }
}

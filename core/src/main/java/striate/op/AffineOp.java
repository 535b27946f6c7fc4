package striate.op;

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
}

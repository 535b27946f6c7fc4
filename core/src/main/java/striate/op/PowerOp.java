package striate.op;

import striate.tensor.Shape;

/** y = x^exponent, elementwise, for a constant exponent. */
public record PowerOp(double exponent) implements Op {
    @Override
    public int arity() {
        return 1;
    }

    @Override
    public Shape inferShape(Shape... in) {
        return in[0];
    }
}

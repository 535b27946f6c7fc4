package striate.op;

import striate.tensor.DType;
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

    /** An integer input takes whole, non-negative exponents alone (x^0.5 or x^-1 would be rounded to integers). */
    @Override
    public DType inferType(DType... in) {
        return exponent == Math.rint(exponent) && exponent >= 0 && !Double.isInfinite(exponent) ? in[0]
                : requireFloating(in[0]);
    }
}

package striate.op;

import striate.tensor.DType;
import striate.tensor.Shape;

/** y = exp(x − max) / Σ exp(x − max) along {@code axis} (negative counts from the end); any shape. */
public record SoftmaxOp(int axis) implements Op {
    @Override
    public int arity() {
        return 1;
    }

    @Override
    public Shape inferShape(Shape... in) {
        in[0].axis(axis);
        return in[0];
    }

    @Override
    public DType inferType(DType... in) {
        return requireFloating(in[0]);
    }
}

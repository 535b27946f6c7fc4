package striate.op;

import striate.tensor.Shape;

/** Gradient of {@link Conv2dOp} with respect to x: (dy [n, k, oh, ow], w) → dx of {@code inputShape}. */
public record Conv2dBackwardDataOp(ConvParams params, Shape inputShape) implements Op {
    @Override
    public int arity() {
        return 2;
    }

    @Override
    public Shape inferShape(Shape... in) {
        Shape y = Conv2dOp.outputShape(this, params, inputShape, in[1]);
        if (!y.equals(in[0])) {
            throw mismatch("dy " + in[0], "dy of the forward output's shape " + y);
        }
        return inputShape;
    }
}

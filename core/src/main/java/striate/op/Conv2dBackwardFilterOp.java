package striate.op;

import striate.tensor.Shape;

/** Gradient of {@link Conv2dOp} with respect to w: (x, dy [n, k, oh, ow]) → dw of {@code weightShape}. */
public record Conv2dBackwardFilterOp(ConvParams params, Shape weightShape) implements Op {
    @Override
    public int arity() {
        return 2;
    }

    @Override
    public Shape inferShape(Shape... in) {
        Shape y = Conv2dOp.outputShape(this, params, in[0], weightShape);
        if (!y.equals(in[1])) {
            throw mismatch("dy " + in[1], "dy of the forward output's shape " + y);
        }
        return weightShape;
    }
}

package striate.op;

import striate.tensor.DType;
import striate.tensor.Shape;

/** Gradient of {@link CrossEntropyOp}: (logits [n, c], target [n], dy [n]) → dlogits = dy_i·(softmax − onehot). */
public record CrossEntropyBackwardOp() implements Op {
    @Override
    public int arity() {
        return 3;
    }

    @Override
    public Shape inferShape(Shape... in) {
        Shape loss = CrossEntropyOp.check(this, in[0], in[1]);
        if (!loss.equals(in[2])) {
            throw mismatch("dy " + in[2], "dy of shape " + loss);
        }
        return in[0];
    }

    @Override
    public DType inferType(DType... in) {
        return new CrossEntropyOp().inferType(in[0], in[1]);
    }
}

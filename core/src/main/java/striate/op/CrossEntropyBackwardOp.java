package striate.op;

import striate.tensor.DType;
import striate.tensor.Shape;

/**
 * Gradient of {@link CrossEntropyOp}: (logits [n, c], target [n], dy [n]) → dlogits = dy_i·(softmax − onehot), zero
 * rows where the target is {@code ignoreIndex} ({@link CrossEntropyOp#NO_IGNORE}: none).
 */
public record CrossEntropyBackwardOp(int ignoreIndex) implements Op {
    /** The gradient where every target must be a class index. */
    public CrossEntropyBackwardOp() {
        this(CrossEntropyOp.NO_IGNORE);
    }

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
    public String name() {
        return forward().name().replace("CrossEntropyOp", "CrossEntropyBackwardOp");
    }

    @Override
    public DType inferType(DType... in) {
        return CrossEntropyOp.checkTypes(this, in);
    }

    /** The forward op with the same ignored index: its index checks and messages. */
    public CrossEntropyOp forward() {
        return new CrossEntropyOp(ignoreIndex);
    }
}

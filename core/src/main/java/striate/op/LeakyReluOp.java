package striate.op;

import striate.tensor.DType;
import striate.tensor.Shape;

/**
 * LeakyReLU, fused: x → y of x's shape, y = x where x > 0, else slope·x (the slope in x's type, as a scalar tensor
 * of it would be). One pass, where the composed form (a step, a product and a where) takes three.
 */
public record LeakyReluOp(double slope) implements Op {
    public LeakyReluOp {
        if (!Double.isFinite(slope)) {
            throw new IllegalArgumentException("LeakyReluOp: slope must be finite, got " + slope);
        }
    }

    @Override
    public int arity() {
        return 1;
    }

    @Override
    public Shape inferShape(Shape... in) {
        return in[0];
    }

    @Override
    public DType inferType(DType... in) {
        requireFloating(in[0], "x");
        return in[0];
    }
}

package striate.op;

import striate.tensor.DType;
import striate.tensor.Shape;

/**
 * Gradient of {@link LeakyReluOp}, fused: (dy, x) of one shape → dx = dy where x > 0, else slope·dy. Linear in dy and
 * piecewise constant in x, so it has a backward rule of its own (itself, applied to the incoming gradient) and a
 * gradient penalty through a LeakyReLU critic differentiates it again.
 */
public record LeakyReluBackwardOp(double slope) implements Op {
    public LeakyReluBackwardOp {
        if (!Double.isFinite(slope)) {
            throw new IllegalArgumentException("LeakyReluBackwardOp: slope must be finite, got " + slope);
        }
    }

    @Override
    public int arity() {
        return 2;
    }

    @Override
    public Shape inferShape(Shape... in) {
        if (!in[0].equals(in[1])) {
            throw mismatch("dy " + in[0] + " for x " + in[1], "dy of x's shape " + in[1]);
        }
        return in[1];
    }

    @Override
    public DType inferType(DType... in) {
        return LstmCellOp.sameFloating(this, in, "dy", "x");
    }
}

package striate.op;

import striate.tensor.Shape;

/** Gradient of {@link KMaxPoolOp}: (x, dy) → dx, dy scattered back to the positions the forward kept. */
public record KMaxPoolBackwardOp(int axis, int k) implements Op {
    @Override
    public int arity() {
        return 2;
    }

    @Override
    public Shape inferShape(Shape... in) {
        Shape y = new KMaxPoolOp(axis, k).inferShape(in[0]);
        if (!y.equals(in[1])) {
            throw mismatch("dy " + in[1], "dy of the forward output's shape " + y);
        }
        return in[0];
    }
}

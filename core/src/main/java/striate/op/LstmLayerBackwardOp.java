package striate.op;

import striate.tensor.DType;
import striate.tensor.Shape;

/**
 * Gradient of {@link LstmLayerOp}, fused, backpropagation through time over the whole sequence: (dy [T·n·6h], y
 * [T·n·6h] the forward's output, whh [4h, h], c0 [n, h]) → [T·n·4h + 2nh]: dgates [T·n, 4h] (the gradient of the
 * gate pre-activations of every step, which is xg's and, summed over rows, bias's), then dh0 [n, h] and dc0 [n, h],
 * end to end. Only dy's H and C parts are read (A, the saved activations, carries no gradient). Walking the steps
 * backwards: dh_t = dH_t + dgates_{t+1}·whh, dc_t = dC_t + dc_{t+1}·σ(f_{t+1}), then the cell's gradients from the
 * saved activations and c_{t−1}. whh's gradient, dgatesᵀ·[h0; H] (shifted one step), is one product the autograd
 * rule takes from dgates. {@code reverse} and {@code zeroState} are the forward's.
 */
public record LstmLayerBackwardOp(boolean reverse, boolean zeroState) implements Op {
    @Override
    public int arity() {
        return 4;
    }

    @Override
    public Shape inferShape(Shape... in) {
        long[] tnh = check(this, in[0], in[1], in[2], in[3], "c0", 4, 6);
        return Shape.of(tnh[0] * tnh[1] * 4 * tnh[2] + 2 * tnh[1] * tnh[2]);
    }

    /**
     * Checks a recurrent layer's backward inputs (dy and y [T·n·width·h], whh [G·h, h], a state [n, h] named
     * {@code state}) for G gates and returns {T, n, h}.
     */
    static long[] check(Op op, Shape dy, Shape y, Shape whh, Shape state, String name, int gates, int width) {
        op.requireRank(state, 2, name + " [n, h]");
        long n = state.dim(0);
        long h = state.dim(1);
        if (!whh.equals(Shape.of(gates * h, h))) {
            throw op.mismatch("whh " + whh, "whh [" + gates * h + ", " + h + "] for " + name + " " + state);
        }
        long per = width * n * h;
        if (y.rank() != 1 || y.dim(0) == 0 || y.dim(0) % per != 0 || !dy.equals(y)) {
            throw op.mismatch("dy " + dy + " and y " + y, "dy and y [T·" + per + "] (the forward's output)");
        }
        return new long[] {y.dim(0) / per, n, h};
    }

    @Override
    public DType inferType(DType... in) {
        return LstmCellOp.sameFloating(this, in, "dy", "y", "whh", "c0");
    }
}

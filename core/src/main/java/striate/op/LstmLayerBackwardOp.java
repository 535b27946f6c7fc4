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
        requireRank(in[3], 2, "c0 [n, h]");
        long n = in[3].dim(0);
        long h = in[3].dim(1);
        if (!in[2].equals(Shape.of(4 * h, h))) {
            throw mismatch("whh " + in[2], "whh [" + 4 * h + ", " + h + "] for c0 " + in[3]);
        }
        if (in[1].rank() != 1 || in[1].dim(0) == 0 || in[1].dim(0) % (6 * n * h) != 0 || !in[0].equals(in[1])) {
            throw mismatch("dy " + in[0] + " and y " + in[1], "dy and y [T·" + 6 * n * h + "] (the forward's output)");
        }
        long steps = in[1].dim(0) / (6 * n * h);
        return Shape.of(steps * n * 4 * h + 2 * n * h);
    }

    @Override
    public DType inferType(DType... in) {
        return LstmCellOp.sameFloating(this, in, "dy", "y", "whh", "c0");
    }
}

package striate.op;

import striate.tensor.DType;
import striate.tensor.Shape;

/**
 * Gradient of {@link GruLayerOp}, fused, backpropagation through time over the whole sequence: (dy [T·n·7h], y
 * [T·n·7h] the forward's output, whh [3h, h], h0 [n, h]) → [2·T·n·3h + nh]: dxg [T·n, 3h] (the gradient of the input
 * side's pre-activations: xg's and, summed over rows, bih's), dhg [T·n, 3h] (of the hidden product h·whhᵀ + bhh: whh's
 * through one product with [h0; H] shifted one step, bhh's summed over rows), then dh0 [n, h], end to end. Only dy's
 * H part is read; {@code reverse} and {@code zeroState} are the forward's. Walking the steps backwards,
 * dh_t = dH_t + dhg_{t+1}·whh + z_{t+1}·dh_{t+1}.
 */
public record GruLayerBackwardOp(boolean reverse, boolean zeroState) implements Op {
    @Override
    public int arity() {
        return 4;
    }

    @Override
    public Shape inferShape(Shape... in) {
        requireRank(in[3], 2, "h0 [n, h]");
        long n = in[3].dim(0);
        long h = in[3].dim(1);
        if (!in[2].equals(Shape.of(3 * h, h))) {
            throw mismatch("whh " + in[2], "whh [" + 3 * h + ", " + h + "] for h0 " + in[3]);
        }
        if (in[1].rank() != 1 || in[1].dim(0) == 0 || in[1].dim(0) % (7 * n * h) != 0 || !in[0].equals(in[1])) {
            throw mismatch("dy " + in[0] + " and y " + in[1], "dy and y [T·" + 7 * n * h + "] (the forward's output)");
        }
        long steps = in[1].dim(0) / (7 * n * h);
        return Shape.of(2 * steps * n * 3 * h + n * h);
    }

    @Override
    public DType inferType(DType... in) {
        return LstmCellOp.sameFloating(this, in, "dy", "y", "whh", "h0");
    }
}

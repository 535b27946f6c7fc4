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
        long[] tnh = LstmLayerBackwardOp.check(this, in[0], in[1], in[2], in[3], "h0", 3, 7);
        return Shape.of(2 * tnh[0] * tnh[1] * 3 * tnh[2] + tnh[1] * tnh[2]);
    }

    @Override
    public DType inferType(DType... in) {
        return LstmCellOp.sameFloating(this, in, "dy", "y", "whh", "h0");
    }
}

package striate.op;

import striate.tensor.DType;
import striate.tensor.Shape;

/**
 * Gradient of {@link GruCellOp}, fused: (dy [n, h], xg [n, 3h], hg [n, 3h], h [n, h]) → [n·7h]: dxg [n, 3h]
 * (elements [0, 3nh)), dhg [n, 3h] ([3nh, 6nh)) and dh [n, h] ([6nh, 7nh)), end to end so each is a contiguous
 * view. The gates are recomputed from xg, hg and h, the forward's inputs.
 */
public record GruCellBackwardOp() implements Op {
    @Override
    public int arity() {
        return 4;
    }

    @Override
    public Shape inferShape(Shape... in) {
        long[] nh = GruCellOp.check(this, in[1], in[2], in[3]);
        if (!in[0].equals(in[3])) {
            throw mismatch("dy " + in[0], "dy of the forward output's shape " + in[3]);
        }
        return Shape.of(7 * nh[0] * nh[1]);
    }

    @Override
    public DType inferType(DType... in) {
        return LstmCellOp.sameFloating(this, in, "dy", "xg", "hg", "h");
    }
}

package striate.op;

import striate.tensor.DType;
import striate.tensor.Shape;

/**
 * Gradient of {@link BatchNormOp}, fused: (dy [n, c, ...], x [n, c, ...], mean [c], invstd [c], weight [c]) →
 * [x.size + 2c]: dx (x's shape, row-major), then dweight [c], then dbias [c], end to end. With x̂ = (x − mean)·invstd
 * and m = x.size / c: dbias = Σ dy, dweight = Σ dy·x̂ (sums per channel), and
 * dx = weight·invstd·(dy − dbias/m − x̂·dweight/m): one reduction over dy and x, then one elementwise pass.
 */
public record BatchNormBackwardOp() implements Op {
    @Override
    public int arity() {
        return 5;
    }

    @Override
    public Shape inferShape(Shape... in) {
        long c = BatchNormOp.channels(this, in[1], "x");
        if (!in[0].equals(in[1])) {
            throw mismatch("dy " + in[0] + " for x " + in[1], "dy of x's shape " + in[1]);
        }
        BatchNormOp.requireChannel(this, in[2], c, "mean");
        BatchNormOp.requireChannel(this, in[3], c, "invstd");
        BatchNormOp.requireChannel(this, in[4], c, "weight");
        return Shape.of(in[1].size() + 2 * c);
    }

    @Override
    public DType inferType(DType... in) {
        return LstmCellOp.sameFloating(this, in, "dy", "x", "mean", "invstd", "weight");
    }
}

package striate.op;

import striate.tensor.DType;
import striate.tensor.Shape;

/**
 * Training-mode batch normalization, fused (PyTorch's native_batch_norm with training=True): (x [n, c, ...],
 * weight [c], bias [c]) → [x.size + 2c]: y (x's shape, row-major, elements [0, x.size)), then the batch mean [c], then
 * the inverse standard deviation 1/√(σ² + eps) [c] with σ² the biased batch variance, laid end to end so each is a
 * contiguous view. y = (x − mean)·invstd·weight + bias per channel (axis 1), statistics over every other axis.
 * The mean and inverse std are what {@link BatchNormBackwardOp} reads; callers update running statistics from them,
 * detached: they carry no gradient (the backward rule reads only y's).
 */
public record BatchNormOp(double eps) implements Op {
    public BatchNormOp {
        if (!(eps >= 0)) {
            throw new IllegalArgumentException("BatchNormOp: eps must be >= 0, got " + eps);
        }
    }

    @Override
    public int arity() {
        return 3;
    }

    @Override
    public Shape inferShape(Shape... in) {
        long c = channels(this, in[0], "x");
        requireChannel(this, in[1], c, "weight");
        requireChannel(this, in[2], c, "bias");
        return Shape.of(in[0].size() + 2 * c);
    }

    @Override
    public DType inferType(DType... in) {
        return LstmCellOp.sameFloating(this, in, "x", "weight", "bias");
    }

    /** The channels of x [n, c, ...] (axis 1), naming the input when its rank is below 2. */
    static long channels(Op op, Shape x, String what) {
        if (x.rank() < 2) {
            throw op.mismatch(what + " of shape " + x, what + " [n, c, ...] of rank 2 or more");
        }
        return x.dim(1);
    }

    /** Checks that a per-channel input is [c]. */
    static void requireChannel(Op op, Shape s, long c, String what) {
        if (s.rank() != 1 || s.dim(0) != c) {
            throw op.mismatch(what + " of shape " + s, what + " [" + c + "]");
        }
    }
}

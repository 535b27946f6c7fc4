package striate.op;

import striate.tensor.DType;
import striate.tensor.Shape;

/**
 * One GRU step after its two products, fused (PyTorch's GRUCell): (xg [n, 3h] = x·W_ihᵀ + b_ih, hg [n, 3h] =
 * h·W_hhᵀ + b_hh, h [n, h]) → h' [n, h], in PyTorch's gate order r, z, n: r = σ(xg_r + hg_r), z = σ(xg_z + hg_z),
 * n = tanh(xg_n + r·hg_n), h' = (1 − z)·n + z·h. The two projections stay apart because r scales only hg_n.
 */
public record GruCellOp() implements Op {
    @Override
    public int arity() {
        return 3;
    }

    @Override
    public Shape inferShape(Shape... in) {
        long[] nh = check(this, in[0], in[1], in[2]);
        return Shape.of(nh[0], nh[1]);
    }

    @Override
    public DType inferType(DType... in) {
        return LstmCellOp.sameFloating(this, in, "xg", "hg", "h");
    }

    /** Checks xg [n, 3h] and hg [n, 3h] against h [n, h] and returns {n, h}. */
    static long[] check(Op op, Shape xg, Shape hg, Shape h) {
        op.requireRank(xg, 2, "xg [n, 3h]");
        op.requireRank(hg, 2, "hg [n, 3h]");
        op.requireRank(h, 2, "h [n, h]");
        Shape gates = Shape.of(h.dim(0), 3 * h.dim(1));
        if (!xg.equals(gates) || !hg.equals(gates)) {
            throw op.mismatch("xg " + xg + ", hg " + hg + " and h " + h, "xg [n, 3h], hg [n, 3h] and h [n, h]");
        }
        return new long[] {h.dim(0), h.dim(1)};
    }
}

package striate.op;

import striate.tensor.DType;
import striate.tensor.Shape;

/**
 * A whole GRU layer direction over its sequence, fused: (xg [T·n, 3h], whh [3h, h], bih [3h], bhh [3h], h0 [n, h]) →
 * [T·n·7h]: the hidden states H [T, n, h] (elements [0, Tnh)), then HG [T, n, 3h], each step's hg, then R [T, n, 3h],
 * each step's r, z and n (HG and R are what {@link GruLayerBackwardOp} reads; they carry no gradient), end to end.
 * xg is the input projection of
 * all T steps, x·W_ihᵀ, row t·n + b for step t and sequence b; each step computes hg = h_{t−1}·whhᵀ + bhh and, in
 * PyTorch's order r, z, n: r = σ(xg_r + bih_r + hg_r), z = σ(xg_z + bih_z + hg_z), n = tanh(xg_n + bih_n + r·hg_n),
 * h_t = (1 − z)·n + z·h_{t−1}, from h0 at the first step. {@code reverse}: the steps run from T − 1 down to 0; H stays
 * indexed by t. {@code zeroState}: the caller's promise that h0 is zero and needs no gradient (the zero initial
 * state), so the first step skips its hidden product and the backward op writes zeros for dh0.
 */
public record GruLayerOp(boolean reverse, boolean zeroState) implements Op {
    @Override
    public int arity() {
        return 5;
    }

    @Override
    public Shape inferShape(Shape... in) {
        long[] tnh = LstmLayerOp.check(this, in[0], in[1], in[2], in[4], null, 3);
        if (!in[3].equals(in[2])) {
            throw mismatch("bhh " + in[3], "bhh of bih's shape " + in[2]);
        }
        return Shape.of(7 * tnh[0] * tnh[1] * tnh[2]);
    }

    @Override
    public DType inferType(DType... in) {
        return LstmCellOp.sameFloating(this, in, "xg", "whh", "bih", "bhh", "h0");
    }
}

package striate.op;

import striate.tensor.DType;
import striate.tensor.Shape;

/**
 * A whole LSTM layer direction over its sequence, fused (what cuDNN's RNN forward does for one layer): (xg [T·n, 4h],
 * whh [4h, h], bias [4h], h0 [n, h], c0 [n, h]) → [T·n·6h]: the hidden states H [T, n, h] (elements [0, Tnh)), the cell
 * states C [T, n, h] (then [Tnh, 2Tnh)) and the activated gates A [T, n, 4h] (the rest), laid end to end so each is a
 * contiguous view. xg is the input projection of all T steps, x·W_ihᵀ, row t·n + b for step t and sequence b; each
 * step computes gates = xg_t + bias + h_{t−1}·whhᵀ (PyTorch's order i, f, g, o), c_t = σ(f)·c_{t−1} + σ(i)·tanh(g) and
 * h_t = σ(o)·tanh(c_t), from h0, c0 at the first step. {@code reverse}: the steps run from T − 1 down to 0 (the
 * backward direction of a bidirectional layer); H and C stay indexed by t. {@code zeroState}: the caller's promise that
 * h0 and c0 are zero and need no gradient (the zero initial state), so the first step skips its hidden product and
 * the backward op writes zeros for dh0 and dc0. A is what {@link LstmLayerBackwardOp} reads; it carries no gradient
 * (the backward rule reads only H's and C's parts of dy).
 */
public record LstmLayerOp(boolean reverse, boolean zeroState) implements Op {
    @Override
    public int arity() {
        return 5;
    }

    @Override
    public Shape inferShape(Shape... in) {
        long[] tnh = check(this, in[0], in[1], in[2], in[3], in[4], 4);
        return Shape.of(6 * tnh[0] * tnh[1] * tnh[2]);
    }

    @Override
    public DType inferType(DType... in) {
        return LstmCellOp.sameFloating(this, in, "xg", "whh", "bias", "h0", "c0");
    }

    /**
     * The time step that a layer direction over {@code steps} steps processes {@code s}-th: s, or steps − 1 − s when
     * it runs in {@code reverse} (for {@link LstmLayerOp}, {@link GruLayerOp} and their backward ops).
     */
    public static int stepAt(int s, int steps, boolean reverse) {
        return reverse ? steps - 1 - s : s;
    }

    /**
     * Checks a recurrent layer's (xg [T·n, G·h], whh [G·h, h], bias [G·h], h0 [n, h], c [n, h] or null) for G gates and
     * returns {T, n, h}.
     */
    static long[] check(Op op, Shape xg, Shape whh, Shape bias, Shape h0, Shape c0, int gates) {
        op.requireRank(h0, 2, "h0 [n, h]");
        long n = h0.dim(0);
        long h = h0.dim(1);
        String expected = "xg [T·" + n + ", " + gates * h + "], whh [" + gates * h + ", " + h + "], bias ["
                + gates * h + "]";
        if (xg.rank() != 2 || xg.dim(1) != gates * h || n == 0 || xg.dim(0) % n != 0 || xg.dim(0) == 0) {
            throw op.mismatch("xg " + xg + " for h0 " + h0, expected);
        }
        if (!whh.equals(Shape.of(gates * h, h))) {
            throw op.mismatch("whh " + whh, expected);
        }
        if (!bias.equals(Shape.of(gates * h))) {
            throw op.mismatch("bias " + bias, expected);
        }
        if (c0 != null && !c0.equals(h0)) {
            throw op.mismatch("c0 " + c0, "c0 of h0's shape " + h0);
        }
        return new long[] {xg.dim(0) / n, n, h};
    }
}

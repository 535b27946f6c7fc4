package striate.op;

import striate.tensor.DType;
import striate.tensor.Shape;

/**
 * One LSTM step's gates and cell update, fused (PyTorch's LSTMCell after its two products): (gates [n, 4h], c [n, h])
 * → [2, n, h] holding h' (index 0) and c' (index 1). The gates are pre-activations in PyTorch's order i, f, g, o
 * (x·W_ihᵀ + b_ih + h·W_hhᵀ + b_hh); i, f, o = σ, g = tanh, c' = f·c + i·g, h' = o·tanh(c'). Callers take h' and c'
 * as slice views of the result.
 */
public record LstmCellOp() implements Op {
    @Override
    public int arity() {
        return 2;
    }

    @Override
    public Shape inferShape(Shape... in) {
        long[] nh = check(this, in[0], in[1]);
        return Shape.of(2, nh[0], nh[1]);
    }

    @Override
    public DType inferType(DType... in) {
        return sameFloating(this, in, "gates", "c");
    }

    /** Checks gates [n, 4h] against c [n, h] and returns {n, h}. */
    static long[] check(Op op, Shape gates, Shape c) {
        op.requireRank(gates, 2, "gates [n, 4h]");
        op.requireRank(c, 2, "c [n, h]");
        if (gates.dim(0) != c.dim(0) || gates.dim(1) != 4 * c.dim(1)) {
            throw op.mismatch("gates " + gates + " and c " + c, "gates [n, 4h] and c [n, h]");
        }
        return new long[] {c.dim(0), c.dim(1)};
    }

    /** Every input has one floating type, which is returned; an error names the first that differs. */
    static DType sameFloating(Op op, DType[] in, String... names) {
        op.requireFloating(in[0], names[0]);
        for (int i = 1; i < in.length; i++) {
            if (in[i] != in[0]) {
                throw new IllegalArgumentException(op.name() + ": " + names[0] + " is " + in[0] + " but " + names[i]
                        + " is " + in[i] + "; cast one with tensor.to(dtype)");
            }
        }
        return in[0];
    }
}

package striate.nn;

import striate.op.LstmLayerOp;
import striate.tensor.Rng;
import striate.tensor.Tensor;

/**
 * Long short-term memory (Hochreiter &amp; Schmidhuber, 1997, with the forget gate of Gers et al., 2000), PyTorch's
 * LSTM: per step, gates = x·W_ihᵀ + b_ih + h·W_hhᵀ + b_hh [n, 4h] in the order i, f, g, o; c' = σ(f)·c + σ(i)·tanh(g),
 * h' = σ(o)·tanh(c'). Shapes, parameters, options, states and variable lengths are {@link RNNBase}'s, with 4 gates
 * and a cell state c beside h. Over full-length sequences a direction is one fused op ({@link LstmLayerOp}: per step
 * one GEMM h·W_hhᵀ into the gates and the fused cell); over variable lengths both biases are added to the input
 * projection once for all steps and each step is one GEMM (h·W_hhᵀ), one add and the fused cell op
 * ({@link Functional#lstmCell}).
 */
public final class LSTM extends RNNBase {
    /** One layer, one direction, PyTorch's defaults otherwise. */
    public LSTM(long inputSize, long hiddenSize, Rng rng) {
        this(inputSize, hiddenSize, Options.defaults(), rng);
    }

    public LSTM(long inputSize, long hiddenSize, Options options, Rng rng) {
        super(4, inputSize, hiddenSize, options, rng);
    }

    @Override
    Tensor projectionBias(Weights w) {
        return w.bih() == null ? null : w.bih().add(w.bhh()); // [4h]
    }

    /** The whole direction as one {@link LstmLayerOp}: [T·n·6h] holding H, C and the saved gates. */
    @Override
    Walk layer(Tensor flat, Weights w, Carry s, boolean reverse, long n) {
        Tensor xg = flat.matmul(w.wih(), false, true); // [T·n, 4h], every step in one GEMM
        long h = hiddenSize();
        Tensor bias = w.bih() == null ? Tensor.zeros(xg.device(), xg.dtype(), 4 * h) : w.bih().add(w.bhh()); // [4h]
        Tensor y = Tensor.apply(new LstmLayerOp(reverse, s.zero()), xg, w.whh(), bias, s.h(), s.c());
        return fusedWalk(y, xg.dim(0) / n, n, h, reverse, true);
    }

    @Override
    Carry step(Tensor xg, Carry s, Weights w) {
        Tensor hw = s.hidden(w); // [n, 4h]
        Tensor gates = hw == null ? xg : xg.add(hw);
        Functional.LstmState next = Functional.lstmCell(gates, s.c());
        return new Carry(next.h(), next.c());
    }

    @Override
    boolean hasCell() {
        return true;
    }
}

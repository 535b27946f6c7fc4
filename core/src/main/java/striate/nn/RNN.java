package striate.nn;

import java.util.Objects;
import striate.tensor.Rng;
import striate.tensor.Tensor;

/**
 * The simple (Elman) recurrent layer, PyTorch's RNN: per step h' = φ(x·W_ihᵀ + b_ih + h·W_hhᵀ + b_hh) with φ tanh
 * (the default) or ReLU. Shapes, parameters, options, states and variable lengths are {@link RNNBase}'s, with one
 * gate. Both biases are added to the input projection once for all steps; each step is one GEMM, one add and φ.
 */
public final class RNN extends RNNBase {
    /** PyTorch's nonlinearity argument. */
    public enum Nonlinearity {
        TANH,
        RELU
    }

    private final Nonlinearity nonlinearity;

    /** One tanh layer, one direction, PyTorch's defaults otherwise. */
    public RNN(long inputSize, long hiddenSize, Rng rng) {
        this(inputSize, hiddenSize, Nonlinearity.TANH, Options.defaults(), rng);
    }

    public RNN(long inputSize, long hiddenSize, Nonlinearity nonlinearity, Options options, Rng rng) {
        super(1, inputSize, hiddenSize, options, rng);
        this.nonlinearity = Objects.requireNonNull(nonlinearity, "RNN: nonlinearity");
    }

    public Nonlinearity nonlinearity() {
        return nonlinearity;
    }

    @Override
    Tensor projectionBias(Weights w) {
        return w.bih() == null ? null : w.bih().add(w.bhh()); // [h]
    }

    @Override
    Carry step(Tensor xg, Carry s, Weights w) {
        Tensor hw = s.hidden(w); // [n, h]
        Tensor pre = hw == null ? xg : xg.add(hw);
        return new Carry(nonlinearity == Nonlinearity.TANH ? pre.tanh() : pre.relu(), null);
    }

    @Override
    boolean hasCell() {
        return false;
    }

    @Override
    String extraRepr() {
        return nonlinearity == Nonlinearity.TANH ? "" : ", nonlinearity=relu";
    }
}

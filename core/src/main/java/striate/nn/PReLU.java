package striate.nn;

import striate.tensor.DType;
import striate.tensor.Device;
import striate.tensor.Tensor;

/**
 * Parametric ReLU (He et al., 2015): x where x > 0, else a·x, with the slope a learned. Parameter "weight" is
 * [numParameters]: 1 (one slope shared by all) or c (one per channel, along axis 1 of x [n, c, ...]).
 * PyTorch's defaults: one slope, initialized to 0.25.
 */
public final class PReLU extends Module {
    private final Parameter weight;

    public PReLU() {
        this(1, 0.25);
    }

    public PReLU(long numParameters) {
        this(numParameters, 0.25);
    }

    /** {@code numParameters} slopes, float32, each set to {@code init}. */
    public PReLU(long numParameters, double init) {
        this(Tensor.full(Device.reference(), DType.F32, init, checkCount(numParameters)));
    }

    /** A layer with this weight [1] or [c] as its initial slopes. */
    public PReLU(Tensor weight) {
        if (weight.rank() != 1 || weight.dim(0) < 1) {
            throw new IllegalArgumentException("PReLU: weight must be [1] or [c], got " + weight.shape());
        }
        this.weight = registerParameter("weight", weight);
    }

    private static long checkCount(long numParameters) {
        if (numParameters < 1) {
            throw new IllegalArgumentException("PReLU: numParameters must be >= 1, got " + numParameters);
        }
        return numParameters;
    }

    public Parameter weight() {
        return weight;
    }

    @Override
    public Tensor forward(Tensor x) {
        return Activations.prelu(x, weight.value());
    }

    @Override
    public String toString() {
        return "PReLU(" + weight.value().dim(0) + ")";
    }
}

package striate.nn;

import striate.tensor.Tensor;

/** Leaky ReLU (Maas et al., 2013): x where x > 0, else slope·x, elementwise; any shape. Default slope 0.01. */
public final class LeakyReLU extends Module {
    private final double slope;

    public LeakyReLU() {
        this(0.01);
    }

    public LeakyReLU(double slope) {
        this.slope = slope;
    }

    public double slope() {
        return slope;
    }

    @Override
    public Tensor forward(Tensor x) {
        return Activations.leakyRelu(x, slope);
    }

    @Override
    public String toString() {
        return "LeakyReLU(" + slope + ")";
    }
}

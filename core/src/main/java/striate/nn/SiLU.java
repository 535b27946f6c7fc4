package striate.nn;

import striate.tensor.Tensor;

/** Sigmoid-weighted linear unit (SiLU, swish): x·sigmoid(x), elementwise; any shape. */
public final class SiLU extends Module {
    @Override
    public Tensor forward(Tensor x) {
        return Activations.silu(x);
    }

    @Override
    public String toString() {
        return "SiLU";
    }
}

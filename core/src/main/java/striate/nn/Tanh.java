package striate.nn;

import striate.tensor.Tensor;

/** Hyperbolic tangent, elementwise; any shape (PyTorch's Tanh). */
public final class Tanh extends Module {
    @Override
    public Tensor forward(Tensor x) {
        return Activations.tanh(x);
    }
}

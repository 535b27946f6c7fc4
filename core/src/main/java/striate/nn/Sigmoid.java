package striate.nn;

import striate.tensor.Tensor;

/** Logistic sigmoid, 1 / (1 + e^−x), elementwise; any shape (PyTorch's Sigmoid). */
public final class Sigmoid extends Module {
    @Override
    public Tensor forward(Tensor x) {
        return Activations.sigmoid(x);
    }
}

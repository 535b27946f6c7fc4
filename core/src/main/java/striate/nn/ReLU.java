package striate.nn;

import striate.tensor.Tensor;

/** Rectified linear unit, max(x, 0), elementwise; any shape (PyTorch's ReLU). */
public final class ReLU extends Module {
    @Override
    public Tensor forward(Tensor x) {
        return Activations.relu(x);
    }
}

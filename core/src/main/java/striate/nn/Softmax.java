package striate.nn;

import striate.tensor.Tensor;

/** Softmax along one axis, e^x / Σ e^x, computed stably; any shape (PyTorch's Softmax(dim)). */
public final class Softmax extends Module {
    private final int axis;

    /** Normalizes along {@code axis}; negative axes count from the end (1 for logits [n, c]). */
    public Softmax(int axis) {
        this.axis = axis;
    }

    public int axis() {
        return axis;
    }

    @Override
    public Tensor forward(Tensor x) {
        return Activations.softmax(x, axis);
    }

    @Override
    public String toString() {
        return "Softmax(axis=" + axis + ")";
    }
}

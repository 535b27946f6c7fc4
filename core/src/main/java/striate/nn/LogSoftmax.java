package striate.nn;

import striate.tensor.Tensor;

/**
 * Log-softmax along one axis, x − log Σ e^x, computed stably; any shape (PyTorch's LogSoftmax(dim)). For
 * training a classifier, {@link Losses#crossEntropy} on raw logits does this fused with the loss.
 */
public final class LogSoftmax extends Module {
    private final int axis;

    /** Normalizes along {@code axis}; negative axes count from the end (1 for logits [n, c]). */
    public LogSoftmax(int axis) {
        this.axis = axis;
    }

    public int axis() {
        return axis;
    }

    @Override
    public Tensor forward(Tensor x) {
        return Activations.logSoftmax(x, axis);
    }

    @Override
    public String toString() {
        return "LogSoftmax(axis=" + axis + ")";
    }
}

package striate.nn;

import striate.tensor.Tensor;

/** x clamped to [min, max] (default [−1, 1]), elementwise; any shape. */
public final class Hardtanh extends Module {
    private final double min;
    private final double max;

    public Hardtanh() {
        this(-1, 1);
    }

    public Hardtanh(double min, double max) {
        Activations.checkHardtanh(min, max);
        this.min = min;
        this.max = max;
    }

    @Override
    public Tensor forward(Tensor x) {
        return Activations.hardtanh(x, min, max);
    }

    @Override
    public String toString() {
        return "Hardtanh(min=" + min + ", max=" + max + ")";
    }
}

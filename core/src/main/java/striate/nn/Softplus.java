package striate.nn;

import striate.tensor.Tensor;

/** log(1 + e^(βx))/β, linear where βx > threshold, elementwise; any shape. Defaults beta 1, threshold 20 (PyTorch's). */
public final class Softplus extends Module {
    private final double beta;
    private final double threshold;

    public Softplus() {
        this(1, 20);
    }

    public Softplus(double beta, double threshold) {
        Activations.checkSoftplus(beta, threshold);
        this.beta = beta;
        this.threshold = threshold;
    }

    @Override
    public Tensor forward(Tensor x) {
        return Activations.softplus(x, beta, threshold);
    }

    @Override
    public String toString() {
        return "Softplus(beta=" + beta + ", threshold=" + threshold + ")";
    }
}

package striate.nn;

import striate.tensor.ShapeMismatchException;
import striate.tensor.Tensor;

/**
 * Local response normalization across channels, PyTorch's LocalResponseNorm (Krizhevsky et al., 2012):
 * x [n, c, ...] → y of the same shape, y_c = x_c / (k + alpha/size · Σ x_j²)^beta over a window of
 * {@code size} neighbouring channels, zero padded. AlexNet uses size 5, alpha 1e-4, beta 0.75, k 2.
 */
public final class LocalResponseNorm extends Module {
    private final int size;
    private final double alpha;
    private final double beta;
    private final double k;

    /** PyTorch's defaults: alpha 1e-4, beta 0.75, k 1. */
    public LocalResponseNorm(int size) {
        this(size, 1e-4, 0.75, 1);
    }

    public LocalResponseNorm(int size, double alpha, double beta, double k) {
        if (size < 1) {
            throw new IllegalArgumentException("LocalResponseNorm: size must be >= 1, got " + size);
        }
        this.size = size;
        this.alpha = alpha;
        this.beta = beta;
        this.k = k;
    }

    @Override
    public Tensor forward(Tensor x) {
        if (x.rank() < 3) {
            throw new ShapeMismatchException(toString(), "input of shape " + x.shape(), "[n, c, h, w] (rank >= 3)");
        }
        return Functional.localResponseNorm(x, size, alpha, beta, k);
    }

    @Override
    public String toString() {
        return "LocalResponseNorm(" + size + ", alpha=" + alpha + ", beta=" + beta + ", k=" + k + ")";
    }
}

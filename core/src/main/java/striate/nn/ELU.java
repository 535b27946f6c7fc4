package striate.nn;

import striate.tensor.Tensor;

/**
 * Exponential linear unit (Clevert et al., 2016): x where x > 0, else alpha·(e^x − 1), elementwise; any shape.
 * Default alpha 1.
 */
public final class ELU extends Module {
    private final double alpha;

    public ELU() {
        this(1.0);
    }

    public ELU(double alpha) {
        if (!Double.isFinite(alpha)) {
            throw new IllegalArgumentException("ELU: alpha must be finite, got " + alpha);
        }
        this.alpha = alpha;
    }

    public double alpha() {
        return alpha;
    }

    @Override
    public Tensor forward(Tensor x) {
        return Activations.elu(x, alpha);
    }

    @Override
    public String toString() {
        return "ELU(" + alpha + ")";
    }
}

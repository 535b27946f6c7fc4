package striate.nn;

import striate.tensor.Tensor;

/**
 * Scaled exponential linear unit (Klambauer et al., 2017): scale·(x where x > 0, else alpha·(e^x − 1)) with
 * alpha ≈ 1.6733 and scale ≈ 1.0507, elementwise; any shape.
 */
public final class SELU extends Module {
    @Override
    public Tensor forward(Tensor x) {
        return Activations.selu(x);
    }

    @Override
    public String toString() {
        return "SELU";
    }
}

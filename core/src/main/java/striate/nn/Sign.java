package striate.nn;

import striate.tensor.Tensor;

/** Sign of x (−1, 0 or 1), elementwise; any shape. Passes no gradient (zero almost everywhere). */
public final class Sign extends Module {
    @Override
    public Tensor forward(Tensor x) {
        return Activations.sign(x);
    }
}

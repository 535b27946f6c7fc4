package striate.nn;

import striate.tensor.Tensor;

/** Heaviside step, 1 where x > 0 else 0, elementwise; any shape. The perceptron's threshold; passes no gradient. */
public final class Step extends Module {
    @Override
    public Tensor forward(Tensor x) {
        return Activations.step(x);
    }
}

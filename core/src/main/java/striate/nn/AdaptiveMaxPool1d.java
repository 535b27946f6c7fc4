package striate.nn;

import striate.tensor.Tensor;

/**
 * Max-over-time pooling, PyTorch's AdaptiveMaxPool1d with output size 1 (the only size built): x [n, c, l] →
 * y [n, c, 1], each channel's largest value over the whole length, whatever l is (Collobert et al. 2011, Kim 2014).
 * It is the max reduction ({@link Functional#adaptiveMaxPool1d}); ties share the gradient equally.
 */
public final class AdaptiveMaxPool1d extends Module {
    public AdaptiveMaxPool1d(int outputSize) {
        Functional.checkAdaptiveOutputSize(outputSize);
    }

    @Override
    public Tensor forward(Tensor x) {
        return Functional.adaptiveMaxPool1d(x, 1);
    }

    @Override
    public String toString() {
        return "AdaptiveMaxPool1d(output_size=1)";
    }
}

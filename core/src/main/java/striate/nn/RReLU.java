package striate.nn;

import java.util.Objects;
import striate.tensor.Rng;
import striate.tensor.Tensor;

/**
 * Randomized leaky ReLU (Xu et al., 2015): x where x > 0, else a·x. In training each element's slope a is
 * drawn uniformly from [lower, upper), with a fresh seed from {@code rng} on every forward; in evaluation a is
 * fixed at (lower + upper) / 2. PyTorch's defaults: lower 1/8, upper 1/3. Any shape.
 */
public final class RReLU extends Module {
    private final double lower;
    private final double upper;
    private final Rng rng;

    public RReLU(Rng rng) {
        this(Activations.RRELU_LOWER, Activations.RRELU_UPPER, rng);
    }

    public RReLU(double lower, double upper, Rng rng) {
        Activations.checkRReluBounds(lower, upper);
        this.lower = lower;
        this.upper = upper;
        this.rng = registerRng("rng", Objects.requireNonNull(rng, "RReLU: rng (the source of training seeds)"));
    }

    public double lower() {
        return lower;
    }

    public double upper() {
        return upper;
    }

    @Override
    public Tensor forward(Tensor x) {
        long seed = isTraining() ? rng.nextLong() : 0;
        return Activations.rrelu(x, lower, upper, isTraining(), seed);
    }

    @Override
    public String toString() {
        return "RReLU(" + lower + ", " + upper + ")";
    }
}

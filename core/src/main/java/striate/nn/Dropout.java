package striate.nn;

import java.util.Objects;
import striate.tensor.Rng;
import striate.tensor.Tensor;

/**
 * Inverted dropout, PyTorch's Dropout (Srivastava et al., 2014): in training each element is zeroed with
 * probability p and the kept ones are scaled by 1/(1 − p), with a fresh seed from {@code rng} on every forward;
 * identity in evaluation. Any shape.
 */
public final class Dropout extends Module {
    private final double p;
    private final Rng rng;

    /** p = 0.5, PyTorch's default. */
    public Dropout(Rng rng) {
        this(0.5, rng);
    }

    public Dropout(double p, Rng rng) {
        Functional.checkDropout(p);
        this.p = p;
        this.rng = registerRng("rng", Objects.requireNonNull(rng, "Dropout: rng (the source of training seeds)"));
    }

    public double p() {
        return p;
    }

    @Override
    public Tensor forward(Tensor x) {
        long seed = isTraining() ? rng.nextLong() : 0;
        return Functional.dropout(x, p, isTraining(), seed);
    }

    @Override
    public String toString() {
        return "Dropout(p=" + p + ")";
    }
}

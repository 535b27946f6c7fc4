package striate.nn;

import java.util.Objects;
import striate.tensor.Rng;
import striate.tensor.Tensor;

/**
 * Channel dropout, PyTorch's Dropout2d: in training each whole channel of each sample of x [n, c, ...] is zeroed with
 * probability p and the kept ones are scaled by 1/(1 − p), with a fresh seed from {@code rng} on every forward;
 * identity in evaluation ({@link Functional#dropout2d}).
 */
public final class Dropout2d extends Module {
    private final double p;
    private final Rng rng;

    /** p = 0.5, PyTorch's default. */
    public Dropout2d(Rng rng) {
        this(0.5, rng);
    }

    public Dropout2d(double p, Rng rng) {
        Functional.checkDropout(p);
        this.p = p;
        this.rng = registerRng("rng", Objects.requireNonNull(rng, "Dropout2d: rng (the source of training seeds)"));
    }

    public double p() {
        return p;
    }

    @Override
    public Tensor forward(Tensor x) {
        long seed = isTraining() ? rng.nextLong() : 0;
        return Functional.dropout2d(x, p, isTraining(), seed);
    }

    @Override
    public String toString() {
        return "Dropout2d(p=" + p + ")";
    }
}

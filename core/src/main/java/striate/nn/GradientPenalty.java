package striate.nn;

import java.util.Arrays;
import java.util.List;
import java.util.function.Function;
import striate.autograd.GradMode;
import striate.autograd.Tape;
import striate.tensor.Rng;
import striate.tensor.Shape;
import striate.tensor.ShapeMismatchException;
import striate.tensor.Tensor;

/**
 * WGAN-GP's gradient penalty (Gulrajani et al. 2017, "Improved Training of Wasserstein GANs"):
 * mean over the batch of (‖∇x̂ critic(x̂)‖₂ − 1)², x̂ = ε·real + (1 − ε)·fake with ε ~ U[0, 1) drawn per sample,
 * the norm over all of a sample's non-batch axes. real and fake are [n, ...] of one shape; the critic maps
 * [n, ...] to one score per sample ([n, 1] or [n]). The result is a scalar, recorded so that backward() reaches the
 * critic's parameters (a gradient of a gradient: {@link Tape#grad} with createGraph); λ is the caller's to apply.
 * Under {@link GradMode#off()} the critic's forward is still recorded (the gradient needs it) and the penalty comes
 * back as a plain value.
 * A sample whose gradient is exactly zero gets norm 0 and a zero subgradient, as PyTorch's norm gives, with no ε.
 */
public final class GradientPenalty {
    private GradientPenalty() {
    }

    /** The penalty of a critic module; see {@link #of(Function, Tensor, Tensor, Rng)}. */
    public static Tensor of(Module critic, Tensor real, Tensor fake, Rng rng) {
        return of(critic::forward, real, fake, rng);
    }

    /**
     * The penalty of any critic function (a conditional critic closes over its labels). ε is drawn from {@code rng}
     * (one draw: the seed of the batch's n uniform values); real and fake are not differentiated (fake is detached
     * here whether or not the caller did).
     */
    public static Tensor of(Function<Tensor, Tensor> critic, Tensor real, Tensor fake, Rng rng) {
        if (!real.shape().equals(fake.shape()) || real.rank() < 2) {
            throw new ShapeMismatchException("GradientPenalty", "real " + real.shape() + " and fake " + fake.shape(),
                    "two batches [n, ...] of one shape");
        }
        long n = real.dim(0);
        long[] perSample = new long[real.rank()]; // [n, 1, ..., 1]
        Arrays.fill(perSample, 1);
        perSample[0] = n;
        Tensor xHat;
        try (GradMode.Scope off = GradMode.off()) {
            Tensor eps = Tensor.rand(real.device(), real.dtype(), Shape.of(perSample), 0, 1, rng.nextLong());
            xHat = eps.mul(real).add(eps.affine(-1, 1).mul(fake)); // [n, ...]
        }
        xHat.requiresGrad(true);
        boolean recorded = GradMode.isEnabled();
        Tensor g;
        try (GradMode.Scope on = GradMode.on()) { // the gradient needs the critic's graph, whatever the caller's mode
            Tensor score = critic.apply(xHat);
            if (score.rank() == 0 || score.dim(0) != n || score.size() != n) {
                throw new ShapeMismatchException("GradientPenalty", "critic output " + score.shape() + " for " + n
                        + " samples", "one score per sample, [" + n + ", 1] or [" + n + "]");
            }
            Tensor ones = Tensor.full(score.device(), score.dtype(), 1, score.shape().dims());
            g = Tape.grad(score, ones, List.of(xHat), recorded).get(0); // [n, ...]
        }
        int[] sampleAxes = new int[real.rank() - 1];
        for (int a = 0; a < sampleAxes.length; a++) {
            sampleAxes[a] = a + 1;
        }
        Tensor squares = g.square().sum(sampleAxes, false); // [n]
        return norm(squares).affine(1, -1).square().mean();
    }

    /**
     * √s where s > 0, else 0 with a zero gradient: the square root is taken of 1 where s = 0, so its derivative
     * (1 / 2√s) stays finite there and the where passes none of it.
     */
    private static Tensor norm(Tensor s) {
        Tensor positive = s.detach().step(); // [n], 1 where s > 0
        Tensor one = s.scalarLike(1);
        return Tensor.where(positive, Tensor.where(positive, s, one).sqrt(), s.scalarLike(0));
    }
}

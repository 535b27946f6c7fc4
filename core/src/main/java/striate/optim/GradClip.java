package striate.optim;

import java.util.Collection;
import striate.autograd.GradMode;
import striate.nn.Parameter;
import striate.tensor.Tensor;

/**
 * Gradient clipping by global norm, PyTorch's clip_grad_norm_: the norm of all gradients together, as if they were
 * one vector, and when it exceeds maxNorm every gradient scaled by maxNorm / (norm + 1e-6), so their directions and
 * proportions are kept. The norm is reduced on the gradients' device (a scalar per gradient, summed there); only the
 * total is read back. For recurrent nets, call it between backward and the optimizer's step:
 * <pre>{@code
 * loss.backward();
 * double norm = GradClip.clipGradNorm(model.parameters(), 1.0);
 * optimizer.step();
 * }</pre>
 */
public final class GradClip {
    /** Added to the norm before dividing, as in PyTorch. */
    public static final double EPS = 1e-6;

    private GradClip() {
    }

    /** Clips by the Euclidean (2-)norm; returns the total norm before clipping. */
    public static double clipGradNorm(Collection<Parameter> parameters, double maxNorm) {
        return clipGradNorm(parameters, maxNorm, 2);
    }

    /**
     * Clips by the p-norm (Σ|g|^p)^(1/p) of all gradients ({@code normType} p > 0, or
     * {@code Double.POSITIVE_INFINITY} for the largest |g|); returns the total norm before clipping. Parameters
     * without a gradient are skipped (0 when none has one). Each clipped gradient is replaced by its scaled copy.
     * A total norm that is NaN or infinite is returned and the gradients are left as they are: the caller decides
     * (skip the step, stop).
     */
    public static double clipGradNorm(Collection<Parameter> parameters, double maxNorm, double normType) {
        if (!(maxNorm >= 0) || Double.isInfinite(maxNorm)) {
            throw new IllegalArgumentException("clipGradNorm: maxNorm must be finite and >= 0, got " + maxNorm);
        }
        if (!(normType > 0)) {
            throw new IllegalArgumentException("clipGradNorm: normType must be > 0 (2 for Euclidean, "
                    + "Double.POSITIVE_INFINITY for the largest magnitude), got " + normType);
        }
        boolean max = Double.isInfinite(normType);
        try (GradMode.Scope off = GradMode.off()) {
            Tensor total = null; // scalar on the first gradient's device and type: Σ|g|^p, or max |g|
            for (Parameter p : parameters) {
                Tensor g = p.grad();
                if (g == null) {
                    continue;
                }
                Tensor part = max ? g.abs().max(new int[0], false) : power(g, normType).sum();
                if (total != null) {
                    part = part.to(total.device()).to(total.dtype());
                }
                total = total == null ? part : max ? total.maximum(part) : total.add(part);
            }
            if (total == null) {
                return 0;
            }
            double norm = max ? total.item() : Math.pow(total.item(), 1 / normType);
            double scale = maxNorm / (norm + EPS);
            if (Double.isFinite(norm) && scale < 1) {
                for (Parameter p : parameters) {
                    if (p.grad() != null) {
                        p.value().setGrad(p.grad().mul(scale));
                    }
                }
            }
            return norm;
        }
    }

    /** |g|^p elementwise: g² for p = 2, the common case, |g| for p = 1. */
    private static Tensor power(Tensor g, double p) {
        return p == 2 ? g.square() : p == 1 ? g.abs() : g.abs().pow(p);
    }
}

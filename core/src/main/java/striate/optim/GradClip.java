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
        check(maxNorm, normType);
        boolean max = Double.isInfinite(normType);
        try (GradMode.Scope off = GradMode.off()) {
            Tensor total = total(parameters, normType);
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

    /**
     * {@link #clipGradNorm(Collection, double, double)} without reading anything back: the norm, the factor
     * min(1, maxNorm / (norm + 1e-6)) (1 where the norm is NaN or infinite, so such gradients are left as they are)
     * and the scaling all stay on the gradients' device, so a step that clips neither waits for the device nor stops a
     * graph capture (PyTorch's clip_grad_norm_ keeps its norm on the device too). Every gradient is replaced by its
     * product with the factor (times 1 when not clipped: the same values). Returns the total norm, a scalar on the
     * first gradient's device, or null when no parameter has a gradient.
     */
    public static Tensor clipGradNormOnDevice(Collection<Parameter> parameters, double maxNorm, double normType) {
        check(maxNorm, normType);
        try (GradMode.Scope off = GradMode.off()) {
            Tensor total = total(parameters, normType);
            if (total == null) {
                return null;
            }
            Tensor norm = Double.isInfinite(normType) ? total : total.pow(1 / normType);
            Tensor scale = norm.scalarLike(maxNorm).div(norm.add(EPS));
            Tensor clips = norm.lt(norm.scalarLike(Double.POSITIVE_INFINITY))  // 0 for NaN and infinity
                    .mul(scale.lt(scale.scalarLike(1)));
            Tensor factor = Tensor.where(clips, scale, scale.scalarLike(1));
            for (Parameter p : parameters) {
                Tensor g = p.grad();
                if (g != null) {
                    p.value().setGrad(g.mul(factor.to(g.device()).to(g.dtype())));
                }
            }
            return norm;
        }
    }

    private static void check(double maxNorm, double normType) {
        if (!(maxNorm >= 0) || Double.isInfinite(maxNorm)) {
            throw new IllegalArgumentException("clipGradNorm: maxNorm must be finite and >= 0, got " + maxNorm);
        }
        if (!(normType > 0)) {
            throw new IllegalArgumentException("clipGradNorm: normType must be > 0 (2 for Euclidean, "
                    + "Double.POSITIVE_INFINITY for the largest magnitude), got " + normType);
        }
    }

    /** Σ|g|^p (or max |g| for p = ∞) over every gradient, a scalar on the first gradient's device; null for none. */
    private static Tensor total(Collection<Parameter> parameters, double normType) {
        boolean max = Double.isInfinite(normType);
        Tensor total = null;
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
        return total;
    }

    /** |g|^p elementwise: g² for p = 2, the common case, |g| for p = 1. */
    private static Tensor power(Tensor g, double p) {
        return p == 2 ? g.square() : p == 1 ? g.abs() : g.abs().pow(p);
    }
}

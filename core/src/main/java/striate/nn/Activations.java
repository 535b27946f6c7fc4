package striate.nn;

import java.util.Arrays;
import striate.op.LeakyReluOp;
import striate.tensor.ShapeMismatchException;
import striate.tensor.Tensor;

/**
 * Activation functions in functional form, composed from tensor ops so autograd differentiates them (LeakyReLU is
 * one fused op, {@link LeakyReluOp}, whose backward op differentiates again). All are
 * elementwise and keep the input's shape, except {@link #maxout} ([n, c·pieces, ...] → [n, c, ...]) and the
 * softmaxes (normalized along one axis). Piecewise functions choose their branch with {@code x > 0} (so x = 0
 * takes the negative branch, as in PyTorch), and keep the unused branch finite so no NaN leaks into the
 * gradient. References: leaky ReLU, Maas et al. (2013); PReLU, He et al. (2015); RReLU, Xu et al. (2015);
 * ELU, Clevert et al. (2016); maxout, Goodfellow et al. (2013).
 */
public final class Activations {
    /** PyTorch's default bounds of RReLU's random negative slope. */
    public static final double RRELU_LOWER = 1.0 / 8;
    public static final double RRELU_UPPER = 1.0 / 3;

    private Activations() {
    }

    /** 1 / (1 + e^−x). */
    public static Tensor sigmoid(Tensor x) {
        return x.sigmoid();
    }

    public static Tensor tanh(Tensor x) {
        return x.tanh();
    }

    /** max(x, 0). */
    public static Tensor relu(Tensor x) {
        return x.relu();
    }

    /** x where x > 0, else slope·x, in one pass ({@link LeakyReluOp}). */
    public static Tensor leakyRelu(Tensor x, double slope) {
        return Tensor.apply(new LeakyReluOp(slope), x);
    }

    /**
     * x where x > 0, else weight·x, with a learned slope: weight [1] (one slope for all) or [c] (one per channel,
     * broadcast along axis 1 of x [n, c, ...], as in PyTorch).
     */
    public static Tensor prelu(Tensor x, Tensor weight) {
        if (weight.dtype() != x.dtype()) {
            throw new IllegalArgumentException("Activations.prelu: weight has type " + weight.dtype()
                    + ", expected " + x.dtype() + " like the input (cast one with tensor.to(dtype))");
        }
        Tensor slope;
        if (weight.rank() == 1 && weight.dim(0) == 1) {
            slope = weight.reshape(); // a scalar: broadcasts against any x
        } else if (weight.rank() == 1 && x.rank() >= 2 && weight.dim(0) == x.dim(1)) {
            long[] dims = new long[x.rank() - 1]; // [c, 1, ...]: lines up with axis 1 of x
            Arrays.fill(dims, 1);
            dims[0] = weight.dim(0);
            slope = weight.reshape(dims);
        } else {
            throw new ShapeMismatchException("Activations.prelu", "weight " + weight.shape() + " for input "
                    + x.shape(), "weight [1] or [" + (x.rank() >= 2 ? Long.toString(x.dim(1)) : "c")
                    + "] (one slope per channel along axis 1)");
        }
        return Tensor.where(x.step(), x, x.mul(slope));
    }

    /**
     * Randomized leaky ReLU. Training: x where x > 0, else a·x with a drawn per element uniformly from
     * [lower, upper) by {@link Tensor#rand} with {@code seed} (the same seed gives the same slopes). Evaluation:
     * the fixed slope (lower + upper) / 2.
     */
    public static Tensor rrelu(Tensor x, double lower, double upper, boolean training, long seed) {
        checkRReluBounds(lower, upper);
        if (!training) {
            return leakyRelu(x, (lower + upper) / 2);
        }
        Tensor slopes = Tensor.rand(x.device(), x.dtype(), x.shape(), lower, upper, seed);
        return Tensor.where(x.step(), x, x.mul(slopes));
    }

    static void checkRReluBounds(double lower, double upper) {
        if (!(Double.isFinite(lower) && Double.isFinite(upper) && lower <= upper)) {
            throw new IllegalArgumentException("RReLU: bounds must be finite with lower <= upper, got lower = "
                    + lower + ", upper = " + upper);
        }
    }

    /** x where x > 0, else alpha·(e^x − 1). */
    public static Tensor elu(Tensor x, double alpha) {
        // e^(x where x ≤ 0, else 0): the exponential of the unused branch stays ≤ 1, so large x cannot overflow into
        // 0·∞; a where rather than min(x, 0), whose tie at x = 0 would halve the gradient there (PyTorch's: alpha)
        Tensor above = x.step();
        Tensor negative = Tensor.where(above, x.scalarLike(0), x).exp().affine(alpha, -alpha);
        return Tensor.where(above, x, negative);
    }

    /**
     * Maxout over channels: x [n, c·pieces, ...] → y [n, c, ...], y[:, j] = max of the {@code pieces}
     * consecutive channels j·pieces … j·pieces + pieces − 1. Ties share the gradient.
     */
    public static Tensor maxout(Tensor x, int pieces) {
        if (pieces < 1) {
            throw new IllegalArgumentException("Activations.maxout: pieces must be >= 1, got " + pieces);
        }
        if (x.rank() < 2 || x.dim(1) % pieces != 0) {
            throw new ShapeMismatchException("Activations.maxout", "input " + x.shape() + " with pieces = " + pieces,
                    "[n, c·" + pieces + ", ...]: rank >= 2 with axis 1 a multiple of " + pieces);
        }
        long[] d = x.shape().dims();
        long[] grouped = new long[d.length + 1]; // [n, c, pieces, ...]
        grouped[0] = d[0];
        grouped[1] = d[1] / pieces;
        grouped[2] = pieces;
        System.arraycopy(d, 2, grouped, 3, d.length - 2);
        return x.reshape(grouped).max(2, false);
    }

    /** e^x / Σ e^x along {@code axis} (negative counts from the end), computed stably. */
    public static Tensor softmax(Tensor x, int axis) {
        return x.softmax(axis);
    }

    /** log softmax along {@code axis}, computed stably. */
    public static Tensor logSoftmax(Tensor x, int axis) {
        return x.logSoftmax(axis);
    }

    /**
     * GELU (Hendrycks and Gimpel, 2016): x·Φ(x) with Φ the standard normal's distribution function,
     * x·(1 + erf(x/√2))/2, PyTorch's default; {@code tanh} gives its approximation
     * x·(1 + tanh(√(2/π)·(x + 0.044715·x³)))/2 (PyTorch's approximate="tanh").
     */
    public static Tensor gelu(Tensor x, boolean tanh) {
        Tensor inner = tanh
                ? x.add(x.mul(x).mul(x).mul(0.044715)).mul(Math.sqrt(2 / Math.PI)).tanh()
                : x.mul(Math.sqrt(0.5)).erf();
        return x.mul(inner.add(1)).mul(0.5);
    }

    /** SELU's alpha and scale (Klambauer et al., 2017), PyTorch's constants. */
    public static final double SELU_ALPHA = 1.6732632423543772848170429916717;
    public static final double SELU_SCALE = 1.0507009873554804934193349852946;

    /** x·sigmoid(x) (SiLU, also called swish). */
    public static Tensor silu(Tensor x) {
        return x.mul(x.sigmoid());
    }

    /**
     * log1p(e^(βx))/β, and x where βx > threshold (PyTorch's: the two agree there to float precision). The
     * exponential's argument is clamped on the unused side so it never overflows.
     */
    public static Tensor softplus(Tensor x, double beta, double threshold) {
        checkSoftplus(beta, threshold);
        Tensor z = x.mul(beta);
        Tensor linear = z.gt(z.scalarLike(threshold)); // 1 where βx > threshold
        Tensor clamped = Tensor.where(linear, z.scalarLike(0), z);
        Tensor smooth = clamped.exp().log1p().mul(1 / beta);
        return Tensor.where(linear, x, smooth);
    }

    /** scale·ELU(x, alpha) with SELU's constants: self-normalizing with LeCun-normal weights. */
    public static Tensor selu(Tensor x) {
        return elu(x, SELU_ALPHA).mul(SELU_SCALE);
    }

    /**
     * x clamped to [min, max]. The gradient is 1 strictly inside and 0 at and beyond the bounds, as PyTorch's; NaN
     * stays NaN, its gradient passing as PyTorch's does.
     */
    public static Tensor hardtanh(Tensor x, double min, double max) {
        checkHardtanh(min, max);
        Tensor lo = x.scalarLike(min);
        Tensor hi = x.scalarLike(max);
        // 0 at or beyond a bound, else 1 (NaN included: its gradient passes, as PyTorch's)
        Tensor inside = x.lt(lo).add(x.eq(lo)).add(x.gt(hi)).add(x.eq(hi)).affine(-1, 1);
        Tensor clamped = x.detach().maximum(lo).minimum(hi);
        return Tensor.where(inside, x, clamped);
    }

    static void checkSoftplus(double beta, double threshold) {
        if (!(beta > 0) || Double.isInfinite(beta) || !Double.isFinite(threshold)) {
            throw new IllegalArgumentException("Softplus: beta must be finite and > 0 and threshold finite, got beta = "
                    + beta + ", threshold = " + threshold);
        }
    }

    static void checkHardtanh(double min, double max) {
        if (!(min < max)) {
            throw new IllegalArgumentException("Hardtanh: min must be below max, got min = " + min + ", max = " + max);
        }
    }

    /** −1, 0 or 1; no gradient flows. */
    public static Tensor sign(Tensor x) {
        return x.sign();
    }

    /** 1 where x > 0, else 0: the perceptron's threshold; no gradient flows. */
    public static Tensor step(Tensor x) {
        return x.step();
    }
}

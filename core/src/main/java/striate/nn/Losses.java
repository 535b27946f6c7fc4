package striate.nn;

import striate.autograd.Autocast;
import striate.op.CrossEntropyOp;
import striate.tensor.DType;
import striate.tensor.ShapeMismatchException;
import striate.tensor.Tensor;

/**
 * Loss functions in functional form, composed from tensor ops so autograd differentiates them. Elementwise
 * losses take a prediction and a target of the same shape and type and reduce to a scalar mean by default; a
 * {@link Reduction} chooses the sum or the unreduced per-element tensor instead. Cross-entropy takes logits
 * [n, c] and int32 class indices [n] and reduces over the n samples. Definitions and numerical safeguards
 * follow PyTorch (torch.nn.functional).
 */
public final class Losses {
    /** Smallest log a binary cross-entropy uses, as in PyTorch: log inputs below e^−100 count as e^−100. */
    public static final double LOG_FLOOR = -100;

    /** The floor of p·(1 − p) in binary cross-entropy's gradient, PyTorch's EPSILON. */
    static final double BCE_EPSILON = 1e-12;

    /** PyTorch's default ignore_index for cross-entropy: the target value of padded positions. */
    public static final int IGNORE_INDEX = -100;

    private Losses() {
    }

    /** How per-element (or per-sample) losses become the result. */
    public enum Reduction {
        /** The mean over all elements (over samples for cross-entropy): a scalar. */
        MEAN,
        /** The sum: a scalar. */
        SUM,
        /** No reduction: one loss per element (per sample for cross-entropy). */
        NONE
    }

    /** Mean squared error, mean((pred − target)²). */
    public static Tensor mse(Tensor pred, Tensor target) {
        return mse(pred, target, Reduction.MEAN);
    }

    /** Squared error (pred − target)², reduced as asked. */
    public static Tensor mse(Tensor pred, Tensor target, Reduction reduction) {
        Pair pair = pair("Losses.mse", pred, target);
        pred = pair.pred();
        target = pair.target();
        return reduce(pred.sub(target).square(), reduction);
    }

    /**
     * Root mean squared error, √mse. Its gradient is undefined (NaN) when the prediction equals the target
     * exactly, as in any framework; train on {@link #mse} and report this one.
     */
    public static Tensor rmse(Tensor pred, Tensor target) {
        Pair pair = pair("Losses.rmse", pred, target);
        pred = pair.pred();
        target = pair.target();
        return mse(pred, target).sqrt();
    }

    /** Mean absolute error (L1), mean(|pred − target|). */
    public static Tensor mae(Tensor pred, Tensor target) {
        return mae(pred, target, Reduction.MEAN);
    }

    /** Absolute error |pred − target|, reduced as asked. */
    public static Tensor mae(Tensor pred, Tensor target, Reduction reduction) {
        Pair pair = pair("Losses.mae", pred, target);
        pred = pair.pred();
        target = pair.target();
        return reduce(pred.sub(target).abs(), reduction);
    }

    /** Smooth L1 with beta 1: mean over elements. */
    public static Tensor smoothL1(Tensor pred, Tensor target) {
        return smoothL1(pred, target, 1.0, Reduction.MEAN);
    }

    /**
     * Smooth L1 (PyTorch's smooth_l1_loss): with d = |pred − target|, 0.5·d²/beta where d < beta, else d − 0.5·beta;
     * beta 0 is the L1 loss. Reduced as asked.
     */
    public static Tensor smoothL1(Tensor pred, Tensor target, double beta, Reduction reduction) {
        Pair pair = pair("Losses.smoothL1", pred, target);
        pred = pair.pred();
        target = pair.target();
        if (!(beta >= 0) || Double.isInfinite(beta)) {
            throw new IllegalArgumentException("Losses.smoothL1: beta must be finite and >= 0, got " + beta);
        }
        Tensor diff = pred.sub(target);
        Tensor d = diff.abs();
        if (beta == 0) {
            return reduce(d, reduction);
        }
        Tensor quadratic = d.lt(d.scalarLike(beta)); // 1 where d < beta
        Tensor small = Tensor.where(quadratic, diff, diff.scalarLike(0)); // 0 on the linear side: no 0·∞ there
        return reduce(Tensor.where(quadratic, small.square().mul(0.5 / beta), d.add(-0.5 * beta)), reduction);
    }

    /**
     * Huber loss (PyTorch's huber_loss): with d = |pred − target|, 0.5·d² where d < delta, else
     * delta·(d − 0.5·delta), which is delta times {@link #smoothL1} with beta = delta. Reduced as asked.
     */
    public static Tensor huber(Tensor pred, Tensor target, double delta, Reduction reduction) {
        if (!(delta > 0) || Double.isInfinite(delta)) {
            throw new IllegalArgumentException("Losses.huber: delta must be finite and > 0, got " + delta);
        }
        return smoothL1(pred, target, delta, reduction).mul(delta);
    }

    /**
     * Kullback–Leibler divergence KL(target ‖ p) summed over each sample's distribution and averaged over the batch
     * (dim 0): PyTorch's kl_div with reduction "batchmean", the mathematically meant one. {@code logInput} holds log p
     * (a log-softmax's output), {@code target} probabilities.
     */
    public static Tensor klDivergence(Tensor logInput, Tensor target) {
        Tensor pointwise = klDivergence(logInput, target, Reduction.NONE);
        return pointwise.sum().mul(1.0 / (logInput.rank() == 0 ? 1 : logInput.dim(0)));
    }

    /**
     * The pointwise KL terms target·(log target − logInput), 0 where target is 0 and NaN where it is negative (as
     * PyTorch's xlogy), reduced as
     * asked (MEAN is over every element, as PyTorch's "mean"; {@link #klDivergence(Tensor, Tensor)} gives the
     * per-sample mean). The target is a constant: no gradient reaches it.
     */
    public static Tensor klDivergence(Tensor logInput, Tensor target, Reduction reduction) {
        Pair pair = pair("Losses.klDivergence", logInput, target);
        logInput = pair.pred();
        target = pair.target();
        Tensor t = target.detach();
        Tensor safe = Tensor.where(t.eq(t.scalarLike(0)), t.scalarLike(1), t); // log 1 = 0 where the target is 0
        Tensor entropyTerm = t.mul(safe.log()); // t·log t (xlogy): 0 where t = 0, NaN where t < 0
        return reduce(entropyTerm.sub(t.mul(logInput)), reduction);
    }

    /**
     * Cross-entropy of logits [n, c] against int32 class indices [n] in [0, c), averaged over the n samples:
     * mean(−log softmax(logits)[target]). Fused with the log-softmax ({@link CrossEntropyOp}), so logits of any
     * magnitude give a finite loss.
     */
    public static Tensor crossEntropy(Tensor logits, Tensor target) {
        return crossEntropy(logits, target, Reduction.MEAN);
    }

    /** Per-sample cross-entropy [n], reduced as asked. */
    public static Tensor crossEntropy(Tensor logits, Tensor target, Reduction reduction) {
        checkCrossEntropy(logits, target);
        return reduce(Tensor.apply(new CrossEntropyOp(), logits, target), reduction);
    }

    /**
     * Cross-entropy where a target equal to {@code ignoreIndex} (PyTorch's ignore_index; {@link #IGNORE_INDEX} is its
     * default, −100) counts for nothing: loss 0, no gradient, and the mean is over the other targets only (NaN when
     * every target is ignored, as in PyTorch). Sequence batches put it at padded positions; logits [b·t, c] with
     * targets [b·t] cover a [b, t, c] batch.
     */
    public static Tensor crossEntropy(Tensor logits, Tensor target, int ignoreIndex, Reduction reduction) {
        checkCrossEntropy(logits, target);
        Tensor loss = Tensor.apply(new CrossEntropyOp(ignoreIndex), logits, target); // [n], 0 where ignored
        if (reduction != Reduction.MEAN) {
            return reduce(loss, reduction);
        }
        // the targets not ignored, counted in float32 (exact to 2^24; bfloat16 would round 999 and 1001 to 1000), or
        // float64 for float64 losses, and the mean taken in that type, then given the loss's
        DType exact = loss.dtype() == DType.F64 ? DType.F64 : DType.F32;
        return loss.sum().to(exact).div(kept(target, ignoreIndex, exact).sum()).to(loss.dtype());
    }

    /** [n] in {@code type}: 1 where the target is counted, 0 where it is {@code ignoreIndex}. */
    private static Tensor kept(Tensor target, int ignoreIndex, DType type) {
        Tensor t = target.to(type);
        return t.eq(t.scalarLike(ignoreIndex)).affine(-1, 1);
    }

    /** Negative log-likelihood of log-probabilities [n, c] at int32 targets [n], averaged: PyTorch's nll_loss. */
    public static Tensor nll(Tensor logProbs, Tensor target) {
        return nll(logProbs, target, IGNORE_INDEX, Reduction.MEAN);
    }

    /**
     * Negative log-likelihood −logProbs[i, target_i] of log-probabilities [n, c] (a log-softmax's output) at int32
     * targets [n], with PyTorch's ignore index and reductions (the mean over the targets not ignored). Computed as the
     * fused cross-entropy of logProbs (which is −x[t] + logsumexp(x)) minus their log-sum-exp, in float32 (float64 for
     * float64), so no gather op is needed and the gradient is −1 at each target (the softmax terms cancel). Exact up to
     * the rounding of a log-sum-exp for a log-softmax's output, whose log-sum-exp is 0. Two limits PyTorch's gather
     * does not have: on raw scores far from normalized the subtraction cancels (x = [100, 0.001], target 1: −0.0009995
     * in float32), and a row with a non-finite entry other than at its target gives NaN (PyTorch reads the target
     * alone). Ignored rows count for nothing, whatever they hold.
     */
    public static Tensor nll(Tensor logProbs, Tensor target, int ignoreIndex, Reduction reduction) {
        checkClassTargets("Losses.nll", logProbs, target);
        DType exact = logProbs.dtype() == DType.F64 ? DType.F64 : DType.F32;
        Tensor kept = kept(target, ignoreIndex, exact); // [n]
        Tensor in = logProbs.to(exact);
        Tensor x = Tensor.where(kept.reshape(kept.dim(0), 1), in, in.scalarLike(0)); // [n, c], ignored rows 0
        Tensor crossEntropy = Tensor.apply(new CrossEntropyOp(ignoreIndex), x, target); // [n], 0 where ignored
        Tensor max = x.detach().max(1, true); // [n, 1]
        Tensor logSumExp = x.sub(max).exp().sum(1, false).log().add(max.reshape(x.dim(0))); // [n]
        Tensor loss = crossEntropy.sub(logSumExp.mul(kept));
        DType out = Autocast.isEnabled() ? exact : logProbs.dtype();
        if (reduction != Reduction.MEAN) {
            return reduce(loss, reduction).to(out);
        }
        return loss.sum().div(kept.sum()).to(out);
    }

    /**
     * Cross-entropy of a batch of sequences with padding: logits [b, t, c] against int32 targets [b, t] (any leading
     * axes that agree, so time-major [t, b, c] and [t, b] work the same), a target of {@link #IGNORE_INDEX} marking a
     * padded position. The mean over the tokens not ignored; see {@link #sequenceCrossEntropy(Tensor, Tensor, int,
     * Reduction)}.
     */
    public static Tensor sequenceCrossEntropy(Tensor logits, Tensor target) {
        return sequenceCrossEntropy(logits, target, IGNORE_INDEX, Reduction.MEAN);
    }

    /**
     * Sequence cross-entropy, flattened to logits [b·t, c] and targets [b·t] for {@link #crossEntropy(Tensor, Tensor,
     * int, Reduction)}: a target equal to {@code ignoreIndex} gives loss 0 and no gradient. MEAN averages over the
     * tokens kept (so a batch's padding does not dilute its loss), SUM adds them, NONE gives the per-token losses in
     * the targets' shape [b, t], 0 where ignored.
     */
    public static Tensor sequenceCrossEntropy(Tensor logits, Tensor target, int ignoreIndex, Reduction reduction) {
        int r = logits.rank();
        boolean agree = r >= 2 && target.rank() == r - 1;
        for (int a = 0; agree && a < r - 1; a++) {
            agree = logits.dim(a) == target.dim(a);
        }
        if (!agree) {
            throw new ShapeMismatchException("Losses.sequenceCrossEntropy", "logits " + logits.shape() + " and target "
                    + target.shape(), "logits [b, t, c] and target [b, t]");
        }
        long c = logits.dim(r - 1);
        Tensor loss = crossEntropy(logits.reshape(-1, c), target.reshape(-1), ignoreIndex, reduction); // [b·t] or scalar
        return reduction == Reduction.NONE ? loss.reshape(target.shape().dims()) : loss;
    }

    private static void checkCrossEntropy(Tensor logits, Tensor target) {
        checkClassTargets("Losses.crossEntropy", logits, target);
    }

    private static void checkClassTargets(String name, Tensor logits, Tensor target) {
        if (!logits.dtype().isFloating()) {
            throw new IllegalArgumentException(name + ": logits must be a floating type, got " + logits.dtype());
        }
        if (target.dtype() != DType.I32) {
            throw new IllegalArgumentException(name + ": target must hold int32 class indices, got "
                    + target.dtype() + " (convert labels with target.to(DType.I32))");
        }
        if (logits.rank() != 2 || target.rank() != 1 || target.dim(0) != logits.dim(0)) {
            throw new ShapeMismatchException(name, "logits " + logits.shape() + " and target " + target.shape(),
                    "logits [n, c] and target [n]");
        }
    }

    /** Binary cross-entropy of probabilities in [0, 1], averaged over all elements. */
    public static Tensor binaryCrossEntropy(Tensor probabilities, Tensor target) {
        return binaryCrossEntropy(probabilities, target, Reduction.MEAN);
    }

    /**
     * Binary cross-entropy −(t·log p + (1 − t)·log(1 − p)), reduced as asked, with PyTorch's values and gradients.
     * Each log is clamped at {@link #LOG_FLOOR}, so p = 0 or 1 gives a finite loss. The gradient is PyTorch's
     * (p − t) / max(p·(1 − p), 1e−12): the exact derivative where p·(1 − p) is at least 1e−12 (and twice
     * differentiable there), capped within 1e−12 of 0 and 1, where the exact one grows as 1/p and overflows float32
     * below 3e−39 (a sigmoid of x < −88.7 with target 1 gave an infinite gradient). A NaN probability gives a NaN
     * loss, as in PyTorch (the clamp alone gave 100, which hid it). Inputs outside [0, 1] are not checked. For outputs of a sigmoid, prefer {@link #binaryCrossEntropyWithLogits} on the logits: it is stable for
     * any magnitude.
     */
    public static Tensor binaryCrossEntropy(Tensor probabilities, Tensor target, Reduction reduction) {
        Pair pair = pair("Losses.binaryCrossEntropy", probabilities, target);
        probabilities = pair.pred();
        target = pair.target();
        Tensor p = probabilities;
        Tensor t = target;
        Tensor notT = t.affine(-1, 1);
        Tensor held = p.detach();
        Tensor spread = held.mul(held.affine(-1, 1)); // p·(1 − p)
        Tensor inner = spread.gt(spread.scalarLike(BCE_EPSILON));
        // inside: the exact loss, whose logs never see 0 (the other elements read 1/2) nor reach the clamp
        Tensor safe = Tensor.where(inner, p, p.scalarLike(0.5));
        Tensor exact = t.mul(safe.log()).add(notT.mul(safe.affine(-1, 1).log())).neg();
        // outside: the clamped loss's value, and the gradient (p − t)/1e−12 through a term whose value is 0
        Tensor clamped = t.mul(clampedLog(held)).add(notT.mul(clampedLog(held.affine(-1, 1)))).neg();
        Tensor edge = clamped.add(p.sub(held).mul(held.sub(t).mul(1 / BCE_EPSILON)));
        return reduce(Tensor.where(inner, exact, edge), reduction);
    }

    /** Binary cross-entropy of logits (sigmoid fused in), averaged over all elements. */
    public static Tensor binaryCrossEntropyWithLogits(Tensor logits, Tensor target) {
        return binaryCrossEntropyWithLogits(logits, target, Reduction.MEAN);
    }

    /**
     * Binary cross-entropy of sigmoid(x) against t, computed without the sigmoid: softplus(x) − x·t, which is
     * PyTorch's max(x, 0) − x·t + log(1 + e^−|x|). Softplus is split at x > 0 into x + log(1 + e^−x) and
     * log(1 + e^x) so neither exponential exceeds 1 (finite for any x, including its unused branch), and the
     * gradient is sigmoid(x) − t everywhere, x = 0 included.
     */
    public static Tensor binaryCrossEntropyWithLogits(Tensor logits, Tensor target, Reduction reduction) {
        Pair pair = pair("Losses.binaryCrossEntropyWithLogits", logits, target);
        logits = pair.pred();
        target = pair.target();
        Tensor x = logits;
        Tensor zero = x.scalarLike(0);
        Tensor above = x.step(); // x > 0
        // each branch's exponent is x on its side and 0 on the other (a where, whose gradient is exact at x = 0)
        Tensor positive = x.add(log1pExp(Tensor.where(above, x, zero).neg())); // x > 0: x + log(1 + e^−x)
        Tensor negative = log1pExp(Tensor.where(above, zero, x)); // x ≤ 0: log(1 + e^x)
        Tensor softplus = Tensor.where(above, positive, negative);
        return reduce(softplus.sub(x.mul(target)), reduction);
    }

    /** log(1 + e^z) for z ≤ 0. */
    private static Tensor log1pExp(Tensor z) {
        return z.exp().add(1).log();
    }

    /** max(log q, LOG_FLOOR), the value alone (of a tensor without gradient) in binaryCrossEntropy. */
    private static Tensor clampedLog(Tensor q) {
        Tensor above = q.gt(q.scalarLike(Math.exp(LOG_FLOOR)));
        Tensor safe = Tensor.where(above, q, q.scalarLike(1)); // log never sees 0 or a negative number
        return Tensor.where(above, safe.log(), q.scalarLike(LOG_FLOOR));
    }

    private static Tensor reduce(Tensor loss, Reduction reduction) {
        return switch (reduction) {
            case MEAN -> loss.mean();
            case SUM -> loss.sum();
            case NONE -> loss;
        };
    }

    /**
     * Under {@link Autocast}, a regression or binary loss computes in float32 from whatever floating types its inputs
     * have (PyTorch's autocast float32 list: mse, l1, smooth L1, Huber, KL, binary cross-entropy), so a bfloat16
     * prediction meets a float32 target; float64 stays.
     */
    private static Tensor toFloat32(Tensor t) {
        DType d = t.dtype();
        return d == DType.BF16 || d == DType.F16 ? t.to(DType.F32) : t;
    }

    /**
     * The pair a loss computes on: in float32 under autocast ({@link #toFloat32}); then prediction and
     * target must have one floating type and one shape; errors name the loss and both.
     */
    private static Pair pair(String name, Tensor pred, Tensor target) {
        Pair pair = Autocast.isEnabled() ? new Pair(toFloat32(pred), toFloat32(target)) : new Pair(pred, target);
        checkPair(name, pair.pred(), pair.target());
        return pair;
    }

    private record Pair(Tensor pred, Tensor target) {
    }

    private static void checkPair(String name, Tensor pred, Tensor target) {
        if (!pred.dtype().isFloating()) {
            throw new IllegalArgumentException(name + ": prediction must be a floating type, got " + pred.dtype());
        }
        if (target.dtype() != pred.dtype()) {
            throw new IllegalArgumentException(name + ": target must be " + pred.dtype() + " like the prediction, got "
                    + target.dtype() + " (convert it with target.to(DType." + pred.dtype().name() + "))");
        }
        if (!pred.shape().equals(target.shape())) {
            throw new ShapeMismatchException(name, "prediction " + pred.shape() + " and target " + target.shape(),
                    "equal shapes");
        }
    }
}

package striate.nn;

import striate.op.BatchNormBackwardOp;
import striate.op.BatchNormOp;
import striate.op.Conv2dBackwardDataOp;
import striate.op.Conv2dOp;
import striate.op.ConvParams;
import striate.op.EmbeddingOp;
import striate.op.GruCellOp;
import striate.op.KMaxPoolOp;
import striate.op.LstmCellOp;
import striate.op.Pool2dOp;
import striate.op.PoolMode;
import striate.op.PoolParams;
import striate.tensor.Shape;
import striate.tensor.ShapeMismatchException;
import striate.tensor.Tensor;

/**
 * The stateless functions behind the layers (PyTorch's torch.nn.functional): convolution and transposed
 * convolution, nearest upsampling, pooling, dropout, batch normalization, local response normalization, embedding
 * and the fused LSTM and GRU steps. Each is one op or a composition of tensor ops, so autograd differentiates it
 * without a rule of its own. Images are [n, c, h, w]; channels are axis 1.
 */
public final class Functional {
    private Functional() {
    }

    /** x [n, c, h, w], w [k, c/groups, kh, kw], b [k] or null → y [n, k, oh, ow]; the bias is added in the same op. */
    public static Tensor conv2d(Tensor x, Tensor w, Tensor b, ConvParams params) {
        return conv2d(x, w, b, params, false);
    }

    /**
     * relu(conv2d(x, w, b)) as one op: the bias and the ReLU are applied while the convolution writes its output,
     * instead of two more passes over it (and the ReLU's backward reads the output, not a saved input).
     */
    public static Tensor conv2dRelu(Tensor x, Tensor w, Tensor b, ConvParams params) {
        return conv2d(x, w, b, params, true);
    }

    private static Tensor conv2d(Tensor x, Tensor w, Tensor b, ConvParams params, boolean relu) {
        Conv2dOp op = new Conv2dOp(params, b != null, relu);
        return b == null ? Tensor.apply(op, x, w) : Tensor.apply(op, x, w, b); // [n, k, oh, ow]
    }

    /**
     * PyTorch's conv_transpose2d: x [n, in, h, w], w [in, out/groups, kh, kw], b [out] or null → y [n, out, oh, ow]
     * with oh = (h − 1)·strideH − 2·padH + dilationH·(kh − 1) + outputPaddingH + 1 (ow likewise). It is the
     * convolution's backward-data op: y is the gradient a convolution with these params and weight w, whose output
     * is x, sends to its input of y's shape; so it runs on every backend's conv kernels, and its own gradients are
     * the forward convolution and the backward-filter op (see Derivatives). An output padding below the stride only
     * grows that input's shape (the extra rows and columns are ones the convolution's floor leaves out); one at or
     * above the stride (allowed below the dilation) is the unpadded full output cropped by padH and, past its end,
     * padded with zeros.
     */
    public static Tensor convTranspose2d(Tensor x, Tensor w, Tensor b, ConvParams params, int outputPaddingH,
                                         int outputPaddingW) {
        ConvTranspose2d.checkOutputPadding("convTranspose2d", params, outputPaddingH, outputPaddingW);
        if (x.rank() != 4) {
            throw new ShapeMismatchException("convTranspose2d", "input x of shape " + x.shape(), "[n, in, h, w]");
        }
        if (w.rank() != 4 || w.dim(0) != x.dim(1) || x.dim(1) % params.groups() != 0) {
            throw new ShapeMismatchException("convTranspose2d", "weight w " + w.shape() + " for input x " + x.shape()
                    + " with groups=" + params.groups(), "[" + x.dim(1) + ", out/groups, kh, kw] with " + x.dim(1)
                    + " divisible by groups");
        }
        long c = w.dim(1) * params.groups();
        long oh = ConvTranspose2d.outputSize(x.dim(2), w.dim(2), params.strideH(), params.padH(), params.dilationH(),
                outputPaddingH);
        long ow = ConvTranspose2d.outputSize(x.dim(3), w.dim(3), params.strideW(), params.padW(), params.dilationW(),
                outputPaddingW);
        if (oh < 1 || ow < 1) {
            throw new ShapeMismatchException("convTranspose2d", "output size " + oh + "x" + ow + " for input x "
                    + x.shape() + ", kernel " + w.dim(2) + "x" + w.dim(3) + " and " + params,
                    "at least 1x1; lower the padding");
        }
        if (b != null && (b.rank() != 1 || b.dim(0) != c)) {
            throw new ShapeMismatchException("convTranspose2d", "bias b " + b.shape(), "[" + c + "]");
        }
        Tensor y = outputPaddingH < params.strideH() && outputPaddingW < params.strideW()
                ? Tensor.apply(new Conv2dBackwardDataOp(params, Shape.of(x.dim(0), c, oh, ow)), x, w)
                : croppedFullTranspose(x, w, params, c, oh, ow); // [n, out, oh, ow]
        return b == null ? y : y.add(b.reshape(1, c, 1, 1).to(y.dtype())); // in the convolution's type (autocast)
    }

    /** The unpadded transposed convolution (its full output), then rows [padH, padH + oh) of it, likewise columns. */
    private static Tensor croppedFullTranspose(Tensor x, Tensor w, ConvParams p, long c, long oh, long ow) {
        ConvParams unpadded = new ConvParams(p.strideH(), p.strideW(), 0, 0, p.dilationH(), p.dilationW(), p.groups());
        long fullH = ConvTranspose2d.outputSize(x.dim(2), w.dim(2), p.strideH(), 0, p.dilationH(), 0);
        long fullW = ConvTranspose2d.outputSize(x.dim(3), w.dim(3), p.strideW(), 0, p.dilationW(), 0);
        Tensor full = Tensor.apply(new Conv2dBackwardDataOp(unpadded, Shape.of(x.dim(0), c, fullH, fullW)), x, w);
        long startH = Math.min(p.padH(), fullH);
        long startW = Math.min(p.padW(), fullW);
        long endH = Math.min(p.padH() + oh, fullH);
        long endW = Math.min(p.padW() + ow, fullW);
        Tensor kept = full.slice(2, startH, endH).slice(3, startW, endW); // [n, out, ≤ oh, ≤ ow]
        return kept.pad(new long[] {0, 0, 0, 0}, new long[] {0, 0, oh - (endH - startH), ow - (endW - startW)});
    }

    /**
     * Nearest-neighbour upsampling by whole factors (PyTorch's interpolate, mode 'nearest'): x [n, c, h, w] →
     * [n, c, h·scaleH, w·scaleW], each value repeated over a scaleH×scaleW block. It is a broadcast view of x
     * [n, c, h, 1, w, 1] over [n, c, h, scaleH, w, scaleW] made contiguous, so its gradient is the sum over each block.
     */
    public static Tensor upsampleNearest(Tensor x, int scaleH, int scaleW) {
        if (scaleH < 1 || scaleW < 1) {
            throw new IllegalArgumentException("upsampleNearest: scale factors must be whole numbers >= 1, got "
                    + scaleH + "x" + scaleW);
        }
        if (x.rank() != 4) {
            throw new ShapeMismatchException("upsampleNearest", "input x of shape " + x.shape(), "[n, c, h, w]");
        }
        long n = x.dim(0);
        long c = x.dim(1);
        long h = x.dim(2);
        long w = x.dim(3);
        Tensor blocks = x.reshape(n, c, h, 1, w, 1).expand(Shape.of(n, c, h, scaleH, w, scaleW));
        return blocks.reshape(n, c, h * scaleH, w * scaleW); // [n, c, h·scaleH, w·scaleW]
    }

    /**
     * PyTorch's interpolate(x, size=(oh, ow), mode='nearest'): x [n, c, h, w] → y [n, c, oh, ow] with y[.., i, j] =
     * x[.., ⌊i·(h/oh)⌋, ⌊j·(w/ow)⌋], the ratios in float32 as PyTorch computes them. Whole multiples are
     * {@link #upsampleNearest}; other sizes (up or down) gather rows, then columns, with the embedding op, whose
     * gradient adds each output's gradient into the row or column it came from.
     */
    public static Tensor interpolateNearest(Tensor x, long oh, long ow) {
        if (oh < 1 || ow < 1) {
            throw new IllegalArgumentException("interpolateNearest: size must be >= 1 on each axis, got " + oh + "x"
                    + ow);
        }
        if (x.rank() != 4) {
            throw new ShapeMismatchException("interpolateNearest", "input x of shape " + x.shape(), "[n, c, h, w]");
        }
        long h = x.dim(2);
        long w = x.dim(3);
        if (oh % h == 0 && ow % w == 0) {
            return upsampleNearest(x, Math.toIntExact(oh / h), Math.toIntExact(ow / w));
        }
        long n = x.dim(0);
        long c = x.dim(1);
        Tensor byRow = x.permute(2, 0, 1, 3).reshape(h, n * c * w); // [h, n·c·w]
        Tensor rows = embedding(nearestIndices(x, h, oh), byRow, EmbeddingOp.NO_PADDING); // [oh, n·c·w]
        Tensor byColumn = rows.reshape(oh, n, c, w).permute(3, 1, 2, 0).reshape(w, n * c * oh); // [w, n·c·oh]
        Tensor cols = embedding(nearestIndices(x, w, ow), byColumn, EmbeddingOp.NO_PADDING); // [ow, n·c·oh]
        return cols.reshape(ow, n, c, oh).permute(1, 2, 3, 0).contiguous(); // [n, c, oh, ow]
    }

    /** int32 [out] on x's device: PyTorch's nearest source index min(⌊i·(in/out)⌋, in − 1), the ratio in float32. */
    private static Tensor nearestIndices(Tensor x, long in, long out) {
        float scale = (float) in / out;
        int[] ids = new int[Math.toIntExact(out)];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = (int) Math.min((long) Math.floor(i * scale), in - 1);
        }
        return Tensor.ofInts(x.device(), ids, out);
    }

    /**
     * PyTorch's conv1d: x [n, c, l], w [k, c/groups, kw], b [k] or null → y [n, k, lOut], with a following ReLU in
     * the same op when {@code relu}. It is the 2-D convolution of the views x [n, c, 1, l] and w [k, c/groups, 1, kw]
     * with stride, padding and dilation along the last axis only, so it uses the conv kernels of every backend.
     */
    public static Tensor conv1d(Tensor x, Tensor w, Tensor b, int stride, int padding, int dilation, int groups,
                                boolean relu) {
        if (x.rank() != 3) {
            throw new ShapeMismatchException("conv1d", "input x of shape " + x.shape(), "[n, channels, length]");
        }
        if (w.rank() != 3) {
            throw new ShapeMismatchException("conv1d", "weight w of shape " + w.shape(),
                    "[out, in/groups, kernel_size]");
        }
        long c = x.dim(1);
        if (c % groups != 0 || w.dim(1) != c / groups) {
            throw new ShapeMismatchException("conv1d", "input x " + x.shape() + " for weight " + w.shape()
                    + " with groups=" + groups, "x.dim(1) = weight.dim(1)·groups = " + w.dim(1) * groups + " channels");
        }
        long span = (long) dilation * (w.dim(2) - 1) + 1;
        long padded = x.dim(2) + 2L * padding;
        if (padded < span) {
            throw new ShapeMismatchException("conv1d", "input length " + x.dim(2) + " (" + padded + " with padding "
                    + padding + ")", "at least the kernel's span " + span + "; pad the input to that length");
        }
        ConvParams params = new ConvParams(1, stride, 0, padding, 1, dilation, groups);
        Tensor x4 = x.reshape(x.dim(0), c, 1, x.dim(2)); // [n, c, 1, l]
        Tensor w4 = w.reshape(w.dim(0), w.dim(1), 1, w.dim(2)); // [k, c/groups, 1, kw]
        Tensor y = conv2d(x4, w4, b, params, relu); // [n, k, 1, lOut]
        return y.reshape(y.dim(0), y.dim(1), y.dim(3)); // [n, k, lOut]
    }

    /**
     * PyTorch's adaptive_max_pool1d for output size 1, max-over-time pooling: x [n, c, l] → [n, c, 1], the max
     * reduction over the last axis (ties share the gradient).
     */
    public static Tensor adaptiveMaxPool1d(Tensor x, int outputSize) {
        checkAdaptiveOutputSize(outputSize);
        if (x.rank() != 3 || x.dim(2) < 1) {
            throw new ShapeMismatchException("adaptiveMaxPool1d", "input of shape " + x.shape(),
                    "[n, channels, length] with length >= 1");
        }
        return x.max(2, true); // [n, c, 1]
    }

    static void checkAdaptiveOutputSize(int outputSize) {
        if (outputSize != 1) {
            throw new IllegalArgumentException("AdaptiveMaxPool1d: output size " + outputSize + " is not built; only 1 "
                    + "(max over time) is: use 1, or k-max pooling (KMaxPool) for several values per channel");
        }
    }

    /** x [n, c, h, w] → [n, c, oh, ow], the maximum of each window (padded cells never win; a NaN wins). */
    public static Tensor maxPool2d(Tensor x, PoolParams params) {
        return Tensor.apply(new Pool2dOp(PoolMode.MAX, params), x);
    }

    /** x [n, c, h, w] → [n, c, oh, ow], the mean of each window (padding counted per params.countIncludePad). */
    public static Tensor avgPool2d(Tensor x, PoolParams params) {
        return Tensor.apply(new Pool2dOp(PoolMode.AVG, params), x);
    }

    /** Keeps the k largest values along {@code axis} in their original order: [..., d, ...] → [..., k, ...]. */
    public static Tensor kMaxPool(Tensor x, int axis, int k) {
        return Tensor.apply(new KMaxPoolOp(axis, k), x);
    }

    /**
     * Rows of weight [v, d] gathered by int32 ids of any shape → [ids..., d] (PyTorch's embedding). The row
     * {@code paddingIdx} gets no gradient ({@link EmbeddingOp#NO_PADDING}, −1: none; a layer that takes PyTorch's
     * negative indices turns them into v + index first). An id outside [0, v) is an error naming its position.
     */
    public static Tensor embedding(Tensor ids, Tensor weight, int paddingIdx) {
        return Tensor.apply(new EmbeddingOp(paddingIdx), weight, ids);
    }

    /** An LSTM step's new hidden and cell states, each [n, h]: views of the fused op's [2, n, h] output. */
    public record LstmState(Tensor h, Tensor c) {
    }

    /**
     * One LSTM step after its products: gates [n, 4h] are the pre-activations x·W_ihᵀ + b_ih + h·W_hhᵀ + b_hh in
     * PyTorch's order i, f, g, o, c [n, h] the cell state → h' = o·tanh(c'), c' = f·c + i·g, in one fused op
     * ({@link LstmCellOp}) whose backward is one fused op too.
     */
    public static LstmState lstmCell(Tensor gates, Tensor c) {
        Tensor hc = Tensor.apply(new LstmCellOp(), gates, c); // [2, n, h]
        long n = c.dim(0);
        long h = c.dim(1);
        return new LstmState(hc.slice(0, 0, 1).reshape(n, h), hc.slice(0, 1, 2).reshape(n, h));
    }

    /**
     * One GRU step after its products: xg = x·W_ihᵀ + b_ih and hg = h·W_hhᵀ + b_hh, each [n, 3h] in PyTorch's order
     * r, z, n, and h [n, h] → h' = (1 − z)·n + z·h with r = σ(xg_r + hg_r), z = σ(xg_z + hg_z),
     * n = tanh(xg_n + r·hg_n), in one fused op ({@link GruCellOp}).
     */
    public static Tensor gruCell(Tensor xg, Tensor hg, Tensor h) {
        return Tensor.apply(new GruCellOp(), xg, hg, h);
    }

    /**
     * Inverted dropout: in training each element is kept where u ≥ p (u uniform in [0, 1) from {@link Tensor#rand}
     * with {@code seed}) and scaled by 1/(1 − p), else zeroed; identity in evaluation or when p = 0. Any shape.
     */
    public static Tensor dropout(Tensor x, double p, boolean training, long seed) {
        checkDropout(p);
        if (!training || p == 0) {
            return x;
        }
        return x.mul(keep(x, x.shape(), p, seed));
    }

    /** A dropout mask of {@code shape}: 0 with probability p, else 1/(1 − p), drawn from {@code seed}, x's type. */
    private static Tensor keep(Tensor x, Shape shape, double p, long seed) {
        Tensor u = Tensor.rand(x.device(), x.dtype(), shape, 0, 1, seed);
        double scale = 1 / (1 - p);
        return u.lt(u.scalarLike(p)).affine(-scale, scale); // 0 where dropped, 1/(1-p) where kept
    }

    /**
     * Channel dropout, PyTorch's Dropout2d (Tompson et al., 2015): x [n, c, ...] (rank 3 or more); in training each
     * whole channel of each sample is zeroed with probability p and the kept ones are scaled by 1/(1 − p); identity in
     * evaluation. For convolutional features, whose neighbouring values are correlated, so that dropping single
     * values would regularize little.
     */
    public static Tensor dropout2d(Tensor x, double p, boolean training, long seed) {
        checkDropout(p);
        if (x.rank() < 3) {
            throw new striate.tensor.ShapeMismatchException("Dropout2d", "input of shape " + x.shape(),
                    "[n, c, ...] (rank 3 or more)");
        }
        if (!training || p == 0) {
            return x;
        }
        long[] perChannel = channelShape(x); // [n, c, 1, ...]: one draw per channel of each sample
        perChannel[0] = x.dim(0);
        return x.mul(keep(x, Shape.of(perChannel), p, seed)); // the mask broadcast over each channel's values
    }

    static void checkDropout(double p) {
        if (!(p >= 0 && p < 1)) {
            throw new IllegalArgumentException("Dropout: p must be in [0, 1), got " + p);
        }
    }

    /** A batch-norm result: the output and the running statistics to keep (unchanged in evaluation). */
    public record BatchNormResult(Tensor y, Tensor runningMean, Tensor runningVar) {
    }

    /**
     * Batch normalization (Ioffe & Szegedy, 2015) over every axis except 1: x [n, c, ...] → y of the same shape,
     * y = (x − μ) / √(σ² + eps) · weight + bias with weight, bias [c] (either may be null: 1 and 0).
     * Training: μ, σ² are the batch mean and biased variance, in one fused op ({@link BatchNormOp}, whose backward is
     * {@link BatchNormBackwardOp}: it has no second derivative, so a gradient penalty through training-mode batch
     * norm takes {@link #batchNormComposed}); the running statistics [c] (when not null) become
     * (1 − momentum)·running + momentum·batch, with the unbiased variance, outside autograd. Evaluation: μ, σ² are
     * the running statistics, composed of elementwise ops: a scale and a shift per channel, then two passes over x.
     */
    public static BatchNormResult batchNorm(Tensor x, Tensor runningMean, Tensor runningVar, Tensor weight,
                                            Tensor bias, boolean training, double momentum, double eps) {
        long c = checkBatchNorm(x, runningMean, runningVar, weight, bias);
        if (!training) {
            return batchNormEvaluation(x, runningMean, runningVar, weight, bias, eps);
        }
        long m = valuesPerChannel(x);
        Tensor w = weight != null ? weight : Tensor.ones(x.device(), x.dtype(), c);
        Tensor b = bias != null ? bias : Tensor.zeros(x.device(), x.dtype(), c);
        long size = x.size();
        Tensor out = Tensor.apply(new BatchNormOp(eps), x, w, b); // [x.size + 2c]: y, mean, invstd
        Tensor y = out.slice(0, 0, size).reshape(x.shape().dims());
        Tensor stats = out.detach();
        Tensor newMean = runningMean == null ? null
                : runningUpdate(runningMean, stats.slice(0, size, size + c), momentum);
        Tensor newVar = null;
        if (runningVar != null) {
            double unbias = (double) m / (m - 1);
            // σ² = 1/invstd² − eps, unbiased: · m / (m − 1)
            newVar = runningUpdate(runningVar,
                    stats.slice(0, size + c, size + 2 * c).pow(-2).affine(unbias, -eps * unbias), momentum);
        }
        return new BatchNormResult(y, newMean, newVar);
    }

    /**
     * {@link #batchNorm} composed of generic ops (reductions, sub, div, sqrt) instead of the fused op: slower, but every
     * step has a second derivative, so a gradient of a gradient (WGAN-GP's penalty) can pass through training-mode
     * batch norm. Same arguments, results and running-statistics update.
     */
    public static BatchNormResult batchNormComposed(Tensor x, Tensor runningMean, Tensor runningVar, Tensor weight,
                                                    Tensor bias, boolean training, double momentum, double eps) {
        long c = checkBatchNorm(x, runningMean, runningVar, weight, bias);
        if (!training) {
            return batchNormEvaluation(x, runningMean, runningVar, weight, bias, eps);
        }
        long m = valuesPerChannel(x);
        long[] channel = channelShape(x);
        int[] axes = new int[x.rank() - 1];
        for (int i = 0, a = 0; i < x.rank(); i++) {
            if (i != 1) {
                axes[a++] = i;
            }
        }
        Normalized n = normalize(x, axes, eps); // statistics [1, c, 1, ...]
        Tensor newMean = runningMean == null ? null
                : runningUpdate(runningMean, n.mean().detach().reshape(c), momentum);
        Tensor newVar = runningVar == null ? null
                : runningUpdate(runningVar, n.variance().detach().reshape(c).mul((double) m / (m - 1)), momentum);
        return new BatchNormResult(affine(n.y(), weight, bias, channel), newMean, newVar);
    }

    /** x normalized over some axes, y = (x − mean)/√(variance + eps), with the mean and biased variance (axes kept). */
    record Normalized(Tensor y, Tensor mean, Tensor variance) {
    }

    /**
     * x normalized over {@code axes} with their mean and biased variance, composed of reductions and elementwise ops:
     * batch norm's composed form, layer norm and group norm.
     */
    static Normalized normalize(Tensor x, int[] axes, double eps) {
        Tensor mean = x.mean(axes, true);
        Tensor centred = x.sub(mean);
        Tensor variance = centred.square().mean(axes, true);
        return new Normalized(centred.div(variance.add(eps).sqrt()), mean, variance);
    }

    /** A running statistic's next value, (1 − momentum)·running + momentum·batch, in running's type, outside autograd. */
    private static Tensor runningUpdate(Tensor running, Tensor batch, double momentum) {
        return running.detach().mul(1 - momentum).add(batch.to(running.dtype()).mul(momentum));
    }

    /** Checks x [n, c, ...] against the per-channel tensors [c] (null ones skipped) and returns c. */
    private static long checkBatchNorm(Tensor x, Tensor runningMean, Tensor runningVar, Tensor weight, Tensor bias) {
        if (x.rank() < 2) {
            throw new ShapeMismatchException("batchNorm", "input of shape " + x.shape(), "[n, c, ...]");
        }
        long c = x.dim(1);
        for (Tensor t : new Tensor[] {runningMean, runningVar, weight, bias}) {
            if (t != null && (t.rank() != 1 || t.dim(0) != c)) {
                throw new ShapeMismatchException("batchNorm", "statistic or affine parameter of shape " + t.shape()
                        + " for input " + x.shape(), "[" + c + "]");
            }
        }
        return c;
    }

    /** The values each channel's batch statistics cover, at least 2 (one value has no variance). */
    private static long valuesPerChannel(Tensor x) {
        long m = x.size() / x.dim(1);
        if (m < 2) {
            throw new ShapeMismatchException("batchNorm", "input of shape " + x.shape() + " in training",
                    "more than 1 value per channel");
        }
        return m;
    }

    /** [1, c, 1, ...] for x [n, c, ...]. */
    /** [1, c, 1, ...] for x [n, c, ...]: a per-channel tensor's broadcast shape. */
    static long[] channelShape(Tensor x) {
        long[] channel = new long[x.rank()];
        java.util.Arrays.fill(channel, 1);
        channel[1] = x.dim(1);
        return channel;
    }

    private static BatchNormResult batchNormEvaluation(Tensor x, Tensor runningMean, Tensor runningVar,
                                                       Tensor weight, Tensor bias, double eps) {
        if (runningMean == null || runningVar == null) {
            throw new IllegalArgumentException("batchNorm: evaluation needs running mean and variance");
        }
        long[] channel = channelShape(x);
        // y = x·scale + shift with scale = weight/√(var + eps) and shift = bias − mean·scale, as PyTorch evaluates
        // it: the per-channel work on [c], then two passes over x
        Tensor scale = runningVar.to(x.dtype()).add(eps).pow(-0.5);
        if (weight != null) {
            scale = scale.mul(weight);
        }
        Tensor shift = runningMean.to(x.dtype()).mul(scale).neg();
        if (bias != null) {
            shift = shift.add(bias);
        }
        Tensor y = x.mul(scale.reshape(channel)).add(shift.reshape(channel));
        return new BatchNormResult(y, runningMean, runningVar);
    }

    /** y·weight + bias per channel (either null: 1 or 0), weight and bias [c] broadcast as {@code channel}. */
    static Tensor affine(Tensor y, Tensor weight, Tensor bias, long[] channel) {
        if (weight != null) {
            y = y.mul(weight.reshape(channel));
        }
        if (bias != null) {
            y = y.add(bias.reshape(channel));
        }
        return y;
    }

    /**
     * Local response normalization across channels, as PyTorch: x [n, c, ...] (rank ≥ 3) → y of the same shape,
     * y_c = x_c / (k + alpha/size · Σ x_j²)^beta, the sum over channels j from c − ⌊size/2⌋ to c + ⌊(size−1)/2⌋,
     * zero outside [0, c). Krizhevsky et al. (2012), section 3.3.
     */
    public static Tensor localResponseNorm(Tensor x, int size, double alpha, double beta, double k) {
        if (size < 1) {
            throw new IllegalArgumentException("localResponseNorm: size must be >= 1, got " + size);
        }
        if (x.rank() < 3) {
            throw new ShapeMismatchException("localResponseNorm", "input of shape " + x.shape(),
                    "rank 3 or more, [n, c, ...]");
        }
        long c = x.dim(1);
        long[] before = new long[x.rank()];
        long[] after = new long[x.rank()];
        before[1] = size / 2;
        after[1] = (size - 1) / 2;
        Tensor padded = x.square().pad(before, after); // [n, c + size - 1, ...]
        Tensor sum = padded.slice(1, 0, c);
        for (int i = 1; i < size; i++) {
            sum = sum.add(padded.slice(1, i, i + c));
        }
        Tensor div = sum.affine(alpha / size, k).pow(beta); // [n, c, ...]
        return x.div(div);
    }
}

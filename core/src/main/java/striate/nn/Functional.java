package striate.nn;

import striate.op.Conv2dOp;
import striate.op.ConvParams;
import striate.op.EmbeddingOp;
import striate.op.GruCellOp;
import striate.op.KMaxPoolOp;
import striate.op.LstmCellOp;
import striate.op.Pool2dOp;
import striate.op.PoolMode;
import striate.op.PoolParams;
import striate.tensor.ShapeMismatchException;
import striate.tensor.Tensor;

/**
 * The stateless functions behind the layers (PyTorch's torch.nn.functional): convolution, pooling, dropout,
 * batch normalization, local response normalization, embedding and the fused LSTM and GRU steps. Each is one op or a
 * composition of tensor ops, so autograd differentiates it without a rule of its own. Images are [n, c, h, w];
 * channels are axis 1.
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

    /** x [n, c, h, w] → [n, c, oh, ow], the maximum of each window (padded cells never win). */
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
        Tensor u = Tensor.rand(x.device(), x.dtype(), x.shape(), 0, 1, seed);
        double scale = 1 / (1 - p);
        Tensor keep = u.lt(u.scalarLike(p)).affine(-scale, scale); // 0 where dropped, 1/(1-p) where kept
        return x.mul(keep);
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
     * Training: μ, σ² are the batch mean and biased variance; the running statistics [c] (when not null) become
     * (1 − momentum)·running + momentum·batch, with the unbiased variance, outside autograd. Evaluation: μ, σ²
     * are the running statistics.
     */
    public static BatchNormResult batchNorm(Tensor x, Tensor runningMean, Tensor runningVar, Tensor weight,
                                            Tensor bias, boolean training, double momentum, double eps) {
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
        long[] channel = new long[x.rank()]; // [1, c, 1, ...]
        java.util.Arrays.fill(channel, 1);
        channel[1] = c;
        int[] axes = new int[x.rank() - 1];
        for (int i = 0, a = 0; i < x.rank(); i++) {
            if (i != 1) {
                axes[a++] = i;
            }
        }
        Tensor mean;
        Tensor var;
        Tensor newMean = runningMean;
        Tensor newVar = runningVar;
        if (training) {
            long m = x.size() / c;
            if (m < 2) {
                throw new ShapeMismatchException("batchNorm", "input of shape " + x.shape() + " in training",
                        "more than 1 value per channel");
            }
            mean = x.mean(axes, true); // [1, c, 1, ...]
            Tensor centred = x.sub(mean);
            var = centred.square().mean(axes, true); // biased, [1, c, 1, ...]
            if (runningMean != null) {
                Tensor batchMean = mean.detach().reshape(c).to(runningMean.dtype());
                newMean = runningMean.detach().mul(1 - momentum).add(batchMean.mul(momentum));
            }
            if (runningVar != null) {
                Tensor unbiased = var.detach().reshape(c).mul((double) m / (m - 1)).to(runningVar.dtype());
                newVar = runningVar.detach().mul(1 - momentum).add(unbiased.mul(momentum));
            }
            Tensor y = centred.div(var.add(eps).sqrt());
            return new BatchNormResult(affine(y, weight, bias, channel), newMean, newVar);
        }
        if (runningMean == null || runningVar == null) {
            throw new IllegalArgumentException("batchNorm: evaluation needs running mean and variance");
        }
        mean = runningMean.to(x.dtype()).reshape(channel);
        var = runningVar.to(x.dtype()).reshape(channel);
        Tensor y = x.sub(mean).div(var.add(eps).sqrt());
        return new BatchNormResult(affine(y, weight, bias, channel), runningMean, runningVar);
    }

    private static Tensor affine(Tensor y, Tensor weight, Tensor bias, long[] channel) {
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

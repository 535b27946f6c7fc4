package striate.nn;

import striate.tensor.ShapeMismatchException;
import striate.tensor.Tensor;

/**
 * Group normalization (Wu and He, 2018), PyTorch's GroupNorm: x [n, c, ...] with its c channels in {@code groups}
 * groups of c/groups; each sample's group is normalized over its channels and positions with their mean and biased
 * variance, y = (x − mean)/√(var + eps), then each channel scaled and shifted by weight [c] and bias [c] (ones and
 * zeros; none without {@code affine}). One group is a layer norm over [c, ...]; c groups an instance norm. The same
 * in training and evaluation. Composed of tensor ops, so every backend runs it.
 */
public final class GroupNorm extends Module {
    private final int groups;
    private final long channels;
    private final double eps;
    private final Parameter weight; // null without affine
    private final Parameter bias;

    /** eps 1e-5, with weight and bias, as PyTorch's defaults. */
    public GroupNorm(int groups, long channels) {
        this(groups, channels, LayerNorm.EPS, true);
    }

    public GroupNorm(int groups, long channels, double eps, boolean affine) {
        if (groups < 1 || channels < 1 || channels % groups != 0) {
            throw new IllegalArgumentException("GroupNorm: channels must be a positive multiple of groups >= 1, got "
                    + channels + " channels in " + groups + " groups");
        }
        if (!(eps > 0) || Double.isInfinite(eps)) {
            throw new IllegalArgumentException("GroupNorm: eps must be finite and > 0, got " + eps);
        }
        this.groups = groups;
        this.channels = channels;
        this.eps = eps;
        this.weight = affine ? registerParameter("weight", Init.ones(channels)) : null;
        this.bias = affine ? registerParameter("bias", Init.zeros(channels)) : null;
    }

    @Override
    public Tensor forward(Tensor x) {
        if (x.rank() < 2 || x.dim(1) != channels) {
            throw new ShapeMismatchException(toString(), "input of shape " + x.shape(), "[n, " + channels + ", ...]");
        }
        long[] dims = x.shape().dims();
        long perGroup = x.size() / Math.max(1, dims[0]) / groups; // c/groups · positions (n may be 0)
        Tensor grouped = x.reshape(dims[0], groups, perGroup); // [n, groups, c/groups · positions]
        Tensor y = Functional.normalize(grouped, new int[] {2}, eps).y().reshape(dims); // biased variance, as PyTorch's
        return weight == null ? y : Functional.affine(y, weight.value().to(y.dtype()), bias.value().to(y.dtype()),
                Functional.channelShape(x));
    }

    @Override
    public String toString() {
        return "GroupNorm(" + groups + ", " + channels + ", eps=" + eps + ", affine=" + (weight != null) + ")";
    }
}

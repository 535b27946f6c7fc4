package striate.nn;

import java.util.Arrays;
import striate.tensor.ShapeMismatchException;
import striate.tensor.Tensor;

/**
 * Layer normalization (Ba, Kiros and Hinton, 2016), PyTorch's LayerNorm: each sample is normalized over its last
 * dimensions, those of {@code normalizedShape}, with their mean and biased variance, y = (x − mean)/√(var + eps), then
 * scaled and shifted elementwise by weight and bias of shape {@code normalizedShape} (ones and zeros; none without
 * {@code elementwiseAffine}). The same in training and evaluation: no running statistics. Composed of tensor ops, so
 * every backend runs it; under autocast its means make it float32, as PyTorch's autocast runs layer_norm.
 */
public final class LayerNorm extends Module {
    public static final double EPS = 1e-5;

    private final long[] normalizedShape;
    private final double eps;
    private final Parameter weight; // null without elementwise affine
    private final Parameter bias;

    /** Normalizes over the last dimensions {@code normalizedShape}, eps 1e-5, with weight and bias. */
    public LayerNorm(long... normalizedShape) {
        this(normalizedShape, EPS, true);
    }

    public LayerNorm(long[] normalizedShape, double eps, boolean elementwiseAffine) {
        if (normalizedShape.length == 0 || Arrays.stream(normalizedShape).anyMatch(d -> d < 1)) {
            throw new IllegalArgumentException("LayerNorm: normalizedShape must be one or more sizes >= 1, got "
                    + Arrays.toString(normalizedShape));
        }
        if (!(eps > 0) || Double.isInfinite(eps)) {
            throw new IllegalArgumentException("LayerNorm: eps must be finite and > 0, got " + eps);
        }
        this.normalizedShape = normalizedShape.clone();
        this.eps = eps;
        this.weight = elementwiseAffine ? registerParameter("weight", Init.ones(normalizedShape)) : null;
        this.bias = elementwiseAffine ? registerParameter("bias", Init.zeros(normalizedShape)) : null;
    }

    @Override
    public Tensor forward(Tensor x) {
        int k = normalizedShape.length;
        int r = x.rank();
        if (r < k || !Arrays.equals(Arrays.copyOfRange(x.shape().dims(), r - k, r), normalizedShape)) {
            throw new ShapeMismatchException(toString(), "input of shape " + x.shape(),
                    "[..., " + Arrays.toString(normalizedShape).replaceAll("[\\[\\]]", "") + "]");
        }
        int[] axes = new int[k];
        for (int i = 0; i < k; i++) {
            axes[i] = r - k + i;
        }
        Tensor y = Functional.normalize(x, axes, eps).y(); // the biased variance, as PyTorch's
        if (weight == null) {
            return y;
        }
        return y.mul(weight.value().to(y.dtype())).add(bias.value().to(y.dtype()));
    }

    @Override
    public String toString() {
        return "LayerNorm(" + Arrays.toString(normalizedShape) + ", eps=" + eps + ", elementwise_affine="
                + (weight != null) + ")";
    }
}

package striate.nn;

import striate.tensor.Rng;
import striate.tensor.Tensor;

/**
 * Fully connected layer, PyTorch's Linear: x [n, in] → y = x·Wᵀ + b [n, out], weight [out, in], bias [out].
 * Default initialization is PyTorch's (U(±1/√in) for weight and bias); pass an initialized weight to choose
 * Xavier or He instead.
 */
public final class Linear extends Module {
    private final long inFeatures;
    private final long outFeatures;
    private final Parameter weight;
    private final Parameter bias;

    public Linear(long inFeatures, long outFeatures, Rng rng) {
        this(Init.lecunUniform(rng, checkedFeatures(inFeatures, outFeatures), outFeatures, inFeatures),
                Init.lecunUniform(rng, inFeatures, outFeatures));
    }

    /** {@code inFeatures} when both sizes are at least 1 (the initialization's bound is 1/√in). */
    private static long checkedFeatures(long inFeatures, long outFeatures) {
        if (inFeatures < 1 || outFeatures < 1) {
            throw new IllegalArgumentException("Linear(" + inFeatures + ", " + outFeatures + "): in_features and "
                    + "out_features must be >= 1");
        }
        return inFeatures;
    }

    /** A layer with this weight [out, in] and bias [out] (null for no bias). */
    public Linear(Tensor weight, Tensor bias) {
        if (weight.rank() != 2 || (bias != null && (bias.rank() != 1 || bias.dim(0) != weight.dim(0)))) {
            throw new IllegalArgumentException("Linear: weight must be [out, in] and bias [out], got "
                    + weight.shape() + " and " + (bias == null ? "no bias" : bias.shape()));
        }
        this.outFeatures = weight.dim(0);
        this.inFeatures = weight.dim(1);
        this.weight = registerParameter("weight", weight);
        this.bias = bias == null ? null : registerParameter("bias", bias);
    }

    public Parameter weight() {
        return weight;
    }

    /** The bias, or null when the layer has none. */
    public Parameter bias() {
        return bias;
    }

    @Override
    public Tensor forward(Tensor x) {
        if (x.rank() != 2 || x.dim(1) != inFeatures) {
            throw new striate.tensor.ShapeMismatchException(toString(), "input of shape " + x.shape(),
                    "[n, " + inFeatures + "]");
        }
        Tensor y = x.matmul(weight.value(), false, true); // [n, out]
        return bias == null ? y : y.add(bias.value().to(y.dtype())); // in the product's type (autocast)
    }

    @Override
    public String toString() {
        return "Linear(" + inFeatures + ", " + outFeatures + (bias == null ? ", bias=false" : "") + ")";
    }
}

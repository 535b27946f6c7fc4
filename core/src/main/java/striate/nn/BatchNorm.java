package striate.nn;

import striate.tensor.ShapeMismatchException;
import striate.tensor.Tensor;

/**
 * What BatchNorm1d and BatchNorm2d share (PyTorch's _BatchNorm): per-channel parameters weight [c] (ones) and
 * bias [c] (zeros), buffers running_mean [c] (zeros) and running_var [c] (ones), momentum 0.1, eps 1e-5.
 * Training normalizes with batch statistics over every axis except 1 and updates the running ones; evaluation
 * uses the running ones. Subclasses fix the accepted input ranks.
 */
public abstract sealed class BatchNorm extends Module permits BatchNorm1d, BatchNorm2d {
    public static final double MOMENTUM = 0.1;
    public static final double EPS = 1e-5;

    private final long features;
    private final double momentum;
    private final double eps;
    private final Parameter weight;
    private final Parameter bias;

    BatchNorm(long features, double momentum, double eps) {
        if (features < 1) {
            throw new IllegalArgumentException(getClass().getSimpleName() + ": features must be >= 1, got "
                    + features);
        }
        if (!(momentum >= 0 && momentum <= 1) || !(eps > 0)) {
            throw new IllegalArgumentException(getClass().getSimpleName()
                    + ": momentum must be in [0, 1] and eps > 0, got momentum=" + momentum + ", eps=" + eps);
        }
        this.features = features;
        this.momentum = momentum;
        this.eps = eps;
        this.weight = registerParameter("weight", Init.ones(features));
        this.bias = registerParameter("bias", Init.zeros(features));
        registerBuffer("running_mean", Init.zeros(features));
        registerBuffer("running_var", Init.ones(features));
    }

    /** Whether this layer accepts an input of this rank. */
    abstract boolean acceptsRank(int rank);

    /** The expected input layout, for error messages. */
    abstract String layout();

    public Parameter weight() {
        return weight;
    }

    public Parameter bias() {
        return bias;
    }

    public Tensor runningMean() {
        return buffer("running_mean");
    }

    public Tensor runningVar() {
        return buffer("running_var");
    }

    public double momentum() {
        return momentum;
    }

    public double eps() {
        return eps;
    }

    @Override
    public Tensor forward(Tensor x) {
        if (!acceptsRank(x.rank()) || x.dim(1) != features) {
            throw new ShapeMismatchException(toString(), "input of shape " + x.shape(), layout());
        }
        Functional.BatchNormResult r = Functional.batchNorm(x, runningMean(), runningVar(), weight.value(),
                bias.value(), isTraining(), momentum, eps);
        if (isTraining()) {
            setBuffer("running_mean", r.runningMean());
            setBuffer("running_var", r.runningVar());
        }
        return r.y();
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + "(" + features
                + (eps == EPS ? "" : ", eps=" + eps) + (momentum == MOMENTUM ? "" : ", momentum=" + momentum) + ")";
    }
}

package striate.optim;

import java.util.LinkedHashMap;
import java.util.Map;
import striate.nn.Parameter;
import striate.tensor.Tensor;

/**
 * RMSprop (Hinton, Coursera lecture 6e, 2012), PyTorch's semantics without momentum and not centered (the WGAN
 * recipe's optimizer): g = grad + weightDecay·param; v = α·v + (1 − α)·g²; param −= lr·g / (√v + ε). Defaults are
 * PyTorch's: lr 1e-2, α 0.99, ε 1e-8, no decay. The square average v lives on the parameter's device and is saved by
 * name ("w.square_avg", PyTorch's name) for checkpoints. The step is composed of the backends' elementwise kernels
 * (every backend has them), then written into the parameter and v in place; no fused update op yet.
 */
public final class RMSprop extends Optimizer {
    private final double alpha;
    private final double eps;
    private final double weightDecay;
    private final Map<String, Tensor> squareAvg = new LinkedHashMap<>();

    private RMSprop(Builder b) {
        super(b.parameters, b.lr, b.l1);
        requireUnit("alpha", b.alpha);
        requirePositive("eps", b.eps);
        if (!(b.weightDecay >= 0) || Double.isInfinite(b.weightDecay)) {
            throw new IllegalArgumentException("RMSprop: weight decay must be finite and >= 0, got " + b.weightDecay);
        }
        this.alpha = b.alpha;
        this.eps = b.eps;
        this.weightDecay = b.weightDecay;
    }

    public static Builder builder(Map<String, Parameter> parameters) {
        return new Builder(parameters);
    }

    /** True: the update reads only device values. */
    @Override
    public boolean capturable() {
        return true;
    }

    /** True: a skipped step selects the old values on the device ({@link Tensor#where}). */
    @Override
    public boolean skipsOnDevice() {
        return true;
    }

    @Override
    protected void update(String name, Tensor value, Tensor grad, long step) {
        update(name, value, grad, step, null);
    }

    @Override
    protected void update(String name, Tensor value, Tensor grad, long step, Tensor skip) {
        Tensor v = squareAvg.computeIfAbsent(name, k -> zerosLike(value));
        Tensor g = weightDecay > 0 ? grad.add(value.mul(weightDecay)) : grad;
        Tensor newV = v.mul(alpha).add(g.square().mul(1 - alpha));
        Tensor newValue = value.sub(g.div(newV.sqrt().add(eps)).mul(learningRate()));
        if (skip != null) { // a selection, not arithmetic: the skipped step's values may be inf or NaN
            newV = Tensor.where(skip, v, newV);
            newValue = Tensor.where(skip, value, newValue);
        }
        v.copyFrom(newV);
        value.copyFrom(newValue);
    }

    @Override
    protected Map<String, Tensor> buffers() {
        return suffixed(squareAvg, ".square_avg");
    }

    @Override
    protected void loadBuffers(Map<String, Tensor> buffers) {
        loadSuffixed(buffers, ".square_avg", squareAvg);
    }

    @Override
    public String toString() {
        return "RMSprop(lr=" + learningRate() + ", alpha=" + alpha + ", eps=" + eps + ", weightDecay=" + weightDecay
                + ")";
    }

    /** Options with PyTorch's defaults (lr 1e-2, alpha 0.99, eps 1e-8, no decay). */
    public static final class Builder {
        private final Map<String, Parameter> parameters;
        private double lr = 1e-2;
        private double alpha = 0.99;
        private double eps = 1e-8;
        private double weightDecay;
        private double l1;

        private Builder(Map<String, Parameter> parameters) {
            this.parameters = parameters;
        }

        public Builder lr(double x) {
            lr = x;
            return this;
        }

        /** The smoothing constant of the squared-gradient average. */
        public Builder alpha(double x) {
            alpha = x;
            return this;
        }

        public Builder eps(double x) {
            eps = x;
            return this;
        }

        /** L2 penalty added to the gradient. */
        public Builder weightDecay(double x) {
            weightDecay = x;
            return this;
        }

        public Builder l1(double x) {
            l1 = x;
            return this;
        }

        public RMSprop build() {
            return new RMSprop(this);
        }
    }
}

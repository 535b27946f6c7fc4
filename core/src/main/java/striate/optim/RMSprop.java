package striate.optim;

import java.util.LinkedHashMap;
import java.util.Map;
import striate.nn.Parameter;
import striate.tensor.Tensor;

/**
 * RMSprop (Hinton, Coursera lecture 6e, 2012) with PyTorch's semantics: g = grad + weightDecay·param;
 * v = α·v + (1 − α)·g²; centered, also ḡ = α·ḡ + (1 − α)·g and the denominator √(v − ḡ²) + ε, else √v + ε; without
 * momentum param −= lr·g / denominator, with it b = momentum·b + g / denominator and param −= lr·b. Defaults are
 * PyTorch's: lr 1e-2, α 0.99, ε 1e-8, no decay, no momentum, not centered (the WGAN recipe's optimizer). The state
 * lives on the parameter's device and is saved by PyTorch's names ("w.square_avg", "w.grad_avg", "w.momentum_buffer")
 * for checkpoints. The step is composed of the backends' elementwise kernels (every backend has them), then written
 * into the parameter and its state in place; no fused update op yet.
 */
public final class RMSprop extends ElementwiseOptimizer {
    private final double alpha;
    private final double eps;
    private final double weightDecay;
    private final double momentum;
    private final boolean centered;
    private final Map<String, Tensor> squareAvg = new LinkedHashMap<>();
    private final Map<String, Tensor> gradAvg = new LinkedHashMap<>(); // centered only
    private final Map<String, Tensor> momentumBuffer = new LinkedHashMap<>(); // momentum > 0 only

    private RMSprop(Builder b) {
        super(b.parameters, b.lr, b.l1);
        requireUnit("alpha", b.alpha);
        requirePositive("eps", b.eps);
        requireFiniteNonNegative("weight decay", b.weightDecay);
        requireUnit("momentum", b.momentum);
        this.alpha = b.alpha;
        this.eps = b.eps;
        this.weightDecay = b.weightDecay;
        this.momentum = b.momentum;
        this.centered = b.centered;
    }

    public static Builder builder(Map<String, Parameter> parameters) {
        return new Builder(parameters);
    }

    @Override
    protected void update(String name, Tensor value, Tensor grad, long step, Tensor skip) {
        Tensor v = squareAvg.computeIfAbsent(name, k -> zerosLike(value));
        Tensor g = weightDecay > 0 ? grad.add(value.mul(weightDecay)) : grad;
        Tensor newV = v.mul(alpha).add(g.square().mul(1 - alpha));
        Tensor a = centered ? gradAvg.computeIfAbsent(name, k -> zerosLike(value)) : null;
        Tensor newA = centered ? a.mul(alpha).add(g.mul(1 - alpha)) : null;
        Tensor denominator = (centered ? newV.sub(newA.square()) : newV).sqrt().add(eps);
        Tensor b = momentum > 0 ? momentumBuffer.computeIfAbsent(name, k -> zerosLike(value)) : null;
        Tensor newB = momentum > 0 ? b.mul(momentum).add(g.div(denominator)) : null;
        Tensor newValue = value.sub((momentum > 0 ? newB : g.div(denominator)).mul(learningRate()));
        write(v, newV, skip);
        if (centered) {
            write(a, newA, skip);
        }
        if (momentum > 0) {
            write(b, newB, skip);
        }
        write(value, newValue, skip);
    }

    @Override
    protected Map<String, Tensor> buffers() {
        Map<String, Tensor> out = suffixed(squareAvg, ".square_avg");
        out.putAll(suffixed(gradAvg, ".grad_avg"));
        out.putAll(suffixed(momentumBuffer, ".momentum_buffer"));
        return out;
    }

    @Override
    protected void loadBuffers(Map<String, Tensor> buffers) {
        loadSuffixed(buffers, Map.of(".square_avg", squareAvg, ".grad_avg", gradAvg, ".momentum_buffer",
                momentumBuffer));
        if (!centered) { // a centered run's averages mean nothing here and would be saved again, stale
            gradAvg.clear();
        }
        if (momentum == 0) {
            momentumBuffer.clear();
        }
    }

    @Override
    public String toString() {
        return "RMSprop(lr=" + learningRate() + ", alpha=" + alpha + ", eps=" + eps + ", weightDecay=" + weightDecay
                + (momentum > 0 ? ", momentum=" + momentum : "") + (centered ? ", centered" : "") + ")";
    }

    /** Options with PyTorch's defaults (lr 1e-2, alpha 0.99, eps 1e-8, no decay, no momentum, not centered). */
    public static final class Builder {
        private final Map<String, Parameter> parameters;
        private double lr = 1e-2;
        private double alpha = 0.99;
        private double eps = 1e-8;
        private double weightDecay;
        private double momentum;
        private boolean centered;
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

        /** Momentum of the update, in [0, 1): a buffer of the normalized gradients (PyTorch's). */
        public Builder momentum(double x) {
            momentum = x;
            return this;
        }

        /** Normalizes by the estimated variance, v − ḡ², instead of v (Graves, 2013; PyTorch's centered). */
        public Builder centered(boolean x) {
            centered = x;
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

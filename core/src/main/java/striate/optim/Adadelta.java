package striate.optim;

import java.util.LinkedHashMap;
import java.util.Map;
import striate.nn.Parameter;
import striate.tensor.Tensor;

/**
 * Adadelta (Zeiler, 2012) with PyTorch's semantics: g = grad + weightDecay·param; v = ρ·v + (1 − ρ)·g²;
 * Δ = √(u + ε)/√(v + ε)·g; u = ρ·u + (1 − ρ)·Δ²; param −= lr·Δ. Defaults are PyTorch's: lr 1, ρ 0.9, ε 1e-6, no
 * decay. The two running averages live on the parameter's device and are saved as "w.square_avg" and "w.acc_delta"
 * (PyTorch's names). The step is composed of the backends' elementwise kernels, with the loss scaler's on-device skip.
 */
public final class Adadelta extends ElementwiseOptimizer {
    private final double rho;
    private final double eps;
    private final double weightDecay;
    private final Map<String, Tensor> squareAvg = new LinkedHashMap<>();
    private final Map<String, Tensor> accDelta = new LinkedHashMap<>();

    private Adadelta(Builder b) {
        super(b.parameters, b.lr, b.l1);
        requireUnit("rho", b.rho);
        requirePositive("eps", b.eps);
        requireFiniteNonNegative("weight decay", b.weightDecay);
        this.rho = b.rho;
        this.eps = b.eps;
        this.weightDecay = b.weightDecay;
    }

    public static Builder builder(Map<String, Parameter> parameters) {
        return new Builder(parameters);
    }

    @Override
    protected void update(String name, Tensor value, Tensor grad, long step, Tensor skip) {
        Tensor v = squareAvg.computeIfAbsent(name, k -> zerosLike(value));
        Tensor u = accDelta.computeIfAbsent(name, k -> zerosLike(value));
        Tensor g = weightDecay > 0 ? grad.add(value.mul(weightDecay)) : grad;
        Tensor newV = v.mul(rho).add(g.square().mul(1 - rho));
        Tensor delta = u.add(eps).sqrt().div(newV.add(eps).sqrt()).mul(g);
        Tensor newU = u.mul(rho).add(delta.square().mul(1 - rho));
        Tensor newValue = value.sub(delta.mul(learningRate()));
        write(v, newV, skip);
        write(u, newU, skip);
        write(value, newValue, skip);
    }

    @Override
    protected Map<String, Tensor> buffers() {
        Map<String, Tensor> out = suffixed(squareAvg, ".square_avg");
        out.putAll(suffixed(accDelta, ".acc_delta"));
        return out;
    }

    @Override
    protected void loadBuffers(Map<String, Tensor> buffers) {
        loadSuffixed(buffers, Map.of(".square_avg", squareAvg, ".acc_delta", accDelta));
    }

    @Override
    public String toString() {
        return "Adadelta(lr=" + learningRate() + ", rho=" + rho + ", eps=" + eps + ", weightDecay=" + weightDecay + ")";
    }

    /** Options with PyTorch's defaults (lr 1, rho 0.9, eps 1e-6, no decay). */
    public static final class Builder {
        private final Map<String, Parameter> parameters;
        private double lr = 1;
        private double rho = 0.9;
        private double eps = 1e-6;
        private double weightDecay;
        private double l1;

        private Builder(Map<String, Parameter> parameters) {
            this.parameters = parameters;
        }

        public Builder lr(double x) {
            lr = x;
            return this;
        }

        /** The averages' decay. */
        public Builder rho(double x) {
            rho = x;
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

        public Adadelta build() {
            return new Adadelta(this);
        }
    }
}

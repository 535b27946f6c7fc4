package striate.optim;

import java.util.LinkedHashMap;
import java.util.Map;
import striate.nn.Parameter;
import striate.tensor.Tensor;

/**
 * Adagrad (Duchi, Hazan and Singer, 2011) with PyTorch's semantics: g = grad + weightDecay·param; s = s + g²;
 * param −= lr_t·g / (√s + ε), where lr_t = lr / (1 + (t − 1)·lrDecay) at the optimizer's step t (from 1; steps a
 * loss scaler skipped do not count). Defaults are
 * PyTorch's: lr 1e-2, no rate decay, no weight decay, s starting at 0, ε 1e-10. The sums live on the parameter's
 * device and are saved as "w.sum" (PyTorch's name). The step is composed of the backends' elementwise kernels; a
 * replayed graph capture repeats it only without rate decay (lr_t is a host value, frozen at capture).
 */
public final class Adagrad extends ElementwiseOptimizer {
    private final double lrDecay;
    private final double weightDecay;
    private final double initialAccumulator;
    private final double eps;
    private final Map<String, Tensor> sum = new LinkedHashMap<>();

    private Adagrad(Builder b) {
        super(b.parameters, b.lr, b.l1);
        requireFiniteNonNegative("lrDecay", b.lrDecay);
        requireFiniteNonNegative("weight decay", b.weightDecay);
        requireFiniteNonNegative("initialAccumulator", b.initialAccumulator);
        requirePositive("eps", b.eps);
        this.lrDecay = b.lrDecay;
        this.weightDecay = b.weightDecay;
        this.initialAccumulator = b.initialAccumulator;
        this.eps = b.eps;
    }

    public static Builder builder(Map<String, Parameter> parameters) {
        return new Builder(parameters);
    }

    /** True without rate decay: the update then reads only device values. */
    @Override
    public boolean capturable() {
        return lrDecay == 0;
    }

    /**
     * True without rate decay: a skipped step selects the old values on the device ({@link Tensor#where}). With it, the
     * rate counts the steps taken, so a loss scaler's flag is read on the host and a skipped step is not taken (nor
     * counted), as PyTorch's scaler skips the optimizer's step.
     */
    @Override
    public boolean skipsOnDevice() {
        return lrDecay == 0;
    }

    @Override
    protected void update(String name, Tensor value, Tensor grad, long step, Tensor skip) {
        Tensor s = sum.computeIfAbsent(name, k -> {
            Tensor z = zerosLike(value); // outside any scope: state
            if (initialAccumulator != 0) {
                z.copyFrom(z.add(initialAccumulator));
            }
            return z;
        });
        Tensor g = weightDecay > 0 ? grad.add(value.mul(weightDecay)) : grad;
        double rate = learningRate() / (1 + (step - 1) * lrDecay);
        Tensor newS = s.add(g.square());
        Tensor newValue = value.sub(g.div(newS.sqrt().add(eps)).mul(rate));
        write(s, newS, skip);
        write(value, newValue, skip);
    }

    @Override
    protected Map<String, Tensor> buffers() {
        return suffixed(sum, ".sum");
    }

    @Override
    protected void loadBuffers(Map<String, Tensor> buffers) {
        loadSuffixed(buffers, ".sum", sum);
    }

    @Override
    public String toString() {
        return "Adagrad(lr=" + learningRate() + ", lrDecay=" + lrDecay + ", weightDecay=" + weightDecay
                + ", initialAccumulator=" + initialAccumulator + ", eps=" + eps + ")";
    }

    /** Options with PyTorch's defaults (lr 1e-2, no decays, accumulator from 0, eps 1e-10). */
    public static final class Builder {
        private final Map<String, Parameter> parameters;
        private double lr = 1e-2;
        private double lrDecay;
        private double weightDecay;
        private double initialAccumulator;
        private double eps = 1e-10;
        private double l1;

        private Builder(Map<String, Parameter> parameters) {
            this.parameters = parameters;
        }

        public Builder lr(double x) {
            lr = x;
            return this;
        }

        /** The rate at step t is lr / (1 + (t − 1)·lrDecay). */
        public Builder lrDecay(double x) {
            lrDecay = x;
            return this;
        }

        /** L2 penalty added to the gradient. */
        public Builder weightDecay(double x) {
            weightDecay = x;
            return this;
        }

        /** The sums' starting value (PyTorch's initial_accumulator_value). */
        public Builder initialAccumulator(double x) {
            initialAccumulator = x;
            return this;
        }

        public Builder eps(double x) {
            eps = x;
            return this;
        }

        public Builder l1(double x) {
            l1 = x;
            return this;
        }

        public Adagrad build() {
            return new Adagrad(this);
        }
    }
}

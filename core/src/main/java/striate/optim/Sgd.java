package striate.optim;

import java.util.LinkedHashMap;
import java.util.Map;
import striate.nn.Parameter;
import striate.op.SgdUpdateOp;
import striate.tensor.Tensor;

/**
 * Stochastic gradient descent with optional momentum (heavy-ball or Nesterov), L2 weight decay and an L1
 * penalty; PyTorch's SGD semantics (the formula is on {@link SgdUpdateOp}). Velocity buffers are created on the
 * parameter's device at the first step.
 * <pre>{@code Sgd opt = Sgd.builder(model.namedParameters()).lr(0.01).momentum(0.9).build();}</pre>
 */
public final class Sgd extends Optimizer {
    private final double momentum;
    private final double dampening;
    private final boolean nesterov;
    private final double weightDecay;
    private final Map<String, Tensor> velocity = new LinkedHashMap<>();

    private Sgd(Builder b) {
        super(b.parameters, b.lr, b.l1);
        requireUnit("momentum", b.momentum);
        requireUnit("dampening", b.dampening);
        requireFiniteNonNegative("weight decay", b.weightDecay);
        if (b.nesterov && (b.momentum == 0 || b.dampening != 0)) {
            throw new IllegalArgumentException("Sgd: Nesterov momentum needs momentum > 0 and dampening 0");
        }
        this.momentum = b.momentum;
        this.dampening = b.dampening;
        this.nesterov = b.nesterov;
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

    /** True: the update kernel takes a loss scaler's skip flag. */
    @Override
    public boolean skipsOnDevice() {
        return true;
    }

    @Override
    protected void update(String name, Tensor value, Tensor grad, long step) {
        update(name, value, grad, step, null);
    }

    /**
     * The fused update; guarded by {@code skip} when it is not null. A parameter's first update copies its gradient
     * into the velocity undamped, as PyTorch's first step does (buf = g): the velocity starts at zero, so the update
     * runs with dampening 0 then. (A first update a loss scaler skips on the device still counts as the first.)
     */
    @Override
    protected void update(String name, Tensor value, Tensor grad, long step, Tensor skip) {
        Tensor v = velocity.get(name);
        boolean first = v == null;
        if (first) {
            v = zerosLike(value);
            velocity.put(name, v);
        }
        SgdUpdateOp op = new SgdUpdateOp(learningRate(), momentum, first ? 0 : dampening, nesterov, weightDecay,
                skip != null);
        value.backend().execute(op, skip == null ? new Tensor[] {value, grad, v} : new Tensor[] {value, grad, v, skip});
    }

    @Override
    protected Map<String, Tensor> buffers() {
        return suffixed(velocity, ".velocity");
    }

    @Override
    protected void loadBuffers(Map<String, Tensor> buffers) {
        loadSuffixed(buffers, ".velocity", velocity);
    }

    @Override
    public String toString() {
        return "Sgd(lr=" + learningRate() + ", momentum=" + momentum + (nesterov ? ", nesterov" : "")
                + ", weightDecay=" + weightDecay + ")";
    }

    /** Options with PyTorch's defaults except the learning rate, which must be given. */
    public static final class Builder {
        private final Map<String, Parameter> parameters;
        private double lr = Double.NaN;
        private double momentum;
        private double dampening;
        private boolean nesterov;
        private double weightDecay;
        private double l1;

        private Builder(Map<String, Parameter> parameters) {
            this.parameters = parameters;
        }

        public Builder lr(double v) {
            lr = v;
            return this;
        }

        public Builder momentum(double v) {
            momentum = v;
            return this;
        }

        public Builder dampening(double v) {
            dampening = v;
            return this;
        }

        public Builder nesterov(boolean v) {
            nesterov = v;
            return this;
        }

        /** L2 penalty: adds weightDecay·param to the gradient. */
        public Builder weightDecay(double v) {
            weightDecay = v;
            return this;
        }

        /** L1 penalty: adds l1·sign(param) to the gradient. */
        public Builder l1(double v) {
            l1 = v;
            return this;
        }

        public Sgd build() {
            return new Sgd(this);
        }
    }
}

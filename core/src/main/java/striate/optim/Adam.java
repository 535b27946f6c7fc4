package striate.optim;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import striate.nn.Parameter;
import striate.op.AdamUpdateOp;
import striate.tensor.DType;
import striate.tensor.Device;
import striate.tensor.MemoryScope;
import striate.tensor.Tensor;

/**
 * Adam (Kingma &amp; Ba, 2015, https://arxiv.org/abs/1412.6980) with bias correction, L2 weight decay or
 * AdamW's decoupled decay (Loshchilov &amp; Hutter, 2019), and an optional L1 penalty; PyTorch's semantics
 * (the formula is on {@link AdamUpdateOp}). Moment buffers m and v live on the parameter's device.
 */
public final class Adam extends Optimizer {
    private final double beta1;
    private final double beta2;
    private final double eps;
    private final double weightDecay;
    private final boolean decoupled;
    private final Map<String, Tensor> m = new LinkedHashMap<>();
    private final Map<String, Tensor> v = new LinkedHashMap<>();
    private final Map<Device, Tensor> stepCounts = new HashMap<>(); // per device: the float32 count the kernels read
    private long countedStep; // the count those tensors hold
    private List<Device> devices;

    private Adam(Builder b) {
        super(b.parameters, b.lr, b.l1);
        requireUnit("beta1", b.beta1);
        requireUnit("beta2", b.beta2);
        requirePositive("eps", b.eps);
        if (!(b.weightDecay >= 0) || Double.isInfinite(b.weightDecay)) {
            throw new IllegalArgumentException("Adam: weight decay must be finite and >= 0, got " + b.weightDecay);
        }
        this.beta1 = b.beta1;
        this.beta2 = b.beta2;
        this.eps = b.eps;
        this.weightDecay = b.weightDecay;
        this.decoupled = b.decoupled;
    }

    public static Builder builder(Map<String, Parameter> parameters) {
        return new Builder(parameters);
    }

    /** True: the bias correction reads the step count from the device, where a replayed step advances it. */
    @Override
    public boolean capturable() {
        return true;
    }

    /** True: the update kernel takes a loss scaler's skip flag, and the step count stays when it skips. */
    @Override
    public boolean skipsOnDevice() {
        return true;
    }

    /**
     * Brings each device's step count to the count of steps taken: one increment on the device when it holds the
     * previous count (what a captured step records), none when {@code skip} is 1; else (the first step, after a
     * restore) the count set from the host's count of steps asked for, less the device's count of skipped ones.
     */
    @Override
    protected void beginStep(long step, Tensor skip) {
        boolean follows = countedStep == step - 1;
        if (devices == null) { // the parameters' devices, found once
            Set<Device> found = new LinkedHashSet<>();
            parameters().values().forEach(p -> found.add(p.value().device()));
            devices = List.copyOf(found);
        }
        for (Device d : devices) {
            Tensor count = stepCounts.get(d);
            if (count == null || !follows) {
                Tensor asked = MemoryScope.outside(() -> Tensor.scalar(d, DType.F32, step));
                Tensor skipped = skippedOnDevice(); // this step's flag included
                if (skipped != null) {
                    asked.copyFrom(asked.sub(skipped.to(d)));
                }
                stepCounts.put(d, asked);
            } else {
                Tensor next = count.add(1);
                count.copyFrom(skip == null ? next : next.sub(skip.to(d)));
            }
        }
        countedStep = step;
    }

    /** The next step sets the device counts from the host's count. */
    @Override
    protected void countsReset() {
        countedStep = Long.MIN_VALUE;
    }

    /** A replayed step advanced the device counts as its capture did. */
    @Override
    protected void stepReplayed() {
        countedStep++;
    }

    @Override
    protected void update(String name, Tensor value, Tensor grad, long step) {
        update(name, value, grad, step, null);
    }

    /** The fused update; guarded by {@code skip} when it is not null. */
    @Override
    protected void update(String name, Tensor value, Tensor grad, long step, Tensor skip) {
        Tensor mi = m.computeIfAbsent(name, k -> zerosLike(value));
        Tensor vi = v.computeIfAbsent(name, k -> zerosLike(value));
        Tensor count = stepCounts.get(value.device());
        AdamUpdateOp op = new AdamUpdateOp(learningRate(), beta1, beta2, eps, weightDecay, decoupled, skip != null);
        value.backend().execute(op, skip == null ? new Tensor[] {value, grad, mi, vi, count}
                : new Tensor[] {value, grad, mi, vi, count, skip});
    }

    @Override
    protected Map<String, Tensor> buffers() {
        Map<String, Tensor> out = suffixed(m, ".m");
        out.putAll(suffixed(v, ".v"));
        return out;
    }

    @Override
    protected void loadBuffers(Map<String, Tensor> buffers) {
        Map<String, Tensor> lm = new LinkedHashMap<>();
        Map<String, Tensor> lv = new LinkedHashMap<>();
        for (Map.Entry<String, Tensor> e : buffers.entrySet()) {
            String key = e.getKey();
            int dot = key.lastIndexOf('.');
            String name = dot < 0 ? key : key.substring(0, dot);
            String kind = dot < 0 ? "" : key.substring(dot + 1);
            Map<String, Tensor> target = switch (kind) {
                case "m" -> lm;
                case "v" -> lv;
                default -> throw new IllegalArgumentException("Adam state has an unknown entry '" + key + "'");
            };
            target.put(name, loaded(key, e.getValue(), parameter(name).value()));
        }
        m.clear();
        m.putAll(lm);
        v.clear();
        v.putAll(lv);
    }

    @Override
    public String toString() {
        return (decoupled ? "AdamW" : "Adam") + "(lr=" + learningRate() + ", betas=(" + beta1 + ", " + beta2
                + "), eps=" + eps + ", weightDecay=" + weightDecay + ")";
    }

    /** Options with PyTorch's defaults (lr 1e-3, betas 0.9/0.999, eps 1e-8, no decay). */
    public static final class Builder {
        private final Map<String, Parameter> parameters;
        private double lr = 1e-3;
        private double beta1 = 0.9;
        private double beta2 = 0.999;
        private double eps = 1e-8;
        private double weightDecay;
        private boolean decoupled;
        private double l1;

        private Builder(Map<String, Parameter> parameters) {
            this.parameters = parameters;
        }

        public Builder lr(double x) {
            lr = x;
            return this;
        }

        public Builder betas(double b1, double b2) {
            beta1 = b1;
            beta2 = b2;
            return this;
        }

        public Builder eps(double x) {
            eps = x;
            return this;
        }

        /** L2 penalty added to the gradient (or AdamW's decoupled decay with {@link #decoupled}). */
        public Builder weightDecay(double x) {
            weightDecay = x;
            return this;
        }

        /** AdamW: decay the weights directly instead of through the gradient. */
        public Builder decoupled(boolean x) {
            decoupled = x;
            return this;
        }

        public Builder l1(double x) {
            l1 = x;
            return this;
        }

        public Adam build() {
            return new Adam(this);
        }
    }
}

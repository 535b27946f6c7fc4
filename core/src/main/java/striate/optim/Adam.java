package striate.optim;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import striate.backend.Backends;
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
    /**
     * Each parameter's count of the steps that updated it (PyTorch's per-parameter state['step']: a parameter without a
     * gradient in a step, or one a loss scaler skipped, keeps its count): a float32 scalar on the parameter's device,
     * which the update kernel reads when it runs, so a step replayed from a captured graph advances it. A view into
     * its device's {@link Counts}.
     */
    private final Map<String, Tensor> counts = new LinkedHashMap<>();
    private final List<Counts> devices = new ArrayList<>();

    /**
     * One device's parameters, by name, and their counts as one float32 vector: one update advances them all, or the
     * ones a step updates through a 0/1 mask of them, made the first time an eager step updates that set.
     */
    private record Counts(Device device, List<String> names, Tensor vector, Map<List<Boolean>, Tensor> masks) {
    }

    private Adam(Builder b) {
        super(b.parameters, b.lr, b.l1);
        requireUnit("beta1", b.beta1);
        requireUnit("beta2", b.beta2);
        requirePositive("eps", b.eps);
        requireFiniteNonNegative("weight decay", b.weightDecay);
        this.beta1 = b.beta1;
        this.beta2 = b.beta2;
        this.eps = b.eps;
        this.weightDecay = b.weightDecay;
        this.decoupled = b.decoupled;
    }

    public static Builder builder(Map<String, Parameter> parameters) {
        return new Builder(parameters);
    }

    /** True: the bias correction reads each parameter's step count from the device, where a replayed step advances it. */
    @Override
    public boolean capturable() {
        return true;
    }

    /** True: the update kernel takes a loss scaler's skip flag, and the step counts stay when it skips. */
    @Override
    public boolean skipsOnDevice() {
        return true;
    }

    /**
     * Advances the count of every parameter this step updates, by 1, or by 1 − {@code skip} when a loss scaler's flag
     * is given: one update of a device's whole vector, through a mask of the updated parameters when some are not
     * (a frozen layer, an unused one); a set first met inside a graph capture, where the mask cannot be made from
     * host values, advances its parameters' counts one by one.
     */
    @Override
    protected void beginStep(long step, Tensor skip) {
        if (devices.isEmpty()) {
            makeCounts();
        }
        for (Counts d : devices) {
            List<Boolean> updated = d.names().stream().map(n -> updates(parameter(n))).toList();
            if (!updated.contains(false)) {
                advance(d.vector(), skip);
                continue;
            }
            Tensor mask = d.masks().get(updated);
            if (mask == null && !Backends.of(d.device()).capturing()) {
                double[] ones = updated.stream().mapToDouble(u -> u ? 1 : 0).toArray();
                mask = MemoryScope.outside(() -> Tensor.of(d.device(), DType.F32, ones, ones.length));
                d.masks().put(updated, mask);
            }
            if (mask != null) {
                Tensor by = skip == null ? mask : mask.mul(skip.to(d.device()).affine(-1, 1));
                d.vector().copyFrom(d.vector().add(by));
            } else {
                for (int i = 0; i < updated.size(); i++) {
                    if (updated.get(i)) {
                        advance(counts.get(d.names().get(i)), skip);
                    }
                }
            }
        }
    }

    private static void advance(Tensor count, Tensor skip) {
        Tensor next = count.add(1);
        count.copyFrom(skip == null ? next : next.sub(skip.to(count.device())));
    }

    /** Each device's vector of counts, zeros, and each parameter's view into it; made once, outside memory scopes. */
    private void makeCounts() {
        Map<Device, List<String>> byDevice = new LinkedHashMap<>();
        parameters().forEach((name, p) -> byDevice.computeIfAbsent(p.value().device(), d -> new ArrayList<>())
                .add(name));
        byDevice.keySet().forEach(d -> requireNotCapturing(Backends.of(d), "its step counts"));
        MemoryScope.outside(() -> {
            byDevice.forEach((device, names) -> {
                Tensor vector = Tensor.zeros(device, DType.F32, names.size());
                for (int i = 0; i < names.size(); i++) {
                    counts.put(names.get(i), vector.slice(0, i, i + 1).reshape());
                }
                devices.add(new Counts(device, List.copyOf(names), vector, new HashMap<>()));
            });
            return null;
        });
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
        Tensor count = counts.get(name);
        AdamUpdateOp op = new AdamUpdateOp(learningRate(), beta1, beta2, eps, weightDecay, decoupled, skip != null);
        value.backend().execute(op, skip == null ? new Tensor[] {value, grad, mi, vi, count}
                : new Tensor[] {value, grad, mi, vi, count, skip});
    }

    /** m and v of each parameter updated so far, and its step count ("name.step", a float32 scalar). */
    @Override
    protected Map<String, Tensor> buffers() {
        Map<String, Tensor> out = suffixed(m, ".m");
        out.putAll(suffixed(v, ".v"));
        m.keySet().forEach(name -> out.put(name + ".step", counts.get(name)));
        return out;
    }

    @Override
    protected void loadBuffers(Map<String, Tensor> buffers) {
        loadSuffixed(buffers, Map.of(".m", m, ".v", v));
    }

    /** A saved step count: a scalar, a whole number >= 0. */
    private static double count(String key, Tensor saved) {
        double c = saved.size() == 1 ? saved.item() : Double.NaN;
        if (saved.rank() != 0 || !(c >= 0) || c != Math.rint(c)) {
            throw new IllegalArgumentException("Adam state '" + key + "' must be a whole count >= 0 as a scalar, got "
                    + saved);
        }
        return c;
    }

    /**
     * Restores the state, each parameter's step count included. A state saved before the counts were per parameter
     * (no "name.step" entries) had one count for all: the steps taken, which each parameter with moments gets.
     */
    @Override
    public void loadState(Map<String, Tensor> state) {
        Map<String, Double> saved = new LinkedHashMap<>(); // the "name.step" entries, checked before anything changes
        Map<String, Tensor> rest = new LinkedHashMap<>();
        state.forEach((key, t) -> {
            if (key.endsWith(".step")) {
                String name = key.substring(0, key.length() - ".step".length());
                parameter(name); // one of this optimizer's
                saved.put(name, count(key, t));
            } else {
                rest.put(key, t);
            }
        });
        super.loadState(rest);
        if (devices.isEmpty()) {
            makeCounts();
        }
        for (Counts d : devices) {
            double[] values = new double[d.names().size()];
            for (int i = 0; i < values.length; i++) {
                String name = d.names().get(i);
                values[i] = saved.getOrDefault(name, m.containsKey(name) ? steps() : 0.0);
            }
            d.vector().copyFrom(values);
        }
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

package striate.optim;

import java.util.LinkedHashMap;
import java.util.Map;
import striate.autograd.GradMode;
import striate.nn.Parameter;
import striate.tensor.DType;
import striate.tensor.MemoryScope;
import striate.tensor.Tensor;

/**
 * Updates a model's parameters from their gradients. Subclasses implement one parameter's update with a fused
 * in-place op; this class walks the parameters (skipping frozen ones and those without a gradient), applies the
 * optional L1 penalty (λ·sign(param) added to the gradient), counts steps, and exposes the state (per-parameter
 * buffers and the step count) by name so checkpoints can save and restore it exactly.
 */
public abstract class Optimizer {
    private final Map<String, Parameter> parameters;
    private final double l1;
    private double learningRate;
    private long steps;

    protected Optimizer(Map<String, Parameter> parameters, double learningRate, double l1) {
        if (parameters.isEmpty()) {
            throw new IllegalArgumentException(getClass().getSimpleName() + ": no parameters to optimize");
        }
        requirePositive("learning rate", learningRate);
        if (!(l1 >= 0)) {
            throw new IllegalArgumentException(getClass().getSimpleName() + ": L1 strength must be >= 0, got " + l1);
        }
        this.parameters = new LinkedHashMap<>(parameters);
        this.learningRate = learningRate;
        this.l1 = l1;
    }

    /**
     * One update of every trainable parameter that has a gradient; a frozen one is skipped even when a gradient was
     * set on it (data-parallel replicas fill every parameter's slot). Not recorded for autograd.
     */
    public final void step() {
        steps++;
        try (GradMode.Scope off = GradMode.off()) {
            beginStep(steps);
            for (Map.Entry<String, Parameter> e : parameters.entrySet()) {
                Tensor grad = e.getValue().grad();
                if (grad == null || !e.getValue().requiresGrad()) {
                    continue;
                }
                Tensor value = e.getValue().value();
                Tensor g = l1 > 0 ? grad.add(value.sign().mul(l1)) : grad;
                update(e.getKey(), value, g.contiguous(), steps);
            }
        }
    }

    /**
     * Called once per {@link #step}, before the updates, with the new step count (from 1); without gradient recording.
     * For state shared by all parameters, such as Adam's step count on the device.
     */
    protected void beginStep(long step) {
    }

    /** Called when a replayed graph applied a step ({@link #countReplayedStep}): the step's device work is done. */
    protected void stepReplayed() {
    }

    /**
     * Updates {@code value} in place from {@code grad} (contiguous, same shape); {@code step} counts from 1. An update
     * that uses {@code step} (a host value) cannot be captured: such an optimizer's {@link #capturable} is false.
     */
    protected abstract void update(String name, Tensor value, Tensor grad, long step);

    /** Clears every parameter's gradient. */
    public void zeroGrad() {
        parameters.values().forEach(Parameter::zeroGrad);
    }

    public double learningRate() {
        return learningRate;
    }

    public void setLearningRate(double lr) {
        requirePositive("learning rate", lr);
        this.learningRate = lr;
    }

    /**
     * Whether a captured step ({@link striate.backend.Backend#captureGraph}) stays this optimizer's step when replayed:
     * only when every value its updates read lives on the device (a host value such as the {@code step} argument of
     * {@link #update} is frozen at capture). False unless an optimizer says so; SGD, RMSprop and Adam do.
     */
    public boolean capturable() {
        return false;
    }

    /** Counts a step that a replayed graph applied (the update ran on the device, not through {@link #step}). */
    public void countReplayedStep() {
        if (!capturable()) {
            throw new IllegalStateException(getClass().getSimpleName() + " is not capturable: its steps cannot be "
                    + "replayed from a captured graph");
        }
        steps++;
        stepReplayed();
    }

    /** Steps taken so far. */
    public long steps() {
        return steps;
    }

    /** The parameters, by name. */
    public Map<String, Parameter> parameters() {
        return java.util.Collections.unmodifiableMap(parameters);
    }

    /** Every state buffer by "parameter.buffer" name, plus "steps" as a float64 scalar. */
    public Map<String, Tensor> state() {
        Map<String, Tensor> out = new LinkedHashMap<>(buffers());
        Tensor s = Tensor.scalar(striate.tensor.Device.reference(), DType.F64, steps);
        out.put("steps", s);
        return out;
    }

    /** Restores a state produced by {@link #state()} of an optimizer of the same kind and parameters. */
    public void loadState(Map<String, Tensor> state) {
        Tensor s = state.get("steps");
        if (s == null) {
            throw new IllegalArgumentException(getClass().getSimpleName() + " state has no 'steps' entry");
        }
        Map<String, Tensor> rest = new LinkedHashMap<>(state);
        rest.remove("steps");
        loadBuffers(rest);
        steps = (long) s.item();
    }

    /** The per-parameter buffers by "parameter.buffer" name. */
    protected abstract Map<String, Tensor> buffers();

    /** Replaces the per-parameter buffers; names and shapes must match this optimizer's parameters. */
    protected abstract void loadBuffers(Map<String, Tensor> buffers);

    /** An optimizer's one buffer per parameter, {@code perParameter}, by "parameter" + {@code suffix} name. */
    protected static Map<String, Tensor> suffixed(Map<String, Tensor> perParameter, String suffix) {
        Map<String, Tensor> out = new LinkedHashMap<>();
        perParameter.forEach((k, t) -> out.put(k + suffix, t));
        return out;
    }

    /**
     * Replaces {@code perParameter} with {@code buffers}, each named "parameter" + {@code suffix}, copied onto the
     * parameters' devices; any other name or a wrong shape is an error, and then nothing is replaced.
     */
    protected final void loadSuffixed(Map<String, Tensor> buffers, String suffix, Map<String, Tensor> perParameter) {
        Map<String, Tensor> loaded = new LinkedHashMap<>();
        for (Map.Entry<String, Tensor> e : buffers.entrySet()) {
            String key = e.getKey();
            if (!key.endsWith(suffix)) {
                throw new IllegalArgumentException(getClass().getSimpleName() + " state has an unknown entry '" + key
                        + "'");
            }
            String name = key.substring(0, key.length() - suffix.length());
            loaded.put(name, loaded(key, e.getValue(), parameter(name).value()));
        }
        perParameter.clear();
        perParameter.putAll(loaded);
    }

    /** The parameter called {@code name}, or an error naming it. */
    protected Parameter parameter(String name) {
        Parameter p = parameters.get(name);
        if (p == null) {
            throw new IllegalArgumentException(getClass().getSimpleName() + " state names parameter '" + name
                    + "', which this optimizer does not have");
        }
        return p;
    }

    protected final void requirePositive(String what, double v) {
        if (!(v > 0) || Double.isInfinite(v)) {
            throw new IllegalArgumentException(getClass().getSimpleName() + ": " + what + " must be > 0, got " + v);
        }
    }

    protected final void requireUnit(String what, double v) {
        if (!(v >= 0 && v < 1)) {
            throw new IllegalArgumentException(getClass().getSimpleName() + ": " + what + " must be in [0, 1), got " + v);
        }
    }

    /**
     * A zeroed state buffer shaped and placed like {@code value}. Allocated outside any MemoryScope: state lives
     * across steps, though it is created lazily during the first one.
     */
    protected static Tensor zerosLike(Tensor value) {
        return MemoryScope.outside(() -> Tensor.empty(value.backend(), value.shape(), value.dtype()));
    }

    /** Copies a loaded buffer onto {@code like}'s device, checking its shape. */
    protected Tensor loaded(String name, Tensor buffer, Tensor like) {
        if (!buffer.shape().equals(like.shape())) {
            throw new IllegalArgumentException(getClass().getSimpleName() + " state '" + name + "' has shape "
                    + buffer.shape() + " but the parameter has shape " + like.shape());
        }
        Tensor t = zerosLike(like);
        t.copyFrom(buffer);
        return t;
    }
}

package striate.optim;

import java.util.LinkedHashMap;
import java.util.Map;
import striate.autograd.GradMode;
import striate.backend.Backend;
import striate.nn.Parameter;
import striate.tensor.DType;
import striate.tensor.MemoryScope;
import striate.tensor.Tensor;

/**
 * Updates a model's parameters from their gradients. Subclasses implement one parameter's update with a fused
 * in-place op; this class walks the parameters (skipping frozen ones and those without a gradient), applies the
 * optional L1 penalty (λ·sign(param) added to the gradient), counts steps, and exposes the state (per-parameter
 * buffers and the step count) by name so checkpoints can save and restore it exactly. A step may be skipped on the
 * device ({@link #step(Tensor)}: a loss scaler's step when a gradient overflowed), without the host waiting for it.
 */
public abstract class Optimizer {
    private final Map<String, Parameter> parameters;
    private final double l1;
    private double learningRate;
    private long steps; // steps asked for, those skipped on the device included
    private Tensor skipped; // float32 scalar: steps skipped on the device (step(Tensor)) since creation or a restore

    protected Optimizer(Map<String, Parameter> parameters, double learningRate, double l1) {
        if (parameters.isEmpty()) {
            throw new IllegalArgumentException(getClass().getSimpleName() + ": no parameters to optimize");
        }
        requirePositive("learning rate", learningRate);
        requireFiniteNonNegative("L1 strength", l1);
        this.parameters = new LinkedHashMap<>(parameters);
        this.learningRate = learningRate;
        this.l1 = l1;
    }

    /**
     * One update of every trainable parameter that has a gradient; a frozen one is skipped even when a gradient was
     * set on it (data-parallel replicas fill every parameter's slot). Not recorded for autograd.
     */
    public final void step() {
        take(null);
    }

    /**
     * One step unless {@code skip}, a float32 scalar, is 1 (0: step) when the updates run: what a loss scaler asks for
     * (GradScaler.step), whose flag says on the device whether a gradient overflowed. An optimizer
     * that {@link #skipsOnDevice} hands the flag to its update kernels, so the host does not wait for the device and a
     * captured step follows the flag at every replay; any other reads the flag here (a wait) and steps or not.
     */
    public final void step(Tensor skip) {
        if (skip.rank() != 0 || skip.dtype() != DType.F32) {
            throw new IllegalArgumentException(getClass().getSimpleName() + ".step: the skip flag must be a float32 "
                    + "scalar, got " + skip.dtype() + " " + skip.shape());
        }
        if (!skipsOnDevice()) {
            if (skip.item() == 0) {
                step();
            }
            return;
        }
        take(skip);
    }

    private void take(Tensor skip) {
        steps++;
        try (GradMode.Scope off = GradMode.off()) {
            if (skip != null) {
                if (skipped == null) { // state across steps: made by the first (eager) step, outside memory scopes
                    requireNotCapturing(skip.backend(), "its count of skipped steps");
                    skipped = MemoryScope.outside(() -> Tensor.zeros(skip.device(), DType.F32));
                }
                skipped.copyFrom(skipped.add(skip.to(skipped.device())));
            }
            beginStep(steps, skip);
            for (Map.Entry<String, Parameter> e : parameters.entrySet()) {
                if (!updates(e.getValue())) {
                    continue;
                }
                Tensor grad = e.getValue().grad();
                Tensor value = e.getValue().value();
                Tensor g = l1 > 0 ? grad.add(value.sign().mul(l1)) : grad;
                if (skip == null) {
                    update(e.getKey(), value, g.contiguous(), steps);
                } else {
                    update(e.getKey(), value, g.contiguous(), steps, skip.to(value.device()));
                }
            }
        }
    }

    /** Whether a step updates {@code p}: a trainable parameter that has a gradient. */
    protected static boolean updates(Parameter p) {
        return p.grad() != null && p.requiresGrad();
    }

    /**
     * Called once per step, before the updates, with the count of steps asked for (from 1) and the step's skip flag
     * ({@link #step(Tensor)}; null for {@link #step()}); without gradient recording. For state kept on the device
     * across parameters, such as Adam's step counts.
     */
    protected void beginStep(long step, Tensor skip) {
    }

    /**
     * Updates {@code value} in place from {@code grad} (contiguous, same shape); {@code step} counts from 1. An update
     * that uses {@code step} (a host value) cannot be captured: such an optimizer's {@link #capturable} is false.
     */
    protected abstract void update(String name, Tensor value, Tensor grad, long step);

    /**
     * The update of an optimizer that {@link #skipsOnDevice}: {@link #update(String, Tensor, Tensor, long)} unless
     * {@code skip} (a float32 scalar on {@code value}'s device) is not 0 when its kernels run.
     */
    protected void update(String name, Tensor value, Tensor grad, long step, Tensor skip) {
        throw new UnsupportedOperationException(getClass().getSimpleName() + " does not skip steps on the device");
    }

    /**
     * Whether {@link #step(Tensor)} skips on the device (every update takes the flag) rather than reading the flag on
     * the host. False unless an optimizer says so; SGD, RMSprop, Adadelta, Adam and Adagrad without rate decay do.
     */
    public boolean skipsOnDevice() {
        return false;
    }

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
     * {@link #update} is frozen at capture). False unless an optimizer says so; SGD, RMSprop, Adadelta, Adam and
     * Adagrad without rate decay do.
     */
    public boolean capturable() {
        return false;
    }

    /** Steps asked for so far, those skipped on the device included: a mark for {@link #forgetStepsAfter}. */
    public long stepsAsked() {
        return steps;
    }

    /**
     * Forgets the steps asked for after {@code mark} ({@link #stepsAsked}): work that called {@link #step} but never
     * ran on the device, as a graph capture that failed midway (its updates were recorded, not applied).
     */
    public void forgetStepsAfter(long mark) {
        if (mark < 0 || mark > steps) {
            throw new IllegalArgumentException(getClass().getSimpleName() + ": cannot go back to step " + mark
                    + " from step " + steps);
        }
        steps = mark;
    }

    /** Counts a step that a replayed graph applied (the update ran on the device, not through {@link #step}). */
    public void countReplayedStep() {
        if (!capturable()) {
            throw new IllegalStateException(getClass().getSimpleName() + " is not capturable: its steps cannot be "
                    + "replayed from a captured graph");
        }
        steps++;
    }

    /** Steps taken so far, those skipped on the device not counted (which reads their count from the device). */
    public long steps() {
        return skipped == null ? steps : steps - (long) skipped.item();
    }

    /** The parameters, by name. */
    public Map<String, Parameter> parameters() {
        return java.util.Collections.unmodifiableMap(parameters);
    }

    /** Every state buffer by "parameter.buffer" name, plus "steps" (those taken) as a float64 scalar. */
    public Map<String, Tensor> state() {
        Map<String, Tensor> out = new LinkedHashMap<>(buffers());
        Tensor s = Tensor.scalar(striate.tensor.Device.reference(), DType.F64, steps());
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
        if (skipped != null) {
            skipped.copyFrom(Tensor.zeros(skipped.device(), DType.F32));
        }
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
        loadSuffixed(buffers, Map.of(suffix, perParameter));
    }

    /**
     * As {@link #loadSuffixed(Map, String, Map)} for several kinds of buffer: each map of {@code perSuffix} (a buffer
     * suffix, such as ".m", → the optimizer's per-parameter map) is replaced with the buffers named "parameter" + that
     * suffix; a name with none of the suffixes or a wrong shape is an error, and then nothing is replaced.
     */
    protected final void loadSuffixed(Map<String, Tensor> buffers, Map<String, Map<String, Tensor>> perSuffix) {
        Map<String, Map<String, Tensor>> loaded = new LinkedHashMap<>();
        perSuffix.keySet().forEach(suffix -> loaded.put(suffix, new LinkedHashMap<>()));
        for (Map.Entry<String, Tensor> e : buffers.entrySet()) {
            String key = e.getKey();
            String suffix = perSuffix.keySet().stream().filter(key::endsWith).findFirst()
                    .orElseThrow(() -> new IllegalArgumentException(getClass().getSimpleName()
                            + " state has an unknown entry '" + key + "'"));
            String name = key.substring(0, key.length() - suffix.length());
            loaded.get(suffix).put(name, loaded(key, e.getValue(), parameter(name).value()));
        }
        perSuffix.forEach((suffix, perParameter) -> {
            perParameter.clear();
            perParameter.putAll(loaded.get(suffix));
        });
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

    /** Refuses a coefficient (a weight decay, an L1 strength) that is negative, NaN or infinite, naming it. */
    protected final void requireFiniteNonNegative(String what, double v) {
        if (!(v >= 0) || Double.isInfinite(v)) {
            throw new IllegalArgumentException(getClass().getSimpleName() + ": " + what
                    + " must be finite and >= 0, got " + v);
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
        requireNotCapturing(value.backend(), "its state for a parameter of shape " + value.shape());
        return MemoryScope.outside(() -> Tensor.empty(value.backend(), value.shape(), value.dtype()));
    }

    /**
     * Refuses to make state ({@code what}) on {@code backend} during a graph capture: its zeroing would be captured
     * too, and every replay would start the state again from zero.
     */
    protected static void requireNotCapturing(Backend backend, String what) {
        if (backend.capturing()) {
            throw new IllegalStateException("an optimizer's first step would make " + what + " inside a graph "
                    + "capture of " + backend.device() + ", so that every replay started it again from zero; take one "
                    + "eager step before capturing (the trainers do)");
        }
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

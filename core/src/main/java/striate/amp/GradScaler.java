package striate.amp;

import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import striate.autograd.Autocast;
import striate.autograd.GradMode;
import striate.nn.Parameter;
import striate.optim.Optimizer;
import striate.tensor.DType;
import striate.tensor.Device;
import striate.tensor.Tensor;

/**
 * Dynamic loss scaling for float16 training (PyTorch's {@code torch.amp.GradScaler}): float16's range ends at 65504
 * and its smallest subnormal is 2^-24, so small gradients flush to zero; the loss is multiplied by a large scale
 * before backward ({@link #scale}), the float32 gradients are divided by it again before the optimizer uses them
 * ({@link #unscale}), and a step whose gradients hold an inf or NaN (the scale overflowed float16 somewhere) is
 * skipped. {@link #update} then halves the scale after a skipped step and doubles it after {@code growthInterval}
 * steps in a row without one. Per step:
 * <pre>{@code
 * scaler.scale(loss).backward();
 * scaler.step(optimizer);   // unscales (unless unscale was called, e.g. before clipping), skips on inf/NaN
 * scaler.update();
 * }</pre>
 * A disabled scaler ({@link #disabled()}: bfloat16 and float32 training, whose range is float32's) passes the loss
 * through and steps every time. Its state (scale and growth tracker) goes into checkpoints ({@link #state}).
 */
public final class GradScaler {
    /** PyTorch's defaults. */
    public static final double INIT_SCALE = 65536;
    public static final double GROWTH_FACTOR = 2;
    public static final double BACKOFF_FACTOR = 0.5;
    public static final int GROWTH_INTERVAL = 2000;

    private final boolean enabled;
    private final double growthFactor;
    private final double backoffFactor;
    private final int growthInterval;
    private double scale;
    private int growthTracker;
    private long skippedSteps;
    private final Map<Optimizer, Boolean> foundInf = new IdentityHashMap<>(); // optimizers unscaled this step
    private final Map<Optimizer, Boolean> stepped = new IdentityHashMap<>();

    /** A scaler with PyTorch's defaults: scale 2^16, growth 2, backoff 0.5, growth interval 2000. */
    public GradScaler() {
        this(INIT_SCALE, GROWTH_FACTOR, BACKOFF_FACTOR, GROWTH_INTERVAL);
    }

    public GradScaler(double initScale, double growthFactor, double backoffFactor, int growthInterval) {
        this(true, initScale, growthFactor, backoffFactor, growthInterval);
    }

    private GradScaler(boolean enabled, double initScale, double growthFactor, double backoffFactor,
                       int growthInterval) {
        if (!(initScale > 0) || Double.isInfinite(initScale)) {
            throw new IllegalArgumentException("GradScaler: initScale must be finite and > 0, got " + initScale);
        }
        if (!(growthFactor > 1)) {
            throw new IllegalArgumentException("GradScaler: growthFactor must be > 1, got " + growthFactor);
        }
        if (!(backoffFactor > 0 && backoffFactor < 1)) {
            throw new IllegalArgumentException("GradScaler: backoffFactor must be in (0, 1), got " + backoffFactor);
        }
        if (growthInterval < 1) {
            throw new IllegalArgumentException("GradScaler: growthInterval must be >= 1, got " + growthInterval);
        }
        this.enabled = enabled;
        this.scale = initScale;
        this.growthFactor = growthFactor;
        this.backoffFactor = backoffFactor;
        this.growthInterval = growthInterval;
    }

    /** A scaler that does nothing: scale 1, every step taken (PyTorch's {@code GradScaler(enabled=False)}). */
    public static GradScaler disabled() {
        return new GradScaler(false, 1, GROWTH_FACTOR, BACKOFF_FACTOR, GROWTH_INTERVAL);
    }

    public boolean isEnabled() {
        return enabled;
    }

    /** The current scale (1 when disabled). */
    public double scale() {
        return scale;
    }

    /** Good steps since the scale last changed. */
    public int growthTracker() {
        return growthTracker;
    }

    /** Steps skipped for an inf or NaN gradient since this scaler was created (not saved in checkpoints). */
    public long skippedSteps() {
        return skippedSteps;
    }

    /** {@code loss} times the scale (a recorded op, so backward sees it); the loss itself when disabled. */
    public Tensor scale(Tensor loss) {
        return enabled ? loss.mul(scale) : loss;
    }

    /**
     * Divides the gradients of {@code optimizer}'s parameters by the scale, in place of the old ones, and records
     * whether any holds an inf or NaN. Once per optimizer and step: call it before reading the true gradients
     * (clipping); {@link #step} calls it otherwise.
     */
    public void unscale(Optimizer optimizer) {
        if (!enabled) {
            return;
        }
        if (foundInf.containsKey(optimizer)) {
            throw new IllegalStateException("GradScaler.unscale: this optimizer's gradients were already unscaled "
                    + "since the last update(); call unscale once per step, then step and update");
        }
        double inverse = 1 / scale;
        // Σ 0·g over every gradient, in float32 on the gradients' device: exactly 0, or NaN when some element is inf or
        // NaN; read once per step (one host synchronization), not per parameter.
        Tensor nonFinite = null;
        try (GradMode.Scope off = GradMode.off(); Autocast.Scope plain = Autocast.disable()) {
            for (Parameter p : optimizer.parameters().values()) {
                Tensor g = p.grad();
                if (g == null || !p.requiresGrad()) {
                    continue;
                }
                Tensor unscaled = g.mul(inverse);
                p.value().setGrad(unscaled);
                Tensor part = unscaled.mul(0).sum().to(DType.F32);
                nonFinite = nonFinite == null ? part : nonFinite.add(part.to(nonFinite.device()));
            }
        }
        foundInf.put(optimizer, nonFinite != null && Double.isNaN(nonFinite.item()));
    }

    /**
     * Unscales {@code optimizer}'s gradients unless {@link #unscale} already did this step, then takes its step
     * unless a gradient holds an inf or NaN. Returns whether the step was taken.
     */
    public boolean step(Optimizer optimizer) {
        if (!enabled) {
            optimizer.step();
            return true;
        }
        if (stepped.containsKey(optimizer)) {
            throw new IllegalStateException("GradScaler.step: step was already called for this optimizer since the "
                    + "last update(); call update() once per step");
        }
        if (!foundInf.containsKey(optimizer)) {
            unscale(optimizer);
        }
        boolean skip = foundInf.get(optimizer);
        if (!skip) {
            optimizer.step();
        }
        stepped.put(optimizer, !skip);
        return !skip;
    }

    /**
     * Ends the step: halves the scale (backoff) when any optimizer's gradients held an inf or NaN, else counts a good
     * step and grows the scale after {@code growthInterval} of them in a row.
     */
    public void update() {
        if (!enabled) {
            return;
        }
        if (foundInf.isEmpty()) {
            throw new IllegalStateException("GradScaler.update: no gradients were unscaled or stepped since the last "
                    + "update(); call step(optimizer) first");
        }
        boolean inf = foundInf.containsValue(Boolean.TRUE);
        if (inf) {
            scale *= backoffFactor;
            growthTracker = 0;
            skippedSteps++;
        } else if (++growthTracker == growthInterval) {
            scale *= growthFactor;
            growthTracker = 0;
        }
        foundInf.clear();
        stepped.clear();
    }

    /** The scale and growth tracker, as float64 scalars by name, for checkpoints. */
    public Map<String, Tensor> state() {
        Map<String, Tensor> out = new LinkedHashMap<>();
        out.put("scale", Tensor.scalar(Device.reference(), DType.F64, scale));
        out.put("growth_tracker", Tensor.scalar(Device.reference(), DType.F64, growthTracker));
        return out;
    }

    /** Restores a {@link #state()}: both entries must be there, the scale finite and > 0. */
    public void loadState(Map<String, Tensor> state) {
        Tensor s = state.get("scale");
        Tensor g = state.get("growth_tracker");
        if (s == null || g == null || state.size() != 2) {
            throw new IllegalArgumentException("GradScaler state must hold exactly 'scale' and 'growth_tracker', got "
                    + state.keySet());
        }
        double v = s.item();
        if (!(v > 0) || Double.isInfinite(v)) {
            throw new IllegalArgumentException("GradScaler state: scale must be finite and > 0, got " + v);
        }
        scale = v;
        growthTracker = (int) g.item();
        foundInf.clear();
        stepped.clear();
    }
}

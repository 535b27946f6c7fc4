package striate.amp;

import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import striate.autograd.Autocast;
import striate.autograd.GradMode;
import striate.nn.Parameter;
import striate.optim.Optimizer;
import striate.tensor.DType;
import striate.tensor.Device;
import striate.tensor.MemoryScope;
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
 * The scale, the count of good steps and the overflow flags live on the device as float32 scalars (PyTorch's
 * {@code _scale}, {@code _growth_tracker} and {@code found_inf}), made on the loss's device by the first
 * {@link #scale}: unscaling finds overflows with device arithmetic, the optimizer skips its update on the device
 * ({@link Optimizer#step(Tensor)}) and the update of the scale is device arithmetic too, so a step waits for nothing
 * and can be captured and replayed ({@code --cuda-graphs}). The getters ({@link #scale()}, {@link #growthTracker},
 * {@link #skippedSteps}) read the device. A disabled scaler ({@link #disabled()}: bfloat16 and float32 training,
 * whose range is float32's) passes the loss through and steps every time. Its state (scale and growth tracker) goes
 * into checkpoints ({@link #state}).
 */
public final class GradScaler {
    /** PyTorch's defaults. */
    public static final double INIT_SCALE = 65536;
    public static final double GROWTH_FACTOR = 2;
    public static final double BACKOFF_FACTOR = 0.5;
    public static final int GROWTH_INTERVAL = 2000;
    /** The largest growth interval a float32 count holds exactly. */
    static final int MAX_GROWTH_INTERVAL = 1 << 24;

    private final boolean enabled;
    private final double growthFactor;
    private final double backoffFactor;
    private final int growthInterval;
    private double initialScale; // the scale until the device state exists (a new or restored scaler)
    private int initialTracker;
    private Device device; // where scale, tracker and skipped live, once made
    private Tensor scale;    // float32 scalar
    private Tensor tracker;  // float32 scalar: good steps since the scale last changed
    private Tensor skipped;  // float32 scalar: skipped steps since creation
    private final Map<Optimizer, Tensor> foundInf = new IdentityHashMap<>(); // per optimizer unscaled this step: 1 or 0
    private final Set<Optimizer> stepped = Collections.newSetFromMap(new IdentityHashMap<>());

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
        if (!(growthFactor > 1) || Double.isInfinite(growthFactor)) {
            throw new IllegalArgumentException("GradScaler: growthFactor must be finite and > 1, got " + growthFactor);
        }
        if (!(backoffFactor > 0 && backoffFactor < 1)) {
            throw new IllegalArgumentException("GradScaler: backoffFactor must be in (0, 1), got " + backoffFactor);
        }
        if (growthInterval < 1 || growthInterval > MAX_GROWTH_INTERVAL) {
            throw new IllegalArgumentException("GradScaler: growthInterval must be in [1, 2^24] (a float32 count on "
                    + "the device), got " + growthInterval);
        }
        this.enabled = enabled;
        this.initialScale = initScale;
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

    /** The current scale (1 when disabled); read from the device once it is there. */
    public double scale() {
        return scale == null ? initialScale : scale.item();
    }

    /** Good steps since the scale last changed; read from the device once it is there. */
    public int growthTracker() {
        return tracker == null ? initialTracker : (int) tracker.item();
    }

    /** Steps skipped for an inf or NaN gradient since this scaler was created (not saved in checkpoints). */
    public long skippedSteps() {
        return skipped == null ? 0 : (long) skipped.item();
    }

    /**
     * {@code loss} times the scale (a recorded op, so backward sees it); the loss itself when disabled. A float16 or
     * bfloat16 loss is scaled in float32, as PyTorch's float32 scale promotes it: the default scale, 65536, is beyond
     * float16's range, and the scaled loss would be infinite.
     */
    public Tensor scale(Tensor loss) {
        if (!enabled) {
            return loss;
        }
        Tensor wide = loss.dtype().bytes() < 4 ? loss.to(DType.F32) : loss;
        return wide.mul(like(state(wide.device()), wide));
    }

    /**
     * Divides the gradients of {@code optimizer}'s parameters by the scale, in place of the old ones, and records on
     * the device whether any holds an inf or NaN. Once per optimizer and step: call it before reading the true
     * gradients (clipping); {@link #step} calls it otherwise.
     */
    public void unscale(Optimizer optimizer) {
        if (!enabled) {
            return;
        }
        if (foundInf.containsKey(optimizer)) {
            throw new IllegalStateException("GradScaler.unscale: this optimizer's gradients were already unscaled "
                    + "since the last update(); call unscale once per step, then step and update");
        }
        optimizer.parameters().forEach((name, p) -> { // before any gradient changes, as PyTorch checks them all first
            if (p.grad() != null && p.requiresGrad() && p.grad().dtype() == DType.F16) { // "Attempting to unscale FP16"
                throw new IllegalStateException("GradScaler.unscale: parameter '" + name + "' has float16 gradients; the "
                        + "scaler unscales float32 master weights' gradients: keep the model in float32 and run it "
                        + "under Autocast.enable(DType.F16) instead of converting it");
            }
        });
        Tensor nonFinite = null; // Σ 0·g over every gradient in float32: exactly 0, or NaN when an element is inf or NaN
        try (GradMode.Scope off = GradMode.off(); Autocast.Scope plain = Autocast.disable()) {
            Tensor s = null;
            Tensor inverse = null;
            for (Parameter p : optimizer.parameters().values()) {
                Tensor g = p.grad();
                if (g == null || !p.requiresGrad()) {
                    continue;
                }
                if (s == null) {
                    s = state(g.device());
                    inverse = s.scalarLike(1).div(s);
                }
                Tensor unscaled = g.mul(like(inverse, g));
                p.value().setGrad(unscaled);
                Tensor part = unscaled.mul(0).sum().to(DType.F32);
                nonFinite = nonFinite == null ? part : nonFinite.add(part.to(nonFinite.device()));
            }
            Tensor flag = nonFinite == null // no gradients: nothing overflowed
                    ? Tensor.zeros(optimizer.parameters().values().iterator().next().value().device(), DType.F32)
                    : nonFinite.scalarLike(1).sub(nonFinite.eq(nonFinite)); // NaN ≠ NaN: 1 on overflow, else 0
            foundInf.put(optimizer, flag);
        }
    }

    /**
     * Unscales {@code optimizer}'s gradients unless {@link #unscale} already did this step, then takes its step unless a
     * gradient holds an inf or NaN, decided on the device ({@link Optimizer#step(Tensor)}: an optimizer that cannot
     * skip there reads the flag, a wait).
     */
    public void step(Optimizer optimizer) {
        if (!enabled) {
            optimizer.step();
            return;
        }
        if (stepped.contains(optimizer)) {
            throw new IllegalStateException("GradScaler.step: step was already called for this optimizer since the "
                    + "last update(); call update() once per step");
        }
        if (!foundInf.containsKey(optimizer)) {
            unscale(optimizer);
        }
        optimizer.step(foundInf.get(optimizer));
        stepped.add(optimizer);
    }

    /**
     * Ends the step, on the device: halves the scale (backoff) when any optimizer's gradients held an inf or NaN, else
     * counts a good step and grows the scale after {@code growthInterval} of them in a row, unless the grown scale
     * would not be a finite float32 (PyTorch's {@code _amp_update_scale_}).
     */
    public void update() {
        if (!enabled) {
            return;
        }
        if (foundInf.isEmpty()) {
            throw new IllegalStateException("GradScaler.update: no gradients were unscaled or stepped since the last "
                    + "update(); call step(optimizer) first");
        }
        try (GradMode.Scope off = GradMode.off(); Autocast.Scope plain = Autocast.disable()) {
            state(foundInf.values().iterator().next().device()); // made here when no loss was scaled
            Tensor found = null;
            for (Tensor f : foundInf.values()) {
                Tensor here = f.to(device);
                found = found == null ? here : found.maximum(here);
            }
            // flags are exactly 0 or 1, so each product below selects: one term of the factor is not 0
            Tensor keep = found.scalarLike(1).sub(found);
            Tensor counted = tracker.add(1).mul(keep);                      // good steps in a row
            Tensor grow = counted.eq(counted.scalarLike(growthInterval));   // 1: the interval is reached
            Tensor factor = found.mul(backoffFactor).add(grow.mul(growthFactor)).add(keep.sub(grow));
            Tensor next = scale.mul(factor);
            Tensor finite = next.sub(next).eq(next.scalarLike(0)); // inf − inf is NaN: never grow past float32's range
            scale.copyFrom(Tensor.where(finite, next, scale));
            tracker.copyFrom(counted.mul(grow.scalarLike(1).sub(grow)));
            skipped.copyFrom(skipped.add(found));
        }
        foundInf.clear();
        stepped.clear();
    }

    /**
     * Forgets the bookkeeping of a step that did not finish: work that called {@link #unscale} or {@link #step} but
     * never ran (a graph capture that failed midway). The scale and counts are as the last {@link #update} left them.
     */
    public void forgetStep() {
        foundInf.clear();
        stepped.clear();
    }

    /** The scale and growth tracker, as float64 scalars by name, for checkpoints (a read of the device). */
    public Map<String, Tensor> state() {
        Map<String, Tensor> out = new LinkedHashMap<>();
        out.put("scale", Tensor.scalar(Device.reference(), DType.F64, scale()));
        out.put("growth_tracker", Tensor.scalar(Device.reference(), DType.F64, growthTracker()));
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
        initialScale = v;
        initialTracker = (int) g.item();
        if (scale != null) {
            scale.copyFrom(new double[] {v});
            tracker.copyFrom(new double[] {initialTracker});
        }
        foundInf.clear();
        stepped.clear();
    }

    /**
     * The scale on {@code where}, making the device state there at first use (outside memory scopes: it lives across
     * steps; the first step runs eagerly before any capture); a copy when the state lives on another device.
     */
    private Tensor state(Device where) {
        if (scale == null) {
            device = where;
            scale = MemoryScope.outside(() -> Tensor.scalar(where, DType.F32, initialScale));
            tracker = MemoryScope.outside(() -> Tensor.scalar(where, DType.F32, initialTracker));
            skipped = MemoryScope.outside(() -> Tensor.zeros(where, DType.F32));
        }
        return scale.to(where);
    }

    /** The scalar {@code s} on {@code t}'s device and of its type. */
    private static Tensor like(Tensor s, Tensor t) {
        Tensor there = s.to(t.device());
        return there.dtype() == t.dtype() ? there : there.to(t.dtype());
    }
}

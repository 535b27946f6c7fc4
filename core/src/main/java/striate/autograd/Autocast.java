package striate.autograd;

import striate.tensor.DType;

/**
 * Mixed precision's autocast (PyTorch's {@code torch.autocast}): inside
 * {@code try (var a = Autocast.enable(DType.BF16)) { ... }} every op dispatched on this thread takes its inputs in
 * the type {@link AutocastPolicy} gives it: matmul and convolution in the low type, softmax, losses, sums and
 * normalizations in float32, the rest in the widest of their inputs' types. The casts are recorded ops, so the
 * gradients of float32 parameters (master weights) come back in float32 through the casts' backward. Scoped and
 * per-thread like {@code GradMode}: scopes nest, {@link #disable()} turns it off inside one, and closing a scope
 * restores the mode it found. Backward passes run with it off, in the types the forward pass chose.
 */
public final class Autocast {
    private static final ThreadLocal<DType> LOW = new ThreadLocal<>(); // null: off

    private Autocast() {
    }

    /** True inside an {@link #enable} scope on this thread (and not inside a {@link #disable} scope within it). */
    public static boolean isEnabled() {
        return LOW.get() != null;
    }

    /** The low-precision type of the innermost enabled scope; an error when autocast is off. */
    public static DType dtype() {
        DType low = LOW.get();
        if (low == null) {
            throw new IllegalStateException("Autocast.dtype(): autocast is off on this thread; read it inside "
                    + "Autocast.enable(DType.BF16 or DType.F16)");
        }
        return low;
    }

    /** Runs ops in {@code low} (bfloat16 or float16) per the policy until the returned scope closes. */
    public static Scope enable(DType low) {
        if (!low.isLowPrecision()) {
            throw new IllegalArgumentException("Autocast.enable: " + low + " is not a low-precision type; use "
                    + "DType.BF16 or DType.F16 (float32 needs no autocast)");
        }
        return set(low);
    }

    /** Turns autocast off until the returned scope closes, even inside an {@link #enable} scope. */
    public static Scope disable() {
        return set(null);
    }

    private static final ThreadLocal<ScopeStack> OPEN = ThreadLocal.withInitial(ScopeStack::new);

    private static Scope set(DType low) {
        DType previous = LOW.get();
        LOW.set(low);
        Runnable restore = OPEN.get().push("Autocast", () -> LOW.set(previous));
        return restore::run;
    }

    /** Restores the previous mode on close. */
    public interface Scope extends AutoCloseable {
        @Override
        void close();
    }
}

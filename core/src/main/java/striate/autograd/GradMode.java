package striate.autograd;

/**
 * Whether ops record themselves for backward on the current thread. Evaluation, optimizer steps and the
 * backward pass itself run with recording off: {@code try (var off = GradMode.off()) { ... }}; a gradient taken
 * with {@code Tape.grad(..., createGraph = true)} is computed with recording on, so it can be differentiated again.
 */
public final class GradMode {
    private static final ThreadLocal<Boolean> ENABLED = ThreadLocal.withInitial(() -> Boolean.TRUE);
    private static final ThreadLocal<ScopeStack> OPEN = ThreadLocal.withInitial(ScopeStack::new);

    private GradMode() {
    }

    public static boolean isEnabled() {
        return ENABLED.get();
    }

    /** Turns recording off until the returned scope closes; scopes nest. */
    public static Scope off() {
        return set(false);
    }

    /** Turns recording on until the returned scope closes, even inside an {@link #off()} scope; scopes nest. */
    public static Scope on() {
        return set(true);
    }

    private static Scope set(boolean enabled) {
        boolean previous = ENABLED.get();
        ENABLED.set(enabled);
        Runnable restore = OPEN.get().push("GradMode", () -> ENABLED.set(previous));
        return restore::run;
    }

    /** Restores the previous mode on close. */
    public interface Scope extends AutoCloseable {
        @Override
        void close();
    }
}

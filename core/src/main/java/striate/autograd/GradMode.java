package striate.autograd;

/**
 * Whether ops record themselves for backward on the current thread. Evaluation, optimizer steps and the
 * backward pass itself run with recording off: {@code try (var off = GradMode.off()) { ... }}.
 */
public final class GradMode {
    private static final ThreadLocal<Boolean> ENABLED = ThreadLocal.withInitial(() -> Boolean.TRUE);

    private GradMode() {
    }

    public static boolean isEnabled() {
        return ENABLED.get();
    }

    /** Turns recording off until the returned scope closes; scopes nest. */
    public static Scope off() {
        boolean previous = ENABLED.get();
        ENABLED.set(Boolean.FALSE);
        return () -> ENABLED.set(previous);
    }

    /** Restores the previous mode on close. */
    public interface Scope extends AutoCloseable {
        @Override
        void close();
    }
}

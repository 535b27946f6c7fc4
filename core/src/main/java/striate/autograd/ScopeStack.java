package striate.autograd;

import java.util.ArrayDeque;

/**
 * One thread's open scopes of one kind ({@link GradMode}'s, {@link Autocast}'s), innermost last. Each scope restores
 * the mode it found, so scopes must close innermost first (as try-with-resources closes them): closing an outer one
 * first would leave the thread in the inner scope's mode after both closed, silently. That is refused.
 */
final class ScopeStack {
    private final ArrayDeque<Object> open = new ArrayDeque<>();

    /**
     * Records a scope of {@code kind} opened on this thread; the returned action closes it: it runs {@code restore}
     * once (a second close does nothing), and throws when a scope opened inside it is still open.
     */
    Runnable push(String kind, Runnable restore) {
        Object token = new Object();
        open.addLast(token);
        boolean[] closed = {false};
        return () -> {
            if (closed[0]) {
                return;
            }
            if (open.peekLast() != token) {
                throw new IllegalStateException("a " + kind + " scope must close after the " + kind + " scopes opened "
                        + "inside it (close scopes in reverse order, as try-with-resources does)");
            }
            open.removeLast();
            closed[0] = true;
            restore.run();
        };
    }
}

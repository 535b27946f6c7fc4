package striate.tensor;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * Deterministic release of tensor memory. While a scope is open, the memory of every tensor the thread
 * allocates on a host backend (reference, cpu) comes from that backend's {@link HostMemoryPool} and belongs to
 * the thread's innermost open scope, and so does device memory a device backend (cuda) allocates; {@link #close} gives it back to the pool at once, to be reused by the next
 * allocation of that size instead of new, page-faulting memory. A tensor whose memory went back fails on any
 * later read or write with an {@link IllegalStateException} ("tensor used after its MemoryScope closed"); it never
 * reads recycled memory on the scope's thread. A scope's tensors are its thread's: the check is made when a read or
 * write starts, and closing does not wait for other threads, so another thread still reading one while the scope
 * closes may read the values of the block's next owner. Give other threads a tensor kept past the scope (or a copy
 * made outside any scope).
 *
 * <p>Tensors allocated outside the scope (before it opened, under {@link #outside}, or with no scope open at
 * all) are garbage-collected as before and not affected. {@link #keep} lets a tensor outlive the scope.
 *
 * <p>Scopes belong to the thread that opened them and nest: each thread has a stack of open scopes (a
 * thread-local, innermost on top), and a scope must close after the scopes opened inside it, on its own thread.
 * Kernels allocate their outputs on the calling thread (intra-op worker threads allocate no tensors), so a whole
 * step runs inside one scope:
 * <pre>{@code
 * try (MemoryScope step = MemoryScope.open()) {
 *     Tensor loss = Losses.crossEntropy(model.forward(x), y);
 *     double value = loss.item();   // read what you need before close
 *     loss.backward();
 *     optimizer.step();             // parameters and optimizer state live outside the scope
 *     optimizer.zeroGrad();         // the gradients belong to the step
 * }
 * }</pre>
 */
public final class MemoryScope implements AutoCloseable {
    private static final ThreadLocal<MemoryScope> CURRENT = new ThreadLocal<>(); // top of this thread's stack

    private final MemoryScope parent;
    private final Thread thread = Thread.currentThread();
    private final List<ScopeOwned> owned = new ArrayList<>();
    private boolean closed;

    private MemoryScope(MemoryScope parent) {
        this.parent = parent;
    }

    /** Opens a scope on this thread, inside the current one if any. */
    public static MemoryScope open() {
        MemoryScope scope = new MemoryScope(CURRENT.get());
        CURRENT.set(scope);
        return scope;
    }

    /** This thread's innermost open scope, or null. */
    static MemoryScope current() {
        return CURRENT.get();
    }

    /** True while this thread works inside a memory scope, whose tensors come from its backend's pool. */
    public static boolean active() {
        return current() != null;
    }

    /**
     * Runs {@code body} as if no scope were open on this thread, so what it allocates is garbage-collected and
     * outlives every scope: for state created lazily during a step, such as optimizer buffers.
     */
    public static <T> T outside(Supplier<T> body) {
        MemoryScope current = CURRENT.get();
        CURRENT.set(null);
        try {
            return body.get();
        } finally {
            CURRENT.set(current);
        }
    }

    /**
     * Lets {@code t}'s memory (and so every view of it) outlive this scope: it passes to the enclosing scope, or,
     * when this is the outermost one, is copied to garbage-collected memory. Tensors this scope does not own are
     * left alone. Only the values are kept, not the gradient or the autograd graph. Returns {@code t}.
     */
    public Tensor keep(Tensor t) {
        checkThread("keep a tensor of");
        if (closed) {
            throw new IllegalStateException("keep() on a closed MemoryScope");
        }
        if (t.storage() instanceof ScopeOwned h && disown(h)) {
            if (parent != null) {
                parent.owned.add(h);
            } else {
                h.leaveScopes();
            }
        }
        return t;
    }

    private boolean disown(ScopeOwned h) {
        for (int i = owned.size() - 1; i >= 0; i--) { // kept tensors are usually among the last allocated
            if (owned.get(i) == h) {
                owned.remove(i);
                return true;
            }
        }
        return false;
    }

    /** Takes ownership of pooled memory just allocated on this thread. */
    void own(ScopeOwned h) {
        owned.add(h);
    }

    /**
     * For backends: hands memory just allocated on this thread to the thread's innermost open scope, which releases
     * it when it closes. Returns false, and leaves {@code memory} alone, when no scope is open.
     */
    public static boolean adopt(ScopeOwned memory) {
        MemoryScope scope = CURRENT.get();
        if (scope == null) {
            return false;
        }
        scope.own(memory);
        return true;
    }

    /** How many storages this scope will release when it closes. */
    public int size() {
        return owned.size();
    }

    /** Gives every block this scope owns back to its pool; their tensors fail on access from now on. Idempotent. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        checkThread("close");
        if (CURRENT.get() != this) {
            throw new IllegalStateException("a MemoryScope must close after the scopes opened inside it");
        }
        closed = true;
        CURRENT.set(parent);
        for (ScopeOwned h : owned) {
            h.release();
        }
        owned.clear();
    }

    private void checkThread(String what) {
        if (Thread.currentThread() != thread) {
            throw new IllegalStateException("cannot " + what + " a MemoryScope opened by thread '" + thread.getName()
                    + "' from thread '" + Thread.currentThread().getName() + "'");
        }
    }
}

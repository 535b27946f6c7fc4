package striate.cuda;

import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Set;
import striate.tensor.Tensor;

/**
 * Frees device memory deterministically: every tensor a {@link CudaBackend} allocates on this thread while the scope
 * is open belongs to it, and {@link #close} frees them all, except those handed to {@link #keep}. Scopes nest; a
 * kept tensor moves to the enclosing scope, if any. A training step in a scope allocates nothing that outlives it:
 * <pre>{@code
 * try (CudaScope s = cuda.scope()) {
 *     Tensor loss = ...; loss.backward(); opt.step(); value = loss.item(); opt.zeroGrad();
 * }
 * }</pre>
 */
public final class CudaScope implements AutoCloseable {
    private final CudaScope parent;
    private final ThreadLocal<CudaScope> current;
    private final Set<CudaStorage> owned = Collections.newSetFromMap(new IdentityHashMap<>());
    private boolean closed;

    CudaScope(CudaScope parent, ThreadLocal<CudaScope> current) {
        this.parent = parent;
        this.current = current;
    }

    void adopt(CudaStorage s) {
        owned.add(s);
    }

    /** Keeps {@code t}'s memory alive past this scope (it moves to the enclosing scope); returns t. */
    public Tensor keep(Tensor t) {
        if (t.storage() instanceof CudaStorage s && owned.remove(s) && parent != null) {
            parent.adopt(s);
        }
        return t;
    }

    /** Number of storages this scope will free. */
    public int size() {
        return owned.size();
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        if (current.get() != this) {
            throw new IllegalStateException("CudaScope closed out of order or on another thread");
        }
        closed = true;
        owned.forEach(CudaStorage::close);
        owned.clear();
        current.set(parent);
    }
}

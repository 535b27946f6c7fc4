package striate.op;

import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/** The kernels of one backend, one per op class. Filled once by the backend, then read-only. */
public final class KernelTable {
    private final String backend;
    private final Map<Class<? extends Op>, Kernel<?>> kernels;

    private KernelTable(String backend, Map<Class<? extends Op>, Kernel<?>> kernels) {
        this.backend = backend;
        this.kernels = Map.copyOf(kernels);
    }

    public static Builder builder(String backend) {
        return new Builder(backend);
    }

    /** The kernel for {@code op}, or a {@link MissingKernelException} naming op and backend. */
    @SuppressWarnings("unchecked")
    public <O extends Op> Kernel<O> get(O op) {
        Kernel<?> k = kernels.get(op.getClass());
        if (k == null) {
            throw new MissingKernelException(op.name(), backend);
        }
        return (Kernel<O>) k;
    }

    /** The op classes this table covers. */
    public Set<Class<? extends Op>> ops() {
        return Collections.unmodifiableSet(kernels.keySet());
    }

    /** Collects kernels; a second kernel for one op is an error. */
    public static final class Builder {
        private final String backend;
        private final Map<Class<? extends Op>, Kernel<?>> kernels = new HashMap<>();

        private Builder(String backend) {
            this.backend = backend;
        }

        public <O extends Op> Builder put(Class<O> op, Kernel<? super O> kernel) {
            if (kernels.putIfAbsent(op, kernel) != null) {
                throw new IllegalStateException(backend + ": two kernels for " + op.getSimpleName());
            }
            return this;
        }

        /** Copies every kernel of {@code other} that this builder has not got yet. */
        public Builder putAllAbsent(KernelTable other) {
            other.kernels.forEach(kernels::putIfAbsent);
            return this;
        }

        public KernelTable build() {
            return new KernelTable(backend, kernels);
        }
    }
}

package striate.op;

import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import striate.tensor.Tensor;

/**
 * The kernels of one backend: for each op class, the kernel that serves it, by name. A backend fills it op by op,
 * once, and it is read-only after. A backend that serves an op with a reference kernel on purpose registers that
 * here with the reason ({@link Builder#reference}); so does one whose own kernel leaves some inputs (float64, say)
 * to the reference ({@link Builder#put(Class, String, Kernel, Serves, String)}). Nothing else falls back: an op
 * without an entry is a {@link MissingKernelException} naming op and backend.
 */
public final class KernelTable {
    private final String backend;
    private final Map<Class<? extends Op>, Slot> slots;

    /**
     * One kernel as a table holds it: its name ("CpuConv2d"), the backend whose code it is ("cpu", or "reference"
     * for a borrowed one), the kernel, and why it is used when it is a reference kernel in another backend's table
     * (null otherwise).
     */
    public record Entry(String name, String backend, Kernel<?> kernel, String reason) {
    }

    /** The inputs a backend's own kernel takes; the table hands the others to its declared reference kernel. */
    @FunctionalInterface
    public interface Serves<O extends Op> {
        boolean test(O op, Tensor[] inputs);
    }

    /** What serves one op: {@code own}, or {@code otherwise} (a reference entry) for inputs {@code serves} refuses. */
    private record Slot(Entry own, Serves<Op> serves, Entry otherwise) {
    }

    private KernelTable(String backend, Map<Class<? extends Op>, Slot> slots) {
        this.backend = backend;
        this.slots = Map.copyOf(slots);
    }

    /** A table for {@code backend} that borrows nothing from the reference. */
    public static Builder builder(String backend) {
        return new Builder(backend, null);
    }

    /** A table for {@code backend} whose declared reference uses come from {@code reference}. */
    public static Builder builder(String backend, KernelTable reference) {
        return new Builder(backend, reference);
    }

    /** The backend this table belongs to. */
    public String backend() {
        return backend;
    }

    /** The entry that runs {@code op} on {@code inputs}, or a {@link MissingKernelException} naming op and backend. */
    public Entry entry(Op op, Tensor[] inputs) {
        Slot s = slots.get(op.getClass());
        if (s == null) {
            throw new MissingKernelException(op.name(), backend);
        }
        return s.serves == null || s.serves.test(op, inputs) ? s.own : s.otherwise;
    }

    /** The entry that serves {@code op}'s usual inputs, or null when the table has none. */
    public Entry entryFor(Class<? extends Op> op) {
        Slot s = slots.get(op);
        return s == null ? null : s.own;
    }

    /** The op classes this table covers: by a kernel of its backend's own or by a declared reference kernel. */
    public Set<Class<? extends Op>> ops() {
        return Collections.unmodifiableSet(slots.keySet());
    }

    /**
     * Every reference kernel this table uses, by op (simple class name, sorted): the reason given for the whole op,
     * or for the inputs the backend's own kernel leaves to the reference.
     */
    public Map<String, String> referenceUses() {
        Map<String, String> uses = new TreeMap<>();
        slots.forEach((op, s) -> {
            Entry borrowed = s.own.reason != null ? s.own : s.otherwise;
            if (borrowed != null) {
                uses.put(op.getSimpleName(), borrowed.reason);
            }
        });
        return uses;
    }

    /** Collects one entry per op; a second entry for one op is an error. */
    public static final class Builder {
        private final String backend;
        private final KernelTable reference;
        private final Map<Class<? extends Op>, Slot> slots = new HashMap<>();

        private Builder(String backend, KernelTable reference) {
            this.backend = backend;
            this.reference = reference;
        }

        /** {@code kernel}, this backend's own, named {@code name}, serves every input of {@code op}. */
        public <O extends Op> Builder put(Class<O> op, String name, Kernel<? super O> kernel) {
            return add(op, new Slot(new Entry(name, backend, kernel, null), null, null));
        }

        /**
         * {@code kernel} serves the inputs {@code serves} accepts; the reference kernel serves the others, for the
         * reason {@code otherwise} gives (which inputs, and why they are left to it).
         */
        @SuppressWarnings("unchecked")
        public <O extends Op> Builder put(Class<O> op, String name, Kernel<? super O> kernel, Serves<? super O> serves,
                                          String otherwise) {
            return add(op, new Slot(new Entry(name, backend, kernel, null), (Serves<Op>) serves,
                    borrowed(op, otherwise)));
        }

        /** The reference kernel serves {@code op} on this backend, on purpose, for the reason {@code why}. */
        public Builder reference(Class<? extends Op> op, String why) {
            return add(op, new Slot(borrowed(op, why), null, null));
        }

        private Entry borrowed(Class<? extends Op> op, String why) {
            if (reference == null) {
                throw new IllegalStateException(backend + ": a reference kernel for " + op.getSimpleName()
                        + " needs the reference table (KernelTable.builder(backend, reference))");
            }
            if (why == null || why.isBlank()) {
                throw new IllegalArgumentException(backend + ": say why " + op.getSimpleName()
                        + " uses the reference kernel");
            }
            Entry r = reference.entryFor(op);
            if (r == null) {
                throw new MissingKernelException(op.getSimpleName(), reference.backend);
            }
            return new Entry(r.name, r.backend, r.kernel, why);
        }

        private Builder add(Class<? extends Op> op, Slot slot) {
            if (slots.putIfAbsent(op, slot) != null) {
                throw new IllegalStateException(backend + ": two kernels for " + op.getSimpleName());
            }
            return this;
        }

        public KernelTable build() {
            return new KernelTable(backend, slots);
        }
    }
}

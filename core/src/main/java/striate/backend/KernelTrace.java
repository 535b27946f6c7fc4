package striate.backend;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import striate.op.Kernel;
import striate.op.KernelTable;
import striate.op.Op;
import striate.tensor.Tensor;

/**
 * Which kernel ran for each op. Off by default; on for a thread while it holds an open {@link Recorder} (tests:
 * {@code try (KernelTrace.Recorder r = KernelTrace.record()) { ... } r.events()}), and for every thread of the JVM
 * with {@code -Dstriate.trace=kernels}, which prints a count per (op, kernel, path) to stderr when the JVM exits,
 * most frequent first, kernels borrowed from the reference marked. {@link Backend#execute} reads one static boolean
 * per op ({@link #on}) and does nothing else while the trace is off. A kernel that chooses among algorithms names
 * the one it took with {@link #path}, on the thread that called it.
 */
public final class KernelTrace {
    /** The value of {@code -Dstriate.trace} that turns the trace on for the whole JVM. */
    public static final String PROPERTY_VALUE = "kernels";
    private static final boolean WHOLE_JVM = wholeJvm(System.getProperty("striate.trace"));
    private static final Map<Event, LongAdder> COUNTS = new ConcurrentHashMap<>();
    private static final ThreadLocal<PerThread> THREAD = ThreadLocal.withInitial(PerThread::new);
    private static final Object LOCK = new Object();
    private static int openRecorders;
    /** WHOLE_JVM, or a recorder open on some thread: the one read a traced-off op pays. */
    private static boolean on = WHOLE_JVM;

    static {
        if (WHOLE_JVM) {
            Runtime.getRuntime().addShutdownHook(new Thread(() -> System.err.print(summary(snapshot())),
                    "striate-kernel-trace"));
        }
    }

    private KernelTrace() {
    }

    /**
     * One kernel run: the op ({@code Op.name()}), the backend that ran it, the kernel's name and the backend whose
     * code it is ("reference" for a borrowed kernel), and the algorithm it took (null when it names none).
     */
    public record Event(String op, String backend, String kernel, String kernelBackend, String path) {
        /** Whether a reference kernel ran for another backend. */
        public boolean borrowed() {
            return !kernelBackend.equals(backend);
        }

        @Override
        public String toString() {
            return op + " → " + kernel + (path == null ? "" : " [" + path + "]") + (borrowed() ? " (reference)" : "");
        }
    }

    /** The events of one thread while open; opened by {@link #record}, closed by try-with-resources. */
    public static final class Recorder implements AutoCloseable {
        private final List<Event> events = new ArrayList<>();
        private final Recorder outer;
        private boolean open = true;

        private Recorder(Recorder outer) {
            this.outer = outer;
        }

        /** The kernel runs in order. */
        public List<Event> events() {
            return List.copyOf(events);
        }

        /** How often each (op, kernel, path) ran, in order of first run. */
        public Map<Event, Long> counts() {
            Map<Event, Long> c = new LinkedHashMap<>();
            events.forEach(e -> c.merge(e, 1L, Long::sum));
            return c;
        }

        /** The counts as the exit summary prints them. */
        public String summary() {
            return KernelTrace.summary(counts());
        }

        /** Stops recording; the thread's enclosing recorder, if any, records again. */
        @Override
        public void close() {
            if (!open) {
                return;
            }
            open = false;
            PerThread t = THREAD.get();
            if (t.recorder != this) {
                throw new IllegalStateException("kernel trace recorders close innermost first, on their own thread");
            }
            t.recorder = outer;
            synchronized (LOCK) {
                openRecorders--;
                on = WHOLE_JVM || openRecorders > 0;
            }
        }
    }

    /** What one thread is tracing: its innermost recorder and the path of the kernel running now. */
    private static final class PerThread {
        Recorder recorder;
        String path;
    }

    /** Opens a recorder on this thread: every kernel this thread runs until it closes is recorded in it. */
    public static Recorder record() {
        PerThread t = THREAD.get();
        Recorder r = new Recorder(t.recorder);
        t.recorder = r;
        synchronized (LOCK) {
            openRecorders++;
            on = true;
        }
        return r;
    }

    /** Whether any kernel run may be recorded now. */
    public static boolean on() {
        return on;
    }

    /** Names the algorithm the running kernel took ("direct", "openblas"); nothing while the trace is off. */
    public static void path(String path) {
        if (on) {
            THREAD.get().path = path;
        }
    }

    /** Runs {@code entry}'s kernel for {@code backend} and records it; {@link Backend#execute} calls it when on. */
    @SuppressWarnings("unchecked")
    static void run(Backend backend, Op op, KernelTable.Entry entry, Tensor[] inputs, Tensor output) {
        PerThread t = THREAD.get();
        String outerPath = t.path; // a kernel may run ops itself (a copy to make an input dense)
        t.path = null;
        try {
            ((Kernel<Op>) entry.kernel()).run(op, inputs, output);
        } finally {
            Event e = new Event(op.name(), backend.name(), entry.name(), entry.backend(), t.path);
            t.path = outerPath;
            if (t.recorder != null) {
                t.recorder.events.add(e);
            }
            if (WHOLE_JVM) {
                COUNTS.computeIfAbsent(e, k -> new LongAdder()).increment();
            }
        }
    }

    private static Map<Event, Long> snapshot() {
        Map<Event, Long> c = new LinkedHashMap<>();
        COUNTS.forEach((e, n) -> c.put(e, n.sum()));
        return c;
    }

    /** A table of counts, most frequent first: count, op, kernel [path], and "(reference)" for borrowed kernels. */
    static String summary(Map<Event, Long> counts) {
        long total = counts.values().stream().mapToLong(Long::longValue).sum();
        long borrowed = counts.entrySet().stream().filter(e -> e.getKey().borrowed())
                .mapToLong(Map.Entry::getValue).sum();
        StringBuilder sb = new StringBuilder("kernel trace: " + total + " kernel runs, " + borrowed
                + " on reference kernels\n");
        counts.entrySet().stream()
                .sorted(Map.Entry.<Event, Long>comparingByValue().reversed()
                        .thenComparing(e -> e.getKey().toString()))
                .forEach(e -> sb.append(String.format("%10d  %s on %s%n", e.getValue(), e.getKey(),
                        e.getKey().backend())));
        return sb.toString();
    }

    private static boolean wholeJvm(String property) {
        if (property == null || property.isBlank()) {
            return false;
        }
        if (property.trim().equals(PROPERTY_VALUE)) {
            return true;
        }
        System.err.println("striate: -Dstriate.trace=" + property + " is not a trace; the one there is: -Dstriate.trace="
                + PROPERTY_VALUE);
        return false;
    }
}

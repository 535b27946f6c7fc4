package striate.backend;

import java.util.ArrayList;
import java.util.List;
import striate.op.InPlaceOp;
import striate.op.Op;
import striate.tensor.HostStorage;
import striate.tensor.MemoryScope;
import striate.tensor.Tensor;

/**
 * A host backend's captured graph: the kernel calls, copies and zeroings that some work asked of one backend, in
 * order, rerun by {@link #replay}. What CUDA graphs do for a GPU, done by recording: the same rules hold (the work
 * does not run at capture, its tensors keep their memory, host values are frozen, reading values during the capture
 * is refused), so code written for {@code --cuda-graphs} is checked on the CPU, and a replay skips the Java work of
 * the step (autograd, dispatch, shape checks). As a CUDA capture refuses copies from host memory, this one refuses
 * writes of host values into the device's tensors (a copy from a tensor made of Java values, {@code copyFrom} of an
 * array); {@link striate.tensor.Tensor#full} fills float32 on the device instead. Memory made during the capture is
 * garbage-collected memory that the graph holds, never a {@link MemoryScope}'s; captured inside a scope (as the
 * trainers capture), native whatever its size, as the scope's would be ({@link HostBackend#allocateOutput}). One capture at a time per thread; the capturing thread may not use
 * another host backend meanwhile (its work would run now, on values not computed yet). A replay counts what it writes
 * in the storages' version counters, as the eager calls do, so autograd refuses a backward that would read values a
 * replay overwrote.
 */
public final class HostGraph implements CapturedGraph {
    private static final ThreadLocal<HostGraph> CAPTURING = new ThreadLocal<>();

    private final HostBackend backend;
    /**
     * Whether the capture began inside a memory scope, whose memory is native whatever its size: the graph's outputs
     * are then native too, so that the kernels take the loops they take in the eager, scoped step (outside a scope a
     * small output is a heap segment, which they run on plain loops, not always to the same bits).
     */
    private final boolean scoped;
    private List<Runnable> calls = new ArrayList<>();

    private HostGraph(HostBackend backend, boolean scoped) {
        this.backend = backend;
        this.scoped = scoped;
    }

    /** Records what {@code work} asks of {@code backend}; see {@link Backend#captureGraph}. */
    static HostGraph capture(HostBackend backend, Runnable work) {
        if (CAPTURING.get() != null) {
            throw new IllegalStateException("a graph is already being captured on this thread (on "
                    + CAPTURING.get().backend.device() + "); captures do not nest");
        }
        HostGraph graph = new HostGraph(backend, MemoryScope.active());
        CAPTURING.set(graph);
        try {
            MemoryScope.outside(() -> {
                work.run();
                return null;
            });
        } catch (RuntimeException | Error e) {
            graph.close();
            throw e;
        } finally {
            CAPTURING.remove();
        }
        return graph;
    }

    /**
     * The graph that {@code backend} is capturing on this thread, or null when this thread captures nothing. Work for
     * another host backend during a capture is refused: it would run now, reading values not yet computed.
     */
    static HostGraph recording(HostBackend backend, String what) {
        HostGraph graph = CAPTURING.get();
        if (graph != null && graph.backend != backend) {
            throw new IllegalStateException(what + " on " + backend.device() + " while a graph of "
                    + graph.backend.device() + " is being captured on this thread: only that device's work can be "
                    + "captured");
        }
        return graph;
    }

    /** The graph that {@code backend} is capturing on this thread, or null (memory of other backends may be made). */
    static HostGraph capturedBy(HostBackend backend) {
        HostGraph graph = CAPTURING.get();
        return graph != null && graph.backend == backend ? graph : null;
    }

    /**
     * Refuses a read of tensor values ({@code what}: "item()", "toDoubleArray()") on a thread that is capturing a host
     * graph: the captured work has not run, so the values are not there yet.
     */
    public static void refuseRead(String what) {
        HostGraph graph = CAPTURING.get();
        if (graph != null) {
            throw new IllegalStateException(what + " reads tensor values while a graph of " + graph.backend.device()
                    + " is being captured: captured work runs at replay(), so read results after a replay");
        }
    }

    /** Whether this graph's outputs are native memory whatever their size (see {@link #scoped}). */
    boolean nativeOutputs() {
        return scoped;
    }

    /** True while this thread captures a host graph. */
    public static boolean capturing() {
        return CAPTURING.get() != null;
    }

    /** True while this thread captures a graph of {@code backend}. */
    public static boolean capturing(Backend backend) {
        HostGraph graph = CAPTURING.get();
        return graph != null && graph.backend == backend;
    }

    /**
     * Refuses {@code what}, a write of values from the host (Java arrays, host memory) into {@code backend}'s memory,
     * while this thread captures a graph of {@code backend}: the graph would replay the values of the capture, frozen;
     * CUDA graphs refuse a copy from host memory during a capture, and so does this one.
     */
    public static void refuseHostWrite(Backend backend, String what) {
        if (capturing(backend)) {
            throw new IllegalStateException(what + " while a graph of " + backend.device() + " is being captured: the "
                    + "graph would keep the values of the capture; make such tensors before the capture and copy new "
                    + "values into them before each replay");
        }
    }

    void record(Runnable call) {
        calls.add(call);
    }

    /** Zeroes {@code storage} at every replay, as its allocation did at capture. */
    void recordZeroing(HostStorage storage) {
        calls.add(() -> {
            storage.segment().fill((byte) 0);
            storage.changed();
        });
    }

    /**
     * A replayed call wrote {@code output} (and, for an in-place op, its inputs): their storages' version counters go
     * up, as the eager call's did, so a backward recorded before the replay that needs their old values is refused
     * instead of reading the new ones.
     */
    static void countWrites(Op op, Tensor[] inputs, Tensor output) {
        if (output != null) {
            output.storage().changed();
        }
        if (op instanceof InPlaceOp) {
            for (Tensor t : inputs) {
                t.storage().changed();
            }
        }
    }

    @Override
    public void replay() {
        if (calls == null) {
            throw new IllegalStateException("this graph of " + backend.device() + " was closed");
        }
        if (CAPTURING.get() != null) {
            throw new IllegalStateException("replay() while a graph is being captured on this thread");
        }
        for (Runnable call : calls) {
            call.run();
        }
    }

    /** The calls a replay makes (kernels, copies, zeroings). */
    public int size() {
        return calls == null ? 0 : calls.size();
    }

    @Override
    public void close() {
        calls = null;
    }
}

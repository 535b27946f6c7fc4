package striate.backend;

import striate.op.KernelTable;
import striate.op.Op;
import striate.tensor.DType;
import striate.tensor.Device;
import striate.tensor.HostMemoryPool;
import striate.tensor.HostStorage;
import striate.tensor.MemoryStats;
import striate.tensor.Storage;
import striate.tensor.Tensor;

/**
 * Memory handling shared by backends whose device memory is host memory (reference, cpu): each instance owns a
 * {@link HostMemoryPool} that serves allocations made inside a {@link striate.tensor.MemoryScope}; outside any
 * scope memory is garbage-collected. Copies are memory copies between views ({@link HostCopy}). Work can be captured
 * and replayed ({@link HostGraph}).
 */
public abstract class HostBackend implements Backend {
    private final HostMemoryPool pool = new HostMemoryPool();
    private final TrafficCounter traffic = new TrafficCounter();

    @Override
    public Storage allocate(DType dtype, long elements) {
        HostStorage storage = pool.allocate(dtype, elements, true);
        HostGraph graph = HostGraph.capturedBy(this);
        if (graph != null) {
            graph.recordZeroing(storage);
        }
        return storage;
    }

    /**
     * A kernel's output. During a capture begun inside a memory scope, native memory whatever its size, as the scope's
     * pool would give: the capture itself runs outside scopes, where a small output is a heap segment, which kernels
     * run on their plain loops where the eager, scoped step runs the vector loops, and the graph's bits differed.
     */
    @Override
    public Storage allocateOutput(DType dtype, long elements) {
        HostGraph graph = HostGraph.capturedBy(this);
        return graph != null && graph.nativeOutputs() ? HostStorage.allocate(dtype, elements)
                : pool.allocate(dtype, elements, false);
    }

    /**
     * Copies between views in host memory ({@link HostCopy}). Counted as device→device when both sides are devices
     * of this kind, else as host→device or device→host from this device's side.
     */
    @Override
    public void copy(Tensor src, Tensor dst) {
        if (!(src.storage() instanceof HostStorage) || !(dst.storage() instanceof HostStorage)) {
            throw new IllegalArgumentException("the " + name() + " backend copies between tensors in host memory, not "
                    + src.device() + " → " + dst.device() + "; Tensor.copyFrom picks the backend that can");
        }
        Device.Kind mine = device().kind();
        if (src.device().kind() != mine && dst.device().kind() != mine) {
            throw new IllegalArgumentException("the " + name() + " backend runs copies to or from its own devices, not "
                    + src.device() + " → " + dst.device());
        }
        HostGraph graph = HostGraph.recording(this, "a copy");
        if (graph != null && src.device().kind() != dst.device().kind()) {
            HostGraph.refuseHostWrite(this, "a copy " + src.device() + " → " + dst.device());
        }
        if (graph != null) {
            graph.record(() -> {
                copyChecked(src, dst);
                dst.storage().changed(); // as Tensor.copyFrom counts an eager copy
            });
        } else {
            copyChecked(src, dst);
        }
    }

    private void copyChecked(Tensor src, Tensor dst) {
        Device.Kind mine = device().kind();
        HostCopy.copy(src, dst);
        long bytes = src.size() * src.dtype().bytes();
        if (src.device().kind() == dst.device().kind()) {
            traffic.deviceToDevice(bytes);
        } else if (dst.device().kind() == mine) {
            traffic.hostToDevice(bytes);
        } else {
            traffic.deviceToHost(bytes);
        }
    }

    /** Runs the kernel, or records it while this backend captures a graph on this thread. */
    @Override
    public void launch(KernelTable.Entry entry, Op op, Tensor[] inputs, Tensor output) {
        HostGraph graph = HostGraph.recording(this, op.name());
        if (graph != null) {
            graph.record(() -> {
                Backend.super.launch(entry, op, inputs, output);
                HostGraph.countWrites(op, inputs, output);
            });
        } else {
            Backend.super.launch(entry, op, inputs, output);
        }
    }

    /** Records what {@code work} asks of this backend into a {@link HostGraph}. */
    @Override
    public CapturedGraph captureGraph(Runnable work) {
        return HostGraph.capture(this, work);
    }

    @Override
    public boolean capturing() {
        return HostGraph.capturing(this);
    }

    @Override
    public Traffic traffic() {
        return traffic.read();
    }

    @Override
    public MemoryStats memoryStats() {
        return pool.stats();
    }

    /**
     * Frees this backend's pooled memory, cached or still owned by open scopes, and refuses pooled allocations from
     * then on. For backends you created; those {@code Backends.of} hands out live as long as the JVM.
     */
    public void close() {
        pool.close();
    }
}

package striate.cuda;

import static jcuda.driver.JCudaDriver.cuGraphDestroy;
import static jcuda.driver.JCudaDriver.cuGraphExecDestroy;
import static jcuda.driver.JCudaDriver.cuGraphInstantiate;
import static jcuda.driver.JCudaDriver.cuGraphLaunch;

import java.lang.ref.WeakReference;
import java.util.List;
import jcuda.driver.CUdeviceptr;
import jcuda.driver.CUgraph;
import jcuda.driver.CUgraphExec;
import striate.backend.CapturedGraph;
import striate.tensor.MemoryScope;
import striate.tensor.Storage;

/**
 * A CUDA graph: the kernels, copies and library calls that some work queued on a backend's stream, captured once and
 * replayed with one launch (what PyTorch's torch.cuda.CUDAGraph is), for steps whose launches cost more than their
 * kernels (LeNet-5's). The captured work runs only at {@link #replay}: the tensors it made (its outputs, and the
 * memory it read and wrote) keep their addresses in the graph's private pool of the allocator, so a replay reads the
 * current contents of every tensor the work read (copy new inputs into them in place before replaying) and writes its
 * results over the same outputs. Host values are frozen at capture: a scalar argument (a learning rate, a random
 * seed, an optimizer's step count) stays what it was. Work that waits for the GPU or reads from it (item(), a host
 * copy, a constant made from host values) is refused during the capture with an error naming it; the ops that check
 * their input on the GPU (cross-entropy's labels, the embedding's ids) check it after each replay instead. cuDNN's
 * algorithm search must have run before (a warm-up step). Close the graph to give its memory back to the cache.
 * Not yet run on a GPU.
 */
public final class CudaGraph implements CapturedGraph {
    /**
     * CUDA_GRAPH_INSTANTIATE_FLAG_AUTO_FREE_ON_LAUNCH (JCuda names no flags): memory a library allocated inside the
     * capture (cuBLAS's workspace, stream-ordered) and left unfreed is freed before each relaunch, where a graph
     * holding such memory could not be launched twice; PyTorch instantiates its graphs so too.
     */
    private static final long AUTO_FREE_ON_LAUNCH = 1;

    private final CudaBackend backend;
    private final CUgraph graph;
    private final CUgraphExec exec;
    private final CachingAllocator.PrivatePool<CUdeviceptr> pool;
    private final List<CudaDevice.DeferredCheck> checks; // flag checks of the captured ops, run after each replay
    private final List<WeakReference<Storage>> writes; // what the captured work writes: counted as changed per replay
    private boolean closed;

    private CudaGraph(CudaBackend backend, CUgraph graph, CUgraphExec exec,
                      CachingAllocator.PrivatePool<CUdeviceptr> pool, List<CudaDevice.DeferredCheck> checks,
                      List<WeakReference<Storage>> writes) {
        this.backend = backend;
        this.graph = graph;
        this.exec = exec;
        this.pool = pool;
        this.checks = checks;
        this.writes = writes;
    }

    /**
     * Captures what {@code work} queues on {@code backend}'s stream (it runs on this thread, holding the device); the
     * work does not run now. What it allocates is the graph's, never a {@link MemoryScope}'s (as a host backend's
     * capture): a tensor the work made stays usable after the scope the capture ran in, and its block goes back to
     * the graph's pool, or once the graph is destroyed to the shared cache, when the tensor is unreachable. When
     * {@code work} throws, the capture is abandoned, its memory given back, and the exception rethrown.
     */
    static CudaGraph capture(CudaBackend backend, Runnable work) {
        CudaDevice gpu = backend.gpu();
        synchronized (gpu) {
            gpu.activate();
            CachingAllocator<CUdeviceptr> allocator = gpu.allocator();
            CachingAllocator.PrivatePool<CUdeviceptr> pool = allocator.beginPrivatePool(); // before: nothing to undo
            try {
                gpu.beginCapture();
            } catch (RuntimeException | Error e) {
                allocator.closePrivatePool(pool);
                throw e;
            }
            try {
                MemoryScope.outside(() -> {
                    work.run();
                    return null;
                });
            } catch (RuntimeException | Error e) {
                allocator.endPrivatePool(pool);
                try {
                    cuGraphDestroy(gpu.endCapture());
                } catch (RuntimeException invalidated) {
                    e.addSuppressed(invalidated); // the driver invalidates a capture that met a refused call
                }
                closeFlags(gpu.takeDeferredChecks(), e);
                gpu.takeCapturedWrites();
                allocator.closePrivatePool(pool);
                throw e;
            }
            allocator.endPrivatePool(pool);
            List<CudaDevice.DeferredCheck> checks = gpu.takeDeferredChecks();
            List<WeakReference<Storage>> writes = gpu.takeCapturedWrites();
            CUgraph graph = null;
            CUgraphExec exec = new CUgraphExec();
            try {
                graph = gpu.endCapture(); // fails when a library call inside the work invalidated the capture
                CudaStatus.driver(cuGraphInstantiate(exec, graph, AUTO_FREE_ON_LAUNCH), "cuGraphInstantiate");
            } catch (RuntimeException e) {
                if (graph != null) {
                    cuGraphDestroy(graph);
                }
                closeFlags(checks, e);
                allocator.closePrivatePool(pool);
                throw e;
            }
            return new CudaGraph(backend, graph, exec, pool, checks, writes);
        }
    }

    /**
     * Queues the captured work on the stream once more (asynchronously, as the eager ops were); when the work holds
     * ops that check their input on the GPU (a label or id out of range), waits for it and throws the first one's
     * error, as the eager op would have. What the work writes is counted as changed (version counters), so autograd
     * refuses a backward recorded before the replay that needs values the replay overwrote.
     */
    public void replay() {
        CudaDevice gpu = backend.gpu();
        synchronized (gpu) {
            if (closed) {
                throw new IllegalStateException("replay of a closed CUDA graph on " + gpu);
            }
            gpu.activate();
            CudaStatus.driver(cuGraphLaunch(exec, gpu.stream()), "cuGraphLaunch");
            for (WeakReference<Storage> w : writes) { // version counters, as the eager calls moved them
                Storage written = w.get();
                if (written != null) {
                    written.changed();
                }
            }
            for (CudaDevice.DeferredCheck c : checks) {
                c.check().run();
            }
        }
    }

    /** Closes the flag of each of {@code checks}, adding a failure to {@code failure}'s suppressed ones. */
    private static void closeFlags(List<CudaDevice.DeferredCheck> checks, Throwable failure) {
        for (CudaDevice.DeferredCheck c : checks) {
            try {
                c.flag().close();
            } catch (Exception e) {
                if (failure != null) {
                    failure.addSuppressed(e);
                }
            }
        }
    }

    /** Bytes of the graph's own free blocks: the temporaries its replays write. */
    public long privateBytes() {
        return pool.cached();
    }

    /** Destroys the graph after the stream's work is done and gives its memory to the allocator's cache. */
    @Override
    public void close() {
        CudaDevice gpu = backend.gpu();
        synchronized (gpu) {
            if (closed) {
                return;
            }
            closed = true;
            gpu.activate();
            try {
                gpu.synchronize(); // a kernel error surfacing here still lets the graph and its memory go
            } finally {
                try {
                    CudaStatus.driver(cuGraphExecDestroy(exec), "cuGraphExecDestroy");
                    CudaStatus.driver(cuGraphDestroy(graph), "cuGraphDestroy");
                } finally {
                    closeFlags(checks, null);
                    gpu.allocator().closePrivatePool(pool);
                }
            }
        }
    }
}

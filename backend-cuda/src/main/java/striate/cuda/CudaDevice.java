package striate.cuda;

import static jcuda.driver.JCudaDriver.cuCtxEnablePeerAccess;
import static jcuda.driver.JCudaDriver.cuCtxSetCurrent;
import static jcuda.driver.JCudaDriver.cuDeviceCanAccessPeer;
import static jcuda.driver.JCudaDriver.cuDeviceGet;
import static jcuda.driver.JCudaDriver.cuDevicePrimaryCtxRetain;
import static jcuda.driver.JCudaDriver.cuEventCreate;
import static jcuda.driver.JCudaDriver.cuEventRecord;
import static jcuda.driver.JCudaDriver.cuEventSynchronize;
import static jcuda.driver.JCudaDriver.cuInit;
import static jcuda.driver.JCudaDriver.cuLaunchKernel;
import static jcuda.driver.JCudaDriver.cuMemAlloc;
import static jcuda.driver.JCudaDriver.cuMemAllocHost;
import static jcuda.driver.JCudaDriver.cuMemFree;
import static jcuda.driver.JCudaDriver.cuMemcpy2DAsync;
import static jcuda.driver.JCudaDriver.cuMemcpyDtoDAsync;
import static jcuda.driver.JCudaDriver.cuMemcpyDtoHAsync;
import static jcuda.driver.JCudaDriver.cuMemcpyHtoDAsync;
import static jcuda.driver.JCudaDriver.cuMemcpyPeerAsync;
import static jcuda.driver.JCudaDriver.cuMemsetD16Async;
import static jcuda.driver.JCudaDriver.cuMemsetD32Async;
import static jcuda.driver.JCudaDriver.cuModuleGetFunction;
import static jcuda.driver.JCudaDriver.cuModuleLoadData;
import static jcuda.driver.JCudaDriver.cuStreamBeginCapture;
import static jcuda.driver.JCudaDriver.cuStreamCreate;
import static jcuda.driver.JCudaDriver.cuStreamEndCapture;
import static jcuda.driver.JCudaDriver.cuStreamSynchronize;

import java.lang.foreign.MemorySegment;
import java.lang.ref.Reference;
import java.lang.ref.WeakReference;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import jcuda.Pointer;
import jcuda.driver.CUDA_MEMCPY2D;
import jcuda.driver.CUcontext;
import jcuda.driver.CUdevice;
import jcuda.driver.CUdeviceptr;
import jcuda.driver.CUevent;
import jcuda.driver.CUevent_flags;
import jcuda.driver.CUfunction;
import jcuda.driver.CUgraph;
import jcuda.driver.CUmemorytype;
import jcuda.driver.CUmodule;
import jcuda.driver.CUresult;
import jcuda.driver.CUstream;
import jcuda.driver.CUstreamCaptureMode;
import jcuda.driver.CUstream_flags;
import jcuda.jcublas.JCublas2;
import jcuda.jcublas.cublasHandle;
import jcuda.jcublas.cublasMath;
import jcuda.jcudnn.JCudnn;
import jcuda.jcudnn.cudnnHandle;
import jcuda.runtime.cudaStream_t;
import striate.kernels.Ptx;
import striate.tensor.Storage;

/**
 * One GPU as the backend uses it: its primary context (shared with cuBLAS and cuDNN), one non-blocking stream that
 * every kernel, copy and library call is queued on (so work runs in program order), a cuBLAS and a cuDNN handle
 * bound to that stream, the PTX modules of {@code striate-kernels}, the caching allocator, a pinned staging
 * buffer for host↔device copies, and the plain memory copies of {@link CudaCopy} (device to device on the stream,
 * 2-D boxes, peer copies from another GPU). Callers hold the device's lock (see {@link CudaBackend}).
 */
final class CudaDevice {
    static final int BLOCK = 256;
    private static final int MAX_GRID = 1 << 20;
    private static final long STAGING_BYTES = 8L << 20;
    /** Host-to-device copies go through the staging buffer in this many slots, each reused after its last copy. */
    private static final int SLOTS = 8;
    private static final long SLOT_BYTES = STAGING_BYTES / SLOTS;
    private static final ThreadLocal<CudaDevice> CURRENT = new ThreadLocal<>();

    private final int index;
    private final CudaOptions options;
    private final CUdevice dev = new CUdevice();
    private final CUcontext context = new CUcontext();
    private final CUstream stream = new CUstream();
    private final cublasHandle cublas = new cublasHandle();
    private final cudnnHandle cudnn = new cudnnHandle();
    private final Map<String, CUmodule> modules = new HashMap<>();
    private final Map<String, String> moduleOf;
    private final Map<String, CUfunction> functions = new HashMap<>();
    private final CachingAllocator<CUdeviceptr> allocator;
    private final Pointer staging = new Pointer();
    private final MemorySegment stagingSegment;
    private final CUevent[] slotRead = new CUevent[SLOTS]; // recorded on the stream after the copy that read the slot
    private final boolean[] slotInFlight = new boolean[SLOTS];
    private int nextSlot;
    private final Set<Integer> peersChecked = new HashSet<>(); // GPUs whose memory this context was set up to read
    private String lastKernel = "(none yet)";
    private boolean capturing; // the stream's work goes into a CUDA graph (beginCapture)
    private volatile String abortedBy; // why a collective group this GPU ran in was aborted (markAborted), or null
    private final List<DeferredCheck> deferredChecks = new ArrayList<>(); // the capture's flag checks (deferCheck)
    private final List<WeakReference<Storage>> capturedWrites = new ArrayList<>(); // what the capture writes (noteWrite)

    CudaDevice(int index, CudaOptions options) {
        this.index = index;
        this.options = options;
        CudaStatus.driver(cuInit(0), "cuInit");
        CudaStatus.driver(cuDeviceGet(dev, index), "cuDeviceGet(" + index + ")");
        CudaStatus.driver(cuDevicePrimaryCtxRetain(context, dev), "cuDevicePrimaryCtxRetain");
        activate();
        CudaStatus.driver(cuStreamCreate(stream, CUstream_flags.CU_STREAM_NON_BLOCKING), "cuStreamCreate");
        CudaStatus.cublas(JCublas2.cublasCreate(cublas), "cublasCreate");
        CudaStatus.cublas(JCublas2.cublasSetStream(cublas, new cudaStream_t(stream)), "cublasSetStream");
        // no split-K sums in bfloat16/float16 (PyTorch's allow_*_reduced_precision_reduction off): 2-byte products
        // add in float32 and round once, as the CPU's do and as the graph API's engine filter asks of cuDNN
        CudaStatus.cublas(JCublas2.cublasSetMathMode(cublas, (options.tf32() ? cublasMath.CUBLAS_TF32_TENSOR_OP_MATH
                : cublasMath.CUBLAS_DEFAULT_MATH) | cublasMath.CUBLAS_MATH_DISALLOW_REDUCED_PRECISION_REDUCTION),
                "cublasSetMathMode");
        CudaStatus.cudnn(JCudnn.cudnnCreate(cudnn), "cudnnCreate");
        CudaStatus.cudnn(JCudnn.cudnnSetStream(cudnn, new cudaStream_t(stream)), "cudnnSetStream");
        moduleOf = Ptx.symbols();
        for (String name : Ptx.MODULES) {
            CUmodule m = new CUmodule();
            int s = cuModuleLoadData(m, (Ptx.text(name) + "\0").getBytes(StandardCharsets.US_ASCII));
            if (s != CUresult.CUDA_SUCCESS) {
                throw new CudaCallException("loading PTX module " + name + " failed: " + CudaStatus.driverText(s)
                        + "; the PTX is built by CUDA 13 for compute_80, so the driver must support CUDA 13 and the"
                        + " GPU compute capability 8.0 or newer");
            }
            modules.put(name, m);
        }
        allocator = new CachingAllocator<>(toString(), new RawMemory<>() {
            @Override
            public CUdeviceptr allocate(long bytes) {
                CUdeviceptr p = new CUdeviceptr();
                int s = cuMemAlloc(p, bytes);
                if (s == CUresult.CUDA_ERROR_OUT_OF_MEMORY) {
                    return null;
                }
                CudaStatus.driver(s, "cuMemAlloc(" + bytes + ")");
                return p;
            }

            @Override
            public void free(CUdeviceptr block) {
                CudaStatus.driver(cuMemFree(block), "cuMemFree");
            }

            @Override
            public void synchronize() {
                CudaDevice.this.synchronize();
            }
        });
        CudaStatus.driver(cuMemAllocHost(staging, STAGING_BYTES), "cuMemAllocHost(staging)");
        stagingSegment = MemorySegment.ofBuffer(staging.getByteBuffer(0, STAGING_BYTES));
        for (int k = 0; k < SLOTS; k++) {
            slotRead[k] = new CUevent();
            CudaStatus.driver(cuEventCreate(slotRead[k], CUevent_flags.CU_EVENT_DISABLE_TIMING), "cuEventCreate");
        }
    }

    /** Makes this device's context current on the calling thread. */
    void activate() {
        if (CURRENT.get() != this) {
            CudaStatus.driver(cuCtxSetCurrent(context), "cuCtxSetCurrent");
            CURRENT.set(this);
        }
    }

    /**
     * Makes this device's context current even when a library changed it behind {@link #activate}'s back (NCCL
     * switches devices inside its calls).
     */
    void reactivate() {
        CURRENT.remove();
        activate();
    }

    CudaOptions options() {
        return options;
    }

    CUstream stream() {
        return stream;
    }

    cublasHandle cublas() {
        return cublas;
    }

    cudnnHandle cudnn() {
        return cudnn;
    }

    CachingAllocator<CUdeviceptr> allocator() {
        return allocator;
    }

    /** Launches {@code kernel} over {@code n} elements with the grid-stride kernels' block size. */
    void launch(String kernel, long n, LaunchArgs args) {
        if (n > 0) {
            long blocks = Math.min((n + BLOCK - 1) / BLOCK, MAX_GRID);
            launch(kernel, (int) blocks, BLOCK, args);
        }
    }

    /** Launches {@code kernel} with an explicit grid of {@code blocks} blocks of {@code threads} threads. */
    void launch(String kernel, int blocks, int threads, LaunchArgs args) {
        launch(kernel, blocks, 1, threads, args);
    }

    /** Launches {@code kernel} on a 2-D grid of blocksX × blocksY blocks (blocksY ≤ 65,535) of {@code threads}. */
    void launch(String kernel, int blocksX, int blocksY, int threads, LaunchArgs args) {
        CUfunction f = function(kernel);
        lastKernel = kernel;
        int s = cuLaunchKernel(f, blocksX, blocksY, 1, threads, 1, 1, 0, stream, args.pointer(), null);
        Reference.reachabilityFence(args); // the tensors it holds stay allocated until the launch has queued
        if (s != CUresult.CUDA_SUCCESS) {
            throw new CudaKernelException(kernel, "launch of " + blocksX + "x" + blocksY + " blocks of " + threads
                    + " threads failed: " + CudaStatus.driverText(s));
        }
        if (options.syncLaunches() && !capturing) { // a captured launch runs at replay
            int e = cuStreamSynchronize(stream);
            requireNotAborted("a synchronization after " + kernel);
            if (e != CUresult.CUDA_SUCCESS) {
                throw new CudaKernelException(kernel, "failed while running: " + CudaStatus.driverText(e));
            }
        }
    }

    private CUfunction function(String kernel) {
        CUfunction f = functions.get(kernel);
        if (f == null) {
            String module = moduleOf.get(kernel);
            if (module == null) {
                throw new CudaKernelException(kernel, "no such kernel in the PTX modules " + Ptx.MODULES);
            }
            f = new CUfunction();
            CudaStatus.driver(cuModuleGetFunction(f, modules.get(module), kernel), "cuModuleGetFunction(" + kernel + ")");
            functions.put(kernel, f);
        }
        return f;
    }

    /**
     * Starts capturing the stream's work into a CUDA graph instead of running it (relaxed mode, so the allocator may
     * still call cuMemAlloc). Until {@link #endCapture}, anything that would wait for the stream (a read to the host, a
     * copy from the host, a synchronization) is refused with an error naming it.
     */
    void beginCapture() {
        if (capturing) {
            throw new IllegalStateException(this + ": a CUDA graph is already being captured; captures do not nest");
        }
        CudaStatus.driver(cuStreamBeginCapture(stream, CUstreamCaptureMode.CU_STREAM_CAPTURE_MODE_RELAXED),
                "cuStreamBeginCapture");
        capturing = true;
    }

    /** Ends the capture and returns the graph; after a refused operation the driver reports the capture invalid. */
    CUgraph endCapture() {
        capturing = false;
        CUgraph graph = new CUgraph();
        CudaStatus.driver(cuStreamEndCapture(stream, graph), "cuStreamEndCapture");
        return graph;
    }

    /** Whether a graph capture is running on this device's stream. */
    boolean capturing() {
        return capturing;
    }

    /** A check a capture deferred: {@code check} reads {@code flag} (which lives as long as the graph) and throws. */
    record DeferredCheck(Runnable check, AutoCloseable flag) {
    }

    /** During a capture: {@code check}, which reads a kernel's {@code flag}, runs after each replay of the graph. */
    void deferCheck(Runnable check, AutoCloseable flag) {
        if (!capturing) {
            throw new IllegalStateException(this + ": a deferred check outside a CUDA graph capture");
        }
        deferredChecks.add(new DeferredCheck(check, flag));
    }

    /**
     * During a capture: the captured work writes {@code storage} (a kernel's output, an in-place op's input, a copy's
     * destination), so each replay counts it as changed, as the eager call did (its version counter: autograd refuses a
     * backward that needs values written since). Held weakly: the graph does not keep a tensor alive.
     */
    synchronized void noteWrite(Storage storage) { // a copy calls it after leaving the device's lock
        if (capturing) {
            capturedWrites.add(new WeakReference<>(storage));
        }
    }

    /** The storages the capture that just ended writes, each once (a replay bumps each once), handed to its graph. */
    List<WeakReference<Storage>> takeCapturedWrites() {
        Set<Storage> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        List<WeakReference<Storage>> out = new ArrayList<>();
        for (WeakReference<Storage> w : capturedWrites) {
            Storage s = w.get();
            if (s != null && seen.add(s)) {
                out.add(w);
            }
        }
        capturedWrites.clear();
        return List.copyOf(out);
    }

    /** The checks deferred by the capture that just ended, handed to its graph. */
    List<DeferredCheck> takeDeferredChecks() {
        List<DeferredCheck> out = List.copyOf(deferredChecks);
        deferredChecks.clear();
        return out;
    }

    /** Refuses {@code what} while a graph is being captured: it would wait for work that has not run. */
    void requireNotCapturing(String what) {
        if (capturing) {
            throw new IllegalStateException(this + ": " + what + " while a CUDA graph is being captured: the captured"
                    + " work has not run, so nothing may wait for it or read its results; keep host reads (item(),"
                    + " toFloatArray()), host-made constants and checks that read a flag back out of the captured step");
        }
    }

    /**
     * Marks this GPU as having run in a collective group that was aborted ({@code why}): until
     * {@link #clearAborted}, every wait for its stream throws, since aborted kernels leave partial sums behind.
     */
    void markAborted(String why) {
        abortedBy = why;
    }

    /** The aborted group was closed: waits for this GPU return again. */
    void clearAborted() {
        abortedBy = null;
    }

    /** Throws when this GPU's collective group was aborted: {@code what} waited for it and is refused. */
    private void requireNotAborted(String what) {
        String why = abortedBy;
        if (why != null) {
            throw new CollectiveAbortedException(this + ": " + what + " refused, since " + why + "; what this GPU "
                    + "computed since may hold the aborted collectives' partial sums");
        }
    }

    /** Waits for the stream; an asynchronous kernel error names the last kernel launched. */
    void synchronize() {
        requireNotCapturing("a synchronization with the GPU");
        int s = cuStreamSynchronize(stream);
        requireNotAborted("a synchronization");
        if (s != CUresult.CUDA_SUCCESS) {
            throw new CudaKernelException(lastKernel, "an error surfaced at a synchronization after it (the last"
                    + " kernel launched; -Dstriate.cuda.syncLaunches=true pins the failing one): "
                    + CudaStatus.driverText(s));
        }
    }

    /** Sets {@code count} 32-bit words at {@code dst} to {@code value}. */
    void fill32(CUdeviceptr dst, int value, long count) {
        if (count > 0) {
            CudaStatus.driver(cuMemsetD32Async(dst, value, count, stream), "cuMemsetD32Async");
        }
    }

    /** Sets {@code count} elements of 2 or 4 bytes from {@code dst} to zero, on the stream. */
    void zero(CUdeviceptr dst, int elementBytes, long count) {
        if (count == 0) {
            return;
        }
        switch (elementBytes) {
            case 4 -> fill32(dst, 0, count);
            case 2 -> CudaStatus.driver(cuMemsetD16Async(dst, (short) 0, count, stream), "cuMemsetD16Async");
            default -> throw new IllegalArgumentException("zero takes 2- or 4-byte elements, got " + elementBytes);
        }
    }

    /**
     * Copies {@code bytes} from host {@code src} to device {@code dst} through the pinned staging buffer, a slot of it
     * per chunk: {@code src} is in the slot when this returns (the caller may reuse it), and the copy is queued on the
     * stream. A slot is filled again only after the copy that last read it ran (its event), so the host waits for
     * that copy alone, not for the whole queue, and can queue the next batch while the GPU computes.
     */
    void copyToDevice(MemorySegment src, CUdeviceptr dst, long bytes) {
        requireNotCapturing("a copy from host memory");
        for (long done = 0; done < bytes; done += SLOT_BYTES) {
            long n = Math.min(SLOT_BYTES, bytes - done);
            int k = nextSlot;
            nextSlot = (k + 1) % SLOTS;
            if (slotInFlight[k]) {
                int s = cuEventSynchronize(slotRead[k]);
                requireNotAborted("a copy to the device");
                if (s != CUresult.CUDA_SUCCESS) { // an earlier kernel failed: name it, as a synchronization does
                    throw new CudaKernelException(lastKernel, "an error surfaced while a copy to the device waited for "
                            + "the stream (the last kernel launched; -Dstriate.cuda.syncLaunches=true pins the failing "
                            + "one): " + CudaStatus.driverText(s));
                }
            }
            MemorySegment.copy(src, done, stagingSegment, k * SLOT_BYTES, n);
            CudaStatus.driver(cuMemcpyHtoDAsync(dst.withByteOffset(done), staging.withByteOffset(k * SLOT_BYTES), n,
                    stream), "cuMemcpyHtoDAsync");
            CudaStatus.driver(cuEventRecord(slotRead[k], stream), "cuEventRecord(staging slot " + k + ")");
            slotInFlight[k] = true;
        }
    }

    /**
     * Copies {@code bytes} from device {@code src} to host {@code dst} through the pinned staging buffer (the whole of
     * it: the stream runs queued host-to-device copies, which read its slots, before this copy writes it).
     */
    void copyToHost(CUdeviceptr src, MemorySegment dst, long bytes) {
        requireNotCapturing("a read of device memory to the host");
        for (long done = 0; done < bytes; done += STAGING_BYTES) {
            long n = Math.min(STAGING_BYTES, bytes - done);
            CudaStatus.driver(cuMemcpyDtoHAsync(staging, src.withByteOffset(done), n, stream), "cuMemcpyDtoHAsync");
            synchronize();
            MemorySegment.copy(stagingSegment, 0, dst, done, n);
        }
    }

    /** Queues a copy of {@code bytes} from {@code src} to {@code dst}, both this device's memory, on the stream. */
    void copyWithin(CUdeviceptr src, CUdeviceptr dst, long bytes) {
        CudaStatus.driver(cuMemcpyDtoDAsync(dst, src, bytes, stream), "cuMemcpyDtoDAsync(" + bytes + " bytes)");
    }

    /**
     * Queues a 2-D copy within this device's memory on the stream: {@code height} rows of {@code width} bytes, row
     * i at {@code src + srcAt + i·srcPitch} to {@code dst + dstAt + i·dstPitch} (bytes). The offsets go into the
     * box's addresses, not its X offsets: the driver refuses an X offset plus the width beyond the pitch, and a view's
     * offset can lie many rows in.
     */
    void copyRows(CUdeviceptr src, long srcAt, long srcPitch, CUdeviceptr dst, long dstAt, long dstPitch, long width,
                  long height) {
        CUDA_MEMCPY2D box = new CUDA_MEMCPY2D();
        box.srcMemoryType = CUmemorytype.CU_MEMORYTYPE_DEVICE;
        box.srcDevice = src.withByteOffset(srcAt);
        box.srcPitch = srcPitch;
        box.dstMemoryType = CUmemorytype.CU_MEMORYTYPE_DEVICE;
        box.dstDevice = dst.withByteOffset(dstAt);
        box.dstPitch = dstPitch;
        box.WidthInBytes = width;
        box.Height = height;
        CudaStatus.driver(cuMemcpy2DAsync(box, stream), "cuMemcpy2DAsync(" + height + " rows of " + width
                + " bytes, pitches " + srcPitch + " and " + dstPitch + ")");
    }

    /**
     * Queues a copy of {@code bytes} from {@code src} in {@code peer}'s memory to {@code dst} in this device's, on
     * this device's stream. Between two GPUs peer access is enabled first, once, where they support it (the copy
     * then goes over NVLink or PCIe directly; otherwise the driver routes it). Two backends of one GPU share its
     * primary context: then it is a device-to-device copy.
     */
    void copyFromPeer(CudaDevice peer, CUdeviceptr src, CUdeviceptr dst, long bytes) {
        if (peer.index == index) {
            copyWithin(src, dst, bytes);
            return;
        }
        if (peersChecked.add(peer.index)) {
            int[] can = new int[1];
            CudaStatus.driver(cuDeviceCanAccessPeer(can, dev, peer.dev), "cuDeviceCanAccessPeer(" + this + ", " + peer
                    + ")");
            if (can[0] == 1) {
                int s = cuCtxEnablePeerAccess(peer.context, 0);
                if (s != CUresult.CUDA_ERROR_PEER_ACCESS_ALREADY_ENABLED) {
                    CudaStatus.driver(s, "cuCtxEnablePeerAccess(" + this + " reads " + peer + ")");
                }
            }
        }
        CudaStatus.driver(cuMemcpyPeerAsync(dst, context, src, peer.context, bytes, stream), "cuMemcpyPeerAsync("
                + peer + " → " + this + ", " + bytes + " bytes)");
    }

    @Override
    public String toString() {
        return "cuda:" + index;
    }
}

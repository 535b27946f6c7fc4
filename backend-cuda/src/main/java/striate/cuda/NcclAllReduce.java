package striate.cuda;

import static jcuda.driver.JCudaDriver.cuEventCreate;
import static jcuda.driver.JCudaDriver.cuEventDestroy;
import static jcuda.driver.JCudaDriver.cuEventRecord;
import static jcuda.driver.JCudaDriver.cuStreamCreate;
import static jcuda.driver.JCudaDriver.cuStreamDestroy;
import static jcuda.driver.JCudaDriver.cuStreamQuery;
import static jcuda.driver.JCudaDriver.cuStreamSynchronize;
import static jcuda.driver.JCudaDriver.cuStreamWaitEvent;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;
import jcuda.driver.CUevent;
import jcuda.driver.CUevent_flags;
import jcuda.driver.CUresult;
import jcuda.driver.CUstream;
import jcuda.driver.CUstream_flags;
import striate.backend.Backend;
import striate.backend.Backends;
import striate.parallel.GradientExchange;
import striate.parallel.PeerWatch;
import striate.tensor.Device;
import striate.tensor.Tensor;

/**
 * The {@link GradientExchange} between replicas on distinct GPUs of one process: one NCCL communicator per GPU
 * (ncclCommInitAll, rank r on the r-th replica's GPU), and per bucket one ncclAllReduce (sum, in place) per rank
 * inside one ncclGroupStart/End, so the bucket travels GPU to GPU (NVLink or PCIe) and never through the host.
 * {@link #acrossProcesses} makes the other kind: this process's one GPU as one rank of a communicator that spans
 * processes (ncclCommInitRank with an id made by rank 0), whose all-reduce averages (ncclAvg) over the processes.
 *
 * <p>Streams, as PyTorch DDP: each GPU gets a communication stream of its own next to the backend's stream, so the
 * collective runs while backward's later kernels run (on the backend's stream alone it would queue between them,
 * and nothing would overlap on the GPU). Per bucket and GPU, an event recorded on the backend's stream (after the
 * copies that filled the bucket) makes the communication stream wait before the all-reduce. Once per step,
 * {@link #finish} makes each backend's stream wait for an event recorded on the communication stream after the last
 * bucket (the stream runs its all-reduces in order, so all of them), so the optimizer step, queued later, reads the
 * sums, while backward's kernels queued between the buckets never wait for a collective. The calls return once all
 * this is queued: no host synchronization. NCCL sums in a fixed order for a
 * fixed communicator, so every replica gets bit-identical sums.
 *
 * <p>Lost peers: a {@link CollectiveWatchdog} aborts the communicators (ncclCommAbort) when NCCL reports an
 * asynchronous error, when a step's collectives wait longer than the {@link PeerWatch}'s timeout, or when the
 * launcher stops the job. Every GPU of the group is then marked: a wait for it (a read of the loss, of the weights)
 * throws {@link CollectiveAbortedException} instead of returning what the aborted kernels left, and so does this
 * exchange's next call, until {@link #close}, which clears the marks.
 *
 * <p>Buffers: buffer r is 1-D, contiguous, float32 or float64, on replica r's GPU. Called from one thread (the
 * data-parallel communication thread), which holds every GPU's backend lock, in rank order, while it queues.
 */
final class NcclAllReduce implements GradientExchange {
    /** How long an abort waits for an NCCL call of the communication thread to return. */
    private static final Duration ABORT_LOCK_WAIT = Duration.ofSeconds(10);
    private final Nccl nccl;
    private final List<Device> devices;
    private final List<CudaDevice> gpus = new ArrayList<>();
    private final List<CUstream> streams = new ArrayList<>(); // [rank]: the communication streams
    private final List<CUevent> filled = new ArrayList<>(); // [rank]: on the backend's stream, before the all-reduce
    private final List<CUevent> reduced = new ArrayList<>(); // [rank]: on the communication stream, after the last
    private final MemorySegment[] comms;
    private final int op; // Nccl.SUM in one process, Nccl.AVG across processes
    private final CollectiveWatchdog watchdog;
    // held around every NCCL call on the communicators, and by the watchdog's abort, which frees them: no call uses a
    // freed communicator. `aborted` is set under it.
    private final ReentrantLock commLock = new ReentrantLock();
    private volatile boolean aborted;
    private boolean closed;
    // the buffers queued since the last finish: the backend's stream alone orders their frees, so a buffer its caller
    // drops (after a failed step) must stay allocated while a collective on the communication stream may write it
    private final List<Tensor> inFlight = new ArrayList<>();

    /**
     * Communicators for {@code devices}, distinct CUDA devices, rank r on the r-th; buckets are summed. The peers are
     * this process's own threads, so only NCCL's errors and {@link PeerWatch#DEFAULT_TIMEOUT} abort.
     */
    NcclAllReduce(Nccl nccl, List<Device> devices) {
        this(nccl, devices, Nccl.SUM, nccl::commInitAll, "NCCL group of " + devices,
                PeerWatch.timeout(PeerWatch.DEFAULT_TIMEOUT));
    }

    /**
     * This process's GPU {@code device} as rank {@code rank} of a communicator of {@code world} processes, the one
     * rank 0 made {@code uniqueId} for ({@link Nccl#uniqueId}); blocks until every rank has joined. Buckets are
     * averaged over the processes; {@code watch} says when to give up on the other processes.
     */
    static NcclAllReduce acrossProcesses(Nccl nccl, Device device, byte[] uniqueId, int world, int rank,
                                         PeerWatch watch) {
        if (rank < 0 || rank >= world) {
            throw new IllegalArgumentException("NCCL: rank " + rank + " is outside the " + world + " processes");
        }
        return new NcclAllReduce(nccl, List.of(device), Nccl.AVG, ordinals -> {
            try (Arena arena = Arena.ofConfined()) {
                return new MemorySegment[] {nccl.commInitRank(world, nccl.uniqueId(arena, uniqueId), rank)};
            }
        }, "NCCL rank " + rank + " of " + world + " on " + device, watch);
    }

    private NcclAllReduce(Nccl nccl, List<Device> devices, int op, Function<int[], MemorySegment[]> communicators,
                          String name, PeerWatch watch) {
        this.nccl = nccl;
        this.devices = List.copyOf(devices);
        this.op = op;
        int[] ordinals = new int[devices.size()];
        for (int r = 0; r < ordinals.length; r++) {
            Backend b = Backends.of(devices.get(r));
            if (!(b instanceof CudaBackend cuda)) {
                throw new IllegalArgumentException("NCCL all-reduce needs CUDA devices; replica " + r + " is on "
                        + devices.get(r));
            }
            CudaDevice gpu = cuda.gpu();
            gpus.add(gpu);
            ordinals[r] = devices.get(r).index();
            synchronized (gpu) {
                gpu.reactivate();
                CUstream s = new CUstream();
                CudaStatus.driver(cuStreamCreate(s, CUstream_flags.CU_STREAM_NON_BLOCKING), "cuStreamCreate(NCCL, "
                        + gpu + ")");
                streams.add(s);
                filled.add(event(gpu));
                reduced.add(event(gpu));
            }
        }
        CudaDevice first = gpus.getFirst();
        synchronized (first) {
            first.reactivate(); // ncclCommInitRank joins on the current device; ncclCommInitAll sets its own
            comms = communicators.apply(ordinals);
            first.reactivate(); // NCCL switched this thread's device: make the backends' record of it true again
        }
        watchdog = new CollectiveWatchdog(name, new Communicators(), watch, System::nanoTime);
        watchdog.start(CollectiveWatchdog.PERIOD);
    }

    /** The communicators and streams as the watchdog sees them, from its own thread. */
    private final class Communicators implements CollectiveWatchdog.Watched {
        @Override
        public int asyncError() {
            for (MemorySegment comm : comms) {
                int e = nccl.asyncError(comm);
                if (e != 0) {
                    return e;
                }
            }
            return 0;
        }

        @Override
        public String errorText(int code) {
            return nccl.errorText(code);
        }

        @Override
        public boolean collectivesDone() {
            return streamsDone();
        }

        /**
         * Marks the GPUs, then aborts the communicators under the communicators' lock, so that no NCCL call of the
         * communication thread runs on them once freed. When that thread holds the lock longer than
         * {@link #ABORT_LOCK_WAIT}, it is blocked inside NCCL (waiting for the lost peer): the abort then runs
         * beside its call, the one way left to end it, as PyTorch's watchdog does with blocking communicators.
         */
        @Override
        public void abort(String why) {
            for (CudaDevice gpu : gpus) {
                gpu.markAborted(why); // before the abort wakes a thread waiting for the GPU
            }
            boolean locked = false;
            try {
                locked = commLock.tryLock(ABORT_LOCK_WAIT.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            try {
                aborted = true;
                abortCommunicators();
            } finally {
                if (locked) {
                    commLock.unlock();
                }
            }
        }
    }


    /** Whether every communication stream has run all it was given (cuStreamQuery; no lock, no wait). */
    private boolean streamsDone() {
        for (int q = 0; q < gpus.size(); q++) {
            gpus.get(q).activate();
            int s = cuStreamQuery(streams.get(q));
            if (s == CUresult.CUDA_ERROR_NOT_READY) {
                return false;
            }
            CudaStatus.driver(s, "cuStreamQuery(NCCL, " + gpus.get(q) + ")");
        }
        return true;
    }

    /** ncclCommAbort on every communicator (the first failure thrown once all were tried). */
    private void abortCommunicators() {
        RuntimeException failure = null;
        for (MemorySegment comm : comms) {
            try {
                nccl.commAbort(comm);
            } catch (RuntimeException e) {
                if (failure == null) {
                    failure = e;
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
    }

    private static CUevent event(CudaDevice gpu) {
        CUevent e = new CUevent();
        CudaStatus.driver(cuEventCreate(e, CUevent_flags.CU_EVENT_DISABLE_TIMING), "cuEventCreate(" + gpu + ")");
        return e;
    }

    @Override
    public void allReduce(int bucket, List<Tensor> buffers) {
        if (closed) {
            throw new IllegalStateException("NCCL all-reduce of bucket " + bucket + ": the communicators are closed");
        }
        String what = "NCCL all-reduce of bucket " + bucket;
        watchdog.check(what);
        int dtype = check(bucket, buffers);
        long[] addresses = new long[buffers.size()];
        for (int r = 0; r < addresses.length; r++) {
            addresses[r] = NativeAddress.of(CudaBackend.pointer(buffers.get(r)));
        }
        long count = buffers.getFirst().size();
        holdingEveryGpu(0, () -> {
            watchdog.check(what); // it may have aborted while this thread waited for the locks
            inFlight.addAll(buffers);
            queue(addresses, count, dtype);
        });
    }

    /** Runs {@code work} holding every GPU's lock, taken in rank order (GPU r's, then r + 1's, ...). */
    private void holdingEveryGpu(int r, Runnable work) {
        if (r == gpus.size()) {
            work.run();
            return;
        }
        synchronized (gpus.get(r)) {
            holdingEveryGpu(r + 1, work);
        }
    }

    /** Queues the group between the events (every GPU's lock held). */
    private void queue(long[] addresses, long count, int dtype) {
        for (int q = 0; q < gpus.size(); q++) {
            CudaDevice gpu = gpus.get(q);
            gpu.reactivate();
            CudaStatus.driver(cuEventRecord(filled.get(q), gpu.stream()), "cuEventRecord(" + gpu + ")");
            CudaStatus.driver(cuStreamWaitEvent(streams.get(q), filled.get(q), 0), "cuStreamWaitEvent(" + gpu + ")");
        }
        commLock.lock();
        try {
            if (aborted) {
                throw new CollectiveAbortedException("NCCL all-reduce: " + watchdog.failure().orElse("aborted"));
            }
            group(addresses, count, dtype);
        } finally {
            commLock.unlock();
        }
    }

    /** One ncclAllReduce per communicator inside a group (the communicators' lock held). */
    private void group(long[] addresses, long count, int dtype) {
        nccl.groupStart();
        RuntimeException failure = null;
        for (int q = 0; q < gpus.size() && failure == null; q++) {
            try {
                nccl.allReduce(addresses[q], addresses[q], count, dtype, op, comms[q],
                        NativeAddress.handle(streams.get(q)));
            } catch (RuntimeException e) {
                failure = e;
            }
        }
        try {
            nccl.groupEnd(); // always: a group left open would swallow the next bucket's calls
        } catch (RuntimeException e) { // a failed call inside the group fails its end too: keep the first error
            if (failure == null) {
                failure = e;
            } else {
                failure.addSuppressed(e);
            }
        }
        if (failure != null) {
            for (CudaDevice gpu : gpus) {
                gpu.reactivate(); // NCCL may have left another device current on this thread
            }
            throw failure;
        }
    }

    /** Each backend's stream waits for every all-reduce queued on its GPU's communication stream so far. */
    @Override
    public void finish() {
        if (closed) {
            throw new IllegalStateException("NCCL all-reduce: the communicators are closed");
        }
        watchdog.check("NCCL all-reduce's end of step");
        holdingEveryGpu(0, this::waitForTheCollectives);
        watchdog.queued();
        inFlight.clear(); // the backends' streams now wait for the collectives before any later use of the blocks
    }

    /** Makes each backend's stream wait for its communication stream (every GPU's lock held). */
    private void waitForTheCollectives() {
        for (int q = 0; q < gpus.size(); q++) {
            CudaDevice gpu = gpus.get(q);
            gpu.reactivate();
            CudaStatus.driver(cuEventRecord(reduced.get(q), streams.get(q)), "cuEventRecord(NCCL, " + gpu + ")");
            CudaStatus.driver(cuStreamWaitEvent(gpu.stream(), reduced.get(q), 0), "cuStreamWaitEvent(" + gpu + ")");
        }
    }

    /** NCCL's dtype for the buffers, or an error naming the bucket and the buffer that does not fit. */
    private int check(int bucket, List<Tensor> buffers) {
        if (buffers.size() != comms.length) {
            throw new IllegalArgumentException("NCCL all-reduce of bucket " + bucket + ": " + buffers.size()
                    + " buffers for " + comms.length + " communicators " + devices);
        }
        Tensor first = buffers.getFirst();
        for (int r = 0; r < buffers.size(); r++) {
            Tensor b = buffers.get(r);
            if (b.rank() != 1 || !b.isContiguous() || b.size() != first.size() || b.dtype() != first.dtype()
                    || !b.device().equals(devices.get(r))) {
                throw new IllegalArgumentException("NCCL all-reduce of bucket " + bucket + ": buffer " + r + " is "
                        + b.shape() + " " + b.dtype() + " on " + b.device() + "; every buffer must be 1-D, contiguous,"
                        + " " + first.size() + " elements of " + first.dtype() + ", buffer r on " + devices);
            }
        }
        return switch (first.dtype()) {
            case F32 -> Nccl.FLOAT32;
            case F64 -> Nccl.FLOAT64;
            default -> throw new IllegalArgumentException("NCCL all-reduce of bucket " + bucket + ": gradients of "
                    + first.dtype() + " are not summed here; train in float32 or float64");
        };
    }

    /**
     * Waits for the collectives still queued (the watchdog still watching, so lost peers abort the wait), takes a
     * last look, then destroys the communicators, the streams and the events, and clears the GPUs' marks of an
     * abort; idempotent. Aborted communicators are left alone (the abort freed them). When the last look finds the
     * collectives failed, close throws: the last step's sums, which the weights may hold, are not to be trusted.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        boolean abortedBefore = watchdog.failure().isPresent();
        RuntimeException failure = null;
        try {
            for (int r = 0; r < gpus.size(); r++) {
                CudaDevice gpu = gpus.get(r);
                synchronized (gpu) { // the watchdog never takes a GPU's lock
                    gpu.reactivate();
                    CudaStatus.driver(cuStreamSynchronize(streams.get(r)), "cuStreamSynchronize(NCCL, " + gpu + ")");
                }
            }
            watchdog.poll(); // a last look, now that the collectives have run (or were aborted)
        } catch (RuntimeException e) {
            failure = e;
        }
        boolean abortedNow = watchdog.stop(CollectiveWatchdog.STOP_WAIT);
        try {
            if (!abortedNow) {
                commLock.lock();
                try {
                    for (MemorySegment comm : comms) {
                        if (failure == null) {
                            nccl.commDestroy(comm); // idle and healthy: returns at once
                        } else {
                            nccl.commAbort(comm); // the GPU failed: destroying could wait forever
                        }
                    }
                } finally {
                    commLock.unlock();
                }
            } else if (!abortedBefore && failure == null) {
                failure = new CollectiveAbortedException("NCCL all-reduce's close: "
                        + watchdog.failure().orElse("aborted"));
            }
        } catch (RuntimeException e) {
            if (failure == null) {
                failure = e;
            } else {
                failure.addSuppressed(e);
            }
        } finally {
            for (int r = 0; r < gpus.size(); r++) {
                release(r);
            }
            inFlight.clear(); // the communication streams have run (or were aborted and destroyed)
        }
        if (failure != null) {
            throw failure;
        }
    }

    /** Destroys GPU r's stream and events (what can be) and always clears its mark of an abort. */
    private void release(int r) {
        CudaDevice gpu = gpus.get(r);
        synchronized (gpu) {
            try {
                gpu.reactivate();
                cuStreamDestroy(streams.get(r)); // statuses not checked: nothing is left to do about a failure here
                cuEventDestroy(filled.get(r));
                cuEventDestroy(reduced.get(r));
            } finally {
                gpu.clearAborted();
            }
        }
    }
}

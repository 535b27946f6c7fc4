package striate.cuda;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import striate.backend.Backend;
import striate.backend.Backends;
import striate.parallel.GradientExchange;
import striate.tensor.DType;
import striate.tensor.Device;
import striate.tensor.Tensor;

/**
 * The {@link GradientExchange} between replicas on distinct GPUs of one process: one NCCL communicator per GPU
 * (ncclCommInitAll, rank r on the r-th replica's GPU), and per bucket one ncclAllReduce (sum, in place) per rank,
 * queued on that GPU's stream inside one ncclGroupStart/End, so the bucket travels GPU to GPU (NVLink or PCIe) and
 * never through the host. Each GPU's stream already holds the backward work that filled the bucket and will hold
 * the optimizer step after it, so ordering needs no host synchronization: the call returns once the collectives are
 * queued. NCCL sums in a fixed order for a fixed communicator, so every replica gets bit-identical sums.
 *
 * <p>Buffers: buffer r is 1-D, contiguous, float32 or float64, on replica r's GPU. Called from one thread (the
 * data-parallel communication thread), which holds every GPU's backend lock, in rank order, while it queues.
 */
final class NcclAllReduce implements GradientExchange {
    private final Nccl nccl;
    private final List<Device> devices;
    private final List<CudaBackend> backends = new ArrayList<>();
    private final MemorySegment[] comms;
    private boolean closed;

    /** Communicators for {@code devices}, distinct CUDA devices, rank r on the r-th. */
    NcclAllReduce(Nccl nccl, List<Device> devices) {
        this.nccl = nccl;
        this.devices = List.copyOf(devices);
        int[] ordinals = new int[devices.size()];
        for (int r = 0; r < ordinals.length; r++) {
            Backend b = Backends.of(devices.get(r));
            if (!(b instanceof CudaBackend cuda)) {
                throw new IllegalArgumentException("NCCL all-reduce needs CUDA devices; replica " + r + " is on "
                        + devices.get(r));
            }
            backends.add(cuda);
            ordinals[r] = devices.get(r).index();
        }
        comms = nccl.commInitAll(ordinals);
    }

    @Override
    public void allReduce(int bucket, List<Tensor> buffers) {
        if (closed) {
            throw new IllegalStateException("NCCL all-reduce of bucket " + bucket + ": the communicators are closed");
        }
        int dtype = check(bucket, buffers);
        long[] addresses = new long[buffers.size()];
        for (int r = 0; r < addresses.length; r++) {
            addresses[r] = NativeAddress.of(CudaBackend.pointer(buffers.get(r)));
        }
        queue(0, addresses, buffers.getFirst().size(), dtype);
    }

    /** Takes GPU r's lock and goes on to the next; inside the last, queues the group. */
    private void queue(int r, long[] addresses, long count, int dtype) {
        if (r == comms.length) {
            nccl.groupStart();
            RuntimeException failure = null;
            for (int q = 0; q < comms.length && failure == null; q++) {
                try {
                    nccl.allReduce(addresses[q], addresses[q], count, dtype, Nccl.SUM, comms[q],
                            NativeAddress.handle(backends.get(q).gpu().stream()));
                } catch (RuntimeException e) {
                    failure = e;
                }
            }
            nccl.groupEnd(); // always: a group left open would swallow the next step's calls
            if (failure != null) {
                throw failure;
            }
            return;
        }
        CudaDevice gpu = backends.get(r).gpu();
        synchronized (gpu) {
            queue(r + 1, addresses, count, dtype);
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

    /** Destroys the communicators (after their queued work); idempotent. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (MemorySegment comm : comms) {
            nccl.commDestroy(comm);
        }
    }
}

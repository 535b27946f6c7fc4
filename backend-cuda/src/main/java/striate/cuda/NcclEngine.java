package striate.cuda;

import java.lang.foreign.Arena;
import java.lang.foreign.ValueLayout;
import java.util.List;
import java.util.Optional;
import striate.parallel.CollectiveEngine;
import striate.parallel.GradientExchange;
import striate.parallel.PeerWatch;
import striate.parallel.ProcessGroupEngine;
import striate.tensor.Device;

/**
 * NCCL as data parallel's {@link CollectiveEngine} and {@link ProcessGroupEngine} (both listed in META-INF/services):
 * it serves replicas on distinct GPUs of this machine, or this process's one GPU as a rank of a group of processes
 * (a Spark job's executors), when CUDA runs here and {@link Nccl#load} finds the library; otherwise it says which of
 * those is missing. The library is loaded once per engine, on first need.
 */
public final class NcclEngine implements CollectiveEngine, ProcessGroupEngine {
    private Nccl nccl;
    private NcclUnavailableException loadFailure;

    @Override
    public String name() {
        return "nccl";
    }

    @Override
    public Optional<String> unavailable(Device device) {
        return unavailable(List.of(device));
    }

    @Override
    public synchronized Optional<String> unavailable(List<Device> devices) {
        for (Device d : devices) {
            if (d.kind() != Device.Kind.CUDA) {
                return Optional.of(d + " is not a CUDA device");
            }
        }
        if (!CudaProbe.available()) {
            return Optional.of("CUDA cannot run here: " + CudaProbe.unavailableReason());
        }
        int gpus = CudaProbe.report().gpus().size();
        for (Device d : devices) {
            if (d.index() >= gpus) {
                return Optional.of(d + " asked for, but this machine has " + gpus + " GPU(s)");
            }
        }
        load();
        return loadFailure == null ? Optional.empty() : Optional.of(loadFailure.getMessage());
    }

    @Override
    public synchronized GradientExchange open(List<Device> devices) {
        Optional<String> why = unavailable(devices);
        if (why.isPresent()) {
            throw new IllegalStateException("NCCL cannot serve " + devices + ": " + why.get());
        }
        return new NcclAllReduce(nccl, devices);
    }

    @Override
    public synchronized byte[] newGroupId() {
        load(); // ncclGetUniqueId needs the library, not a GPU: it names rank 0's bootstrap address
        if (loadFailure != null) {
            throw new IllegalStateException("NCCL cannot make a group id: " + loadFailure.getMessage());
        }
        try (Arena arena = Arena.ofConfined()) {
            return nccl.uniqueId(arena).toArray(ValueLayout.JAVA_BYTE);
        }
    }

    @Override
    public synchronized GradientExchange join(Device device, byte[] groupId, int world, int rank, PeerWatch watch) {
        return NcclAllReduce.acrossProcesses(require(device), device, groupId, world, rank, watch);
    }

    /** The loaded library, or an error saying why NCCL cannot serve {@code device}. */
    private Nccl require(Device device) {
        Optional<String> why = unavailable(device);
        if (why.isPresent()) {
            throw new IllegalStateException("NCCL cannot serve " + device + ": " + why.get());
        }
        return nccl;
    }

    private void load() {
        if (nccl == null && loadFailure == null) {
            try {
                nccl = Nccl.load();
            } catch (NcclUnavailableException e) {
                loadFailure = e;
            }
        }
    }

    /**
     * One line for {@code striate doctor}: NCCL's version and file, and whether data parallel can use it here
     * (CUDA must run too), or exactly why NCCL is unavailable.
     */
    public static String describe() {
        Nccl nccl;
        try {
            nccl = Nccl.load();
        } catch (NcclUnavailableException e) {
            return "unavailable: " + e.getMessage() + "; data parallel on distinct GPUs uses the ring";
        }
        String found = Nccl.versionText(nccl.version()) + " (" + nccl.source() + ")";
        if (!CudaProbe.available()) {
            return found + ", unused: CUDA cannot run here (" + CudaProbe.unavailableReason() + ")";
        }
        return found + ", used by data parallel on distinct GPUs of the " + CudaProbe.report().gpus().size()
                + " here";
    }
}

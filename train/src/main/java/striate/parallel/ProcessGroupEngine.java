package striate.parallel;

import java.util.Optional;
import java.util.ServiceLoader;
import striate.tensor.Device;

/**
 * A collective library that sums gradient buckets across processes, each process running one replica on one device
 * (NCCL between the GPUs of a cluster's executors), found with {@link ServiceLoader}: a backend jar lists its engine
 * in {@code META-INF/services/striate.parallel.ProcessGroupEngine}. Rank 0 makes a group id ({@link #newGroupId}),
 * the launcher hands it to every rank (Spark: {@code BarrierTaskContext.allGather}), and each rank {@link #join}s;
 * the exchange it gets is what that process's {@link DataParallel} is built with.
 */
public interface ProcessGroupEngine {
    /** The engine's short name: {@code nccl}. */
    String name();

    /** Why this engine cannot serve a process whose replica is on {@code device}, in one line; empty when it can. */
    Optional<String> unavailable(Device device);

    /** A new group's id (NCCL's 128-byte unique id), made once by rank 0 and given to every rank's {@link #join}. */
    byte[] newGroupId();

    /**
     * Joins group {@code groupId} as {@code rank} of {@code world} processes, with this process's one replica on
     * {@code device}; blocks until every rank has joined. The exchange replaces each bucket with the mean over the
     * world's processes (their sum divided by {@code world}), the same bits on every rank. When a collective has
     * waited longer than {@code watch}'s timeout for the peers, or the launcher says the job stopped, the engine
     * aborts the group: the exchange's next call, and any wait for what the device computed since, throws.
     */
    GradientExchange join(Device device, byte[] groupId, int world, int rank, PeerWatch watch);

    /** The engine called {@code name} among those on the class path, if any. */
    static Optional<ProcessGroupEngine> named(String name) {
        for (ProcessGroupEngine e : ServiceLoader.load(ProcessGroupEngine.class)) {
            if (e.name().equals(name)) {
                return Optional.of(e);
            }
        }
        return Optional.empty();
    }
}

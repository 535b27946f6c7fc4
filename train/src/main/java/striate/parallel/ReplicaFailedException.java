package striate.parallel;

import striate.tensor.Device;

/**
 * A data-parallel step failed in one replica (the cause says how). The other replicas stopped at the all-reduce
 * and none of them took an optimizer step unless the failure came after it; {@link DataParallel#syncFromFirst}
 * must run before the next step.
 */
public final class ReplicaFailedException extends RuntimeException {
    private final int replica;
    private final Device device;

    ReplicaFailedException(int replica, Device device, Throwable cause) {
        super("data parallel replica " + replica + " on " + device + " failed: " + cause, cause);
        this.replica = replica;
        this.device = device;
    }

    /** Which replica failed (0 holds the weights that checkpoints save). */
    public int replica() {
        return replica;
    }

    public Device device() {
        return device;
    }
}

package striate.backend;

import java.util.concurrent.atomic.LongAdder;

/**
 * A backend's running byte counts for {@link Traffic}: its copy primitive adds each copy's bytes once, under the
 * direction the copy took. Safe to update from several threads (replicas, a data loader, the all-reduce thread).
 */
public final class TrafficCounter {
    private final LongAdder hostToDevice = new LongAdder();
    private final LongAdder deviceToHost = new LongAdder();
    private final LongAdder deviceToDevice = new LongAdder();

    public void hostToDevice(long bytes) {
        hostToDevice.add(bytes);
    }

    public void deviceToHost(long bytes) {
        deviceToHost.add(bytes);
    }

    public void deviceToDevice(long bytes) {
        deviceToDevice.add(bytes);
    }

    /** The counts so far. */
    public Traffic read() {
        return new Traffic(hostToDevice.sum(), deviceToHost.sum(), deviceToDevice.sum());
    }
}

package striate.backend;

/**
 * Bytes moved by a backend's copy primitive ({@link Backend#copy}), by direction: a snapshot of its
 * {@link TrafficCounter}. Subtract two snapshots to get what a piece of work moved.
 *
 * <ul>
 * <li>{@code hostToDevice}: into this backend's device from host memory. Host memory is the reference device
 * (which also wraps Java arrays and buffers: {@code Tensor.of(float[])}, checkpoints, the data loader's batches)
 * and, for a device whose memory is not host memory (CUDA), every host device (reference, cpu:i).</li>
 * <li>{@code deviceToHost}: out of this backend's device into host memory.</li>
 * <li>{@code deviceToDevice}: within one device, or between two devices of this backend's kind (cuda:0 →
 * cuda:1). cpu:0 and cpu:1 are two devices that share the host's memory: a copy between them is
 * device→device, not host traffic; so is every copy the reference backend runs, its device being host memory.</li>
 * </ul>
 * A copy is counted once, by the backend that runs it ({@link Backend#copier}).
 */
public record Traffic(long hostToDevice, long deviceToHost, long deviceToDevice) {
    /** Nothing moved. */
    public static final Traffic NONE = new Traffic(0, 0, 0);

    /** What moved between {@code earlier} and this snapshot. */
    public Traffic minus(Traffic earlier) {
        return new Traffic(hostToDevice - earlier.hostToDevice, deviceToHost - earlier.deviceToHost,
                deviceToDevice - earlier.deviceToDevice);
    }

    /** Both counts together (e.g. several backends' traffic). */
    public Traffic plus(Traffic other) {
        return new Traffic(hostToDevice + other.hostToDevice, deviceToHost + other.deviceToHost,
                deviceToDevice + other.deviceToDevice);
    }

    /** Bytes that crossed between host memory and the device, either way. */
    public long hostBytes() {
        return hostToDevice + deviceToHost;
    }

    @Override
    public String toString() {
        return "host→device " + hostToDevice + " B, device→host " + deviceToHost + " B, device→device "
                + deviceToDevice + " B";
    }
}

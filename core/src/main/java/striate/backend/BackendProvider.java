package striate.backend;

import striate.tensor.Device;

/**
 * Found with {@link java.util.ServiceLoader}: one per backend module. Creates the backend for a device of
 * its kind and can say, without throwing, why it is unavailable on this machine.
 */
public interface BackendProvider {
    /** The device family this provider serves. */
    Device.Kind kind();

    /** Null when the backend can run here; otherwise one sentence saying what is missing and how to fix it. */
    String unavailableReason();

    /** The backend for {@code device}; called at most once per device. */
    Backend create(Device device);
}

package striate.cpu;

import striate.backend.Backend;
import striate.backend.BackendProvider;
import striate.tensor.Device;

/** Registers the CPU backend with {@link java.util.ServiceLoader}; it runs on any machine with a JVM. */
public final class CpuProvider implements BackendProvider {
    @Override
    public Device.Kind kind() {
        return Device.Kind.CPU;
    }

    @Override
    public String unavailableReason() {
        return null;
    }

    @Override
    public Backend create(Device device) {
        return new CpuBackend(device);
    }
}

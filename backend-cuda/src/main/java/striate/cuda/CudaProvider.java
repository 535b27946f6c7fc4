package striate.cuda;

import striate.backend.Backend;
import striate.backend.BackendProvider;
import striate.tensor.Device;

/**
 * Registers the CUDA device family so that {@code Backends.diagnostics()} and {@code striate doctor} report it
 * honestly: the backend itself (JCuda, cuBLAS, cuDNN) is not built yet, so it is always unavailable and
 * {@link #create} refuses. Issue #6 replaces this with a provider that probes the driver and libraries.
 */
public final class CudaProvider implements BackendProvider {
    static final String NOT_BUILT = "the CUDA backend is not built yet (issue #6); use --device cpu or reference";

    @Override
    public Device.Kind kind() {
        return Device.Kind.CUDA;
    }

    @Override
    public String unavailableReason() {
        return NOT_BUILT;
    }

    @Override
    public Backend create(Device device) {
        throw new IllegalStateException("device " + device + " is unavailable: " + NOT_BUILT);
    }
}

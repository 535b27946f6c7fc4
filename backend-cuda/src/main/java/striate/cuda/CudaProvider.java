package striate.cuda;

import striate.backend.Backend;
import striate.backend.BackendProvider;
import striate.tensor.Device;

/**
 * Registers the CUDA backend with {@link java.util.ServiceLoader}. Availability comes from {@link CudaProbe} (driver,
 * GPUs, cuBLAS, cuDNN, JCuda's natives), so {@code striate doctor} and {@code Backends.of(Device.cuda(i))} say what is
 * missing instead of failing inside JCuda. Switches ({@link CudaOptions}) are read from system properties here.
 */
public final class CudaProvider implements BackendProvider {
    @Override
    public Device.Kind kind() {
        return Device.Kind.CUDA;
    }

    @Override
    public String unavailableReason() {
        return CudaProbe.unavailableReason();
    }

    @Override
    public Backend create(Device device) {
        int count = CudaProbe.report().gpus().size();
        if (device.index() >= count) {
            throw new IllegalArgumentException("device " + device + " does not exist: this machine has " + count
                    + " GPU(s), cuda:0 to cuda:" + (count - 1));
        }
        try {
            return new CudaBackend(device, CudaOptions.fromSystemProperties());
        } catch (LinkageError e) { // a JCuda native library (JCublas2, JCudnn) that the probe could not try first
            throw new IllegalStateException("device " + device + " could not start: a JCuda native library did not"
                    + " load (" + e.getMessage() + "); striate doctor lists what was found", e);
        }
    }
}

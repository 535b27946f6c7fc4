package striate.cuda;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import striate.backend.Backends;
import striate.tensor.Device;

/** For GPU tests: the backend of cuda:0, or the test is skipped with the probe's reason. */
final class Gpu {
    private Gpu() {
    }

    static CudaBackend backend() {
        assumeTrue(CudaProbe.available(), CudaProbe::unavailableReason);
        return (CudaBackend) Backends.of(Device.cuda(0));
    }
}

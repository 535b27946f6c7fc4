package striate.cuda;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import striate.backend.Backends;
import striate.tensor.Device;

/**
 * For GPU tests: the backend of cuda:0, or the test is skipped with the probe's reason. With
 * {@code -Dstriate.requireGpu=true} (the device script's JUnit runs) a CUDA that does not start fails the test
 * instead: there a skip would hide a broken bundle behind a passing run.
 */
final class Gpu {
    private Gpu() {
    }

    static CudaBackend backend() {
        requireAvailable();
        return (CudaBackend) Backends.of(Device.cuda(0));
    }

    /** Returns when CUDA runs here; otherwise skips the test, or fails it under {@code striate.requireGpu}. */
    static void requireAvailable() {
        if (!CudaProbe.available() && Boolean.getBoolean("striate.requireGpu")) {
            fail("striate.requireGpu is set but CUDA does not start: " + CudaProbe.unavailableReason());
        }
        assumeTrue(CudaProbe.available(), CudaProbe::unavailableReason);
    }
}

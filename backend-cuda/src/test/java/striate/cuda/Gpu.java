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
    private static final String REQUIRE = "striate.requireGpu";

    private Gpu() {
    }

    static CudaBackend backend() {
        requireAvailable();
        return (CudaBackend) Backends.of(Device.cuda(0));
    }

    /** Returns when CUDA runs here; otherwise skips the test, or fails it under {@code striate.requireGpu}. */
    static void requireAvailable() {
        if (!CudaProbe.available() && Boolean.getBoolean(REQUIRE)) {
            fail(REQUIRE + " is set but CUDA does not start: " + CudaProbe.unavailableReason());
        }
        assumeTrue(CudaProbe.available(), CudaProbe::unavailableReason);
    }

    /** Returns when cuDNN's library loads here; otherwise skips the test, or fails it under striate.requireGpu. */
    static void requireCudnn() {
        boolean present = CudaProbe.open(CudaProbe.CUDNN).isPresent();
        if (!present && Boolean.getBoolean(REQUIRE)) {
            fail(REQUIRE + " is set but cuDNN does not load: " + CudaProbe.CUDNN_FIX);
        }
        assumeTrue(present, CudaProbe.CUDNN_FIX);
    }
}

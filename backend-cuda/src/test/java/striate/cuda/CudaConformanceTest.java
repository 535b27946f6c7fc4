package striate.cuda;


import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import striate.tensor.Device;
import striate.testing.OpConformance;

/**
 * Every non-view op on {@code Device.cuda(0)} against the reference (the suite lives in core's test-jar), in float32
 * and, for mixed precision's cases, in bfloat16 and float16 within the Tolerance table's rows for them. Skips, with
 * the probe's reason, where CUDA can't run.
 */
@Tag("gpu")
class CudaConformanceTest extends OpConformance {
    @BeforeEach
    void needsAGpu() {
        Gpu.requireAvailable();
    }

    @Override
    protected Device device() {
        return Device.cuda(0);
    }
}

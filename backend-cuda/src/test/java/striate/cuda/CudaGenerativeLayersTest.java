package striate.cuda;


import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import striate.tensor.Device;
import striate.testing.GenerativeLayersConformance;

/**
 * ConvTranspose2d (on cuDNN's backward-data, forward and backward-filter convolutions), Upsample and the DCGAN
 * generators on {@code Device.cuda(0)} against the reference (the suite lives in core's test-jar). Skips, with the
 * probe's reason, where CUDA can't run.
 */
@Tag("gpu")
class CudaGenerativeLayersTest extends GenerativeLayersConformance {
    @BeforeEach
    void needsAGpu() {
        Gpu.requireAvailable();
    }

    @Override
    protected Device device() {
        return Device.cuda(0);
    }

    @Override
    protected String convKernel() {
        return "CudnnConv2d";
    }
}

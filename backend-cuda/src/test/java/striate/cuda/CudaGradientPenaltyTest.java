package striate.cuda;


import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import striate.tensor.Device;
import striate.testing.GradientPenaltyConformance;

/**
 * WGAN-GP's gradient penalty and its parameter gradients on {@code Device.cuda(0)} against the reference (the suite
 * lives in core's test-jar), the convolutions on cuDNN. Skips, with the probe's reason, where CUDA can't run.
 */
@Tag("gpu")
class CudaGradientPenaltyTest extends GradientPenaltyConformance {
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

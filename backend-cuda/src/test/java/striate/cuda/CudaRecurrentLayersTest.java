package striate.cuda;


import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import striate.tensor.Device;
import striate.testing.RecurrentConformance;

/**
 * The recurrent layers on {@code Device.cuda(0)}: variable lengths against sequences run alone, whole modules against
 * the reference, an LSTM learning a toy task (the suite lives in core's test-jar). Skips, with the probe's reason,
 * where CUDA can't run.
 */
@Tag("gpu")
class CudaRecurrentLayersTest extends RecurrentConformance {
    @BeforeEach
    void needsAGpu() {
        Gpu.requireAvailable();
    }

    @Override
    protected Device device() {
        return Device.cuda(0);
    }
}

package striate.cuda;


import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import striate.models.KMaxCnn;
import striate.models.TextCnn;
import striate.tensor.Device;
import striate.tensor.Tensor;
import striate.testing.TextLayersConformance;

/**
 * The text-classification layers on {@code Device.cuda(0)} against the reference: Conv1d on cuDNN's convolutions,
 * max over time, dynamic k-max, a frozen embedding, one TextCnn and one KMaxCnn training step (the suite lives in core's test-jar). Skips, with the
 * probe's reason, where CUDA can't run.
 */
@Tag("gpu")
class CudaTextLayersTest extends TextLayersConformance {
    @BeforeEach
    void needsAGpu() {
        Gpu.requireAvailable();
    }

    @Override
    protected Device device() {
        return Device.cuda(0);
    }

    @Test
    void textCnnStepMatchesTheReference() {
        Tensor labels = Tensor.ofInts(Device.reference(), new int[] {0, 1, 1, 0, 1, 0}, 6);
        assertSameStep("TextCnn", () -> new TextCnn(new TextCnn.Config(200, 2, 32, 8, 0.5), 3),
                raggedIds(8, 6, 30, 200), labels);
    }

    @Test
    void kMaxCnnStepMatchesTheReference() {
        Tensor labels = Tensor.ofInts(Device.reference(), new int[] {1, 0, 1, 1, 0, 0}, 6);
        assertSameStep("KMaxCnn", () -> new KMaxCnn(new KMaxCnn.Config(200, 2, 24, 6, 7, 10, 5, 4, 0.5), 3),
                raggedIds(9, 6, 30, 200), labels);
    }
}

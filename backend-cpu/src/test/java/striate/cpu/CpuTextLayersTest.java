package striate.cpu;

import org.junit.jupiter.api.Test;
import striate.models.TextCnn;
import striate.tensor.Device;
import striate.tensor.Tensor;
import striate.testing.TextLayersConformance;

/**
 * The text-classification layers on the CPU backend against the reference (the suite lives in core's test-jar), and
 * one training step of TextCnn: the loss and every gradient.
 */
class CpuTextLayersTest extends TextLayersConformance {
    @Override
    protected Device device() {
        return Device.cpu();
    }

    @Test
    void textCnnStepMatchesTheReference() {
        Tensor labels = Tensor.ofInts(Device.reference(), new int[] {0, 1, 1, 0, 1, 0}, 6);
        assertSameStep("TextCnn", () -> new TextCnn(new TextCnn.Config(200, 2, 32, 8, 0.5), 3),
                raggedIds(8, 6, 30, 200), labels);
    }
}

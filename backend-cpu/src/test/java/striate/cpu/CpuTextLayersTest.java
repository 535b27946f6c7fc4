package striate.cpu;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import striate.backend.KernelTrace;
import striate.models.KMaxCnn;
import striate.models.TextCnn;
import striate.nn.Losses;
import striate.tensor.Device;
import striate.tensor.Tensor;
import striate.testing.TextLayersConformance;

/**
 * The text-classification layers on the CPU backend against the reference (the suite lives in core's test-jar), and
 * one training step of TextCnn and of KMaxCnn: the loss and every gradient.
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

    @Test
    void aKMaxCnnStepRunsTheCpusOwnConvolutionAndKMaxKernels() {
        KMaxCnn m = new KMaxCnn(new KMaxCnn.Config(200, 2, 24, 6, 7, 10, 5, 4, 0.5), 3);
        m.to(Device.cpu());
        Set<String> kernels;
        try (KernelTrace.Recorder r = KernelTrace.record()) {
            Losses.crossEntropy(m.forward(raggedIds(9, 6, 30, 200).to(Device.cpu())),
                    Tensor.ofInts(Device.cpu(), new int[] {1, 0, 1, 1, 0, 0}, 6)).backward();
            kernels = r.events().stream().filter(e -> !e.borrowed()).map(KernelTrace.Event::kernel)
                    .collect(Collectors.toSet());
            assertTrue(r.events().stream().noneMatch(KernelTrace.Event::borrowed), r.summary());
        }
        assertTrue(kernels.containsAll(Set.of("CpuConv2d", "CpuKMaxPool", "CpuEmbedding")), kernels.toString());
    }

    @Test
    void kMaxCnnStepMatchesTheReference() {
        Tensor labels = Tensor.ofInts(Device.reference(), new int[] {1, 0, 1, 1, 0, 0}, 6);
        assertSameStep("KMaxCnn", () -> new KMaxCnn(new KMaxCnn.Config(200, 2, 24, 6, 7, 10, 5, 4, 0.5), 3),
                raggedIds(9, 6, 30, 200), labels);
    }
}

package striate.cpu;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import striate.backend.KernelTrace;
import striate.nn.ConvTranspose2d;
import striate.tensor.Device;
import striate.tensor.Rng;
import striate.tensor.Tensor;
import striate.testing.Fixtures;
import striate.testing.GenerativeLayersConformance;

/**
 * ConvTranspose2d, Upsample and the DCGAN generators on the CPU backend against the reference (the suite lives in
 * core's test-jar), and a check that a transposed convolution and both its gradients run on the CPU's own conv kernels.
 */
class CpuGenerativeLayersTest extends GenerativeLayersConformance {
    @Override
    protected Device device() {
        return Device.cpu();
    }

    @Test
    void aTransposedConvolutionRunsTheCpusOwnConvKernels() {
        ConvTranspose2d up = new ConvTranspose2d(8, 4, 4, 2, 1, new Rng(1));
        up.to(Device.cpu());
        Tensor x = Fixtures.uniform(Device.cpu(), 2, -1, 1, 2, 8, 5, 5).copy().requiresGrad(true);
        Set<String> kernels;
        try (KernelTrace.Recorder r = KernelTrace.record()) {
            up.forward(x).sum().backward();
            assertTrue(r.events().stream().noneMatch(KernelTrace.Event::borrowed), r.summary());
            kernels = r.events().stream().map(e -> e.op() + " " + e.kernel()).collect(Collectors.toSet());
        }
        // forward = backward data; dx = the forward convolution; dw = backward filter
        assertTrue(kernels.containsAll(Set.of("Conv2dBackwardDataOp CpuConv2d", "Conv2dOp CpuConv2d",
                "Conv2dBackwardFilterOp CpuConv2d")), kernels.toString());
    }
}

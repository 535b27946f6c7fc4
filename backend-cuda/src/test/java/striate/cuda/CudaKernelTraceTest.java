package striate.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import striate.backend.KernelTrace;
import striate.models.LeNet5;
import striate.nn.Losses;
import striate.optim.Optimizer;
import striate.optim.Sgd;
import striate.tensor.Device;
import striate.tensor.Tensor;
import striate.testing.Fixtures;

/**
 * One LeNet-5 training step on cuda:0, traced: every op runs a kernel of the GPU (cuDNN convolutions with the
 * algorithm cuDNN chose, cuBLAS products, the PTX pooling and updates), none a reference kernel.
 */
@Tag("gpu")
class CudaKernelTraceTest {
    @Test
    void aLeNetStepRunsOnlyGpuKernels() {
        String cudnnPath = Gpu.backend().options().cudnnApi() == CudnnApi.GRAPH ? "cudnn graph engine " : "cudnn algo ";
        Device cuda = Device.cuda(0);
        LeNet5 net = new LeNet5(LeNet5.Config.defaults(), 42);
        net.to(cuda);
        Optimizer opt = Sgd.builder(net.namedParameters()).lr(0.02).momentum(0.9).build();
        Tensor x = Fixtures.uniform(cuda, 7, 0, 1, 16, 1, 28, 28);
        Tensor y = Fixtures.labels(cuda, 8, 16, 10);
        List<KernelTrace.Event> events;
        try (KernelTrace.Recorder r = KernelTrace.record()) {
            Losses.crossEntropy(net.forward(x), y).backward();
            opt.step();
            System.out.print("LeNet-5 training step on cuda:0, batch 16:\n" + r.summary());
            events = r.events();
        }
        assertTrue(events.size() > 40, events.size() + " kernel runs");
        assertTrue(events.stream().allMatch(e -> e.backend().equals("cuda") && e.kernelBackend().equals("cuda")),
                events.toString());
        assertEquals(Set.of("CudnnConv2d"), kernels(events, "Conv2d"));
        assertEquals(Set.of("CublasGemm"), kernels(events, "MatMulOp"));
        assertEquals(Set.of("CudaPool"), kernels(events, "Pool2d"));
        assertEquals(Set.of("CudaUpdates"), kernels(events, "SgdUpdateOp"));
        assertTrue(events.stream().filter(e -> e.op().startsWith("Conv2d"))
                .allMatch(e -> e.path() != null && e.path().startsWith(cudnnPath)), events.toString());
    }

    private static Set<String> kernels(List<KernelTrace.Event> events, String prefix) {
        return events.stream().filter(e -> e.op().startsWith(prefix)).map(KernelTrace.Event::kernel)
                .collect(Collectors.toSet());
    }
}

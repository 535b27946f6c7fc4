package striate.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import striate.models.LeNet5;
import striate.nn.Losses;
import striate.optim.Optimizer;
import striate.optim.Sgd;
import striate.tensor.DType;
import striate.tensor.Device;
import striate.tensor.MemoryScope;
import striate.tensor.Tensor;
import striate.testing.Fixtures;

/** Device memory on a real GPU: no leak over 1,000 steps, and out of memory is an exception the process survives. */
@Tag("gpu")
class CudaMemoryTest {
    @Test
    void thousandTrainingStepsInScopesKeepMemoryInUseFlat() {
        CudaBackend cuda = Gpu.backend();
        Device d = Device.cuda(0);
        LeNet5 net = new LeNet5(LeNet5.Config.defaults(), 1);
        net.to(d);
        Optimizer opt = Sgd.builder(net.namedParameters()).lr(0.01).momentum(0.9).build();
        Tensor x = Fixtures.uniform(d, 3, 0, 1, 64, 1, 28, 28);
        Tensor y = Fixtures.labels(d, 4, 64, 10);
        double first;
        try (MemoryScope scope = MemoryScope.open()) { // optimizer state is allocated outside any scope
            first = step(net, opt, x, y);
        }
        // Other tests' garbage may come back through the cleaner meanwhile, so in-use bytes may only fall.
        long inUse = cuda.memory().inUse();
        double last = first;
        for (int i = 0; i < 1000; i++) {
            try (MemoryScope scope = MemoryScope.open()) {
                last = step(net, opt, x, y);
                assertTrue(scope.size() > 10, "the step's temporaries belong to the scope: " + scope.size());
            }
            long now = cuda.memory().inUse();
            assertTrue(now <= inUse, "bytes in use grew at step " + i + ": " + inUse + " → " + now + "; " + cuda.memory());
            inUse = now;
        }
        assertTrue(last < first, "training on one batch lowers its loss: " + first + " → " + last);
        assertTrue(cuda.memory().reuses() > 1000, "steady steps reuse cached blocks: " + cuda.memory());
    }

    private static double step(LeNet5 net, Optimizer opt, Tensor x, Tensor y) {
        Tensor loss = Losses.crossEntropy(net.forward(x), y);
        loss.backward();
        opt.step();
        double v = loss.item();
        opt.zeroGrad();
        return v;
    }

    @Test
    void outOfMemoryIsTypedAndASmallerRequestThenSucceeds() {
        Gpu.backend();
        long huge = 1L << 40; // 4 TiB of float32
        CudaOutOfMemoryException e = assertThrows(CudaOutOfMemoryException.class,
                () -> Tensor.zeros(Device.cuda(0), DType.F32, huge));
        assertEquals(huge * 4, e.requested());
        Tensor small = Tensor.ones(Device.cuda(0), DType.F32, 1000);
        assertEquals(1000, small.sum().item(), 0);
    }

    @Test
    void aFailingLaunchNamesTheKernel() {
        CudaBackend cuda = Gpu.backend();
        CudaKernelException e = assertThrows(CudaKernelException.class,
                () -> cuda.gpu().launch("no_such_forward_f32", 1, new LaunchArgs()));
        assertEquals("no_such_forward_f32", e.kernel());
        assertTrue(e.getMessage().startsWith("kernel no_such_forward_f32"), e.getMessage());
    }

    @Test
    void uploadAndDownloadRoundTripThroughTheStagingBuffer() {
        Gpu.backend();
        int n = 3 * (1 << 20) + 5; // more than one 8 MiB staging chunk of float32
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = i * 0.5f;
        }
        Tensor t = Tensor.of(Device.cuda(0), v, n);
        float[] back = t.toFloatArray();
        for (int i = 0; i < n; i += 9973) {
            assertEquals(v[i], back[i], "element " + i);
        }
        assertEquals(v[n - 1], back[n - 1]);
    }
}

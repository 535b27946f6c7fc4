package striate.cuda;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import striate.nn.Losses;
import striate.tensor.DType;
import striate.tensor.Device;
import striate.tensor.MemoryScope;
import striate.tensor.Shape;
import striate.tensor.Tensor;
import striate.testing.Fixtures;

/**
 * CUDA graphs on a real GPU: a captured sequence of ops replays to the eager results, reads its inputs' current
 * contents at each replay, refuses host reads during the capture (and the device works after), and checks its
 * ops' inputs after each replay.
 */
@Tag("gpu")
class CudaGraphTest {
    private static final Device D = Device.cuda(0);

    /** relu(a·b + c): a product, a broadcast add and an activation. */
    private static Tensor work(Tensor a, Tensor b, Tensor c) {
        return a.matmul(b).add(c).relu();
    }

    @Test
    void aReplayGivesTheEagerResultsOfTheInputsCurrentContents() {
        CudaBackend cuda = Gpu.backend();
        Tensor a = Fixtures.uniform(D, 1, -1, 1, 64, 96);
        Tensor b = Fixtures.uniform(D, 2, -1, 1, 96, 48);
        Tensor c = Fixtures.uniform(D, 3, -1, 1, 48);
        work(a, b, c); // warm-up outside the capture: cuBLAS's first call sets itself up
        Tensor[] out = new Tensor[1];
        try (CudaGraph graph = cuda.captureGraph(() -> out[0] = work(a, b, c))) {
            graph.replay();
            assertArrayEquals(work(a, b, c).toFloatArray(), out[0].toFloatArray(), "first replay");
            a.copyFrom(Fixtures.uniform(Device.cpu(), 4, -1, 1, 64, 96));
            graph.replay();
            float[] want = work(a, b, c).toFloatArray();
            assertArrayEquals(want, out[0].toFloatArray(), "a replay reads a's new contents");
            assertTrue(graph.privateBytes() >= 0);
        }
    }

    /**
     * As HostGraphTest's case: a backward recorded before a replay that needs values the replay overwrote (a copy's
     * destination, a kernel's output) is refused, not computed from the new values.
     */
    @Test
    void aBackwardThatNeedsValuesAReplayOverwroteIsRefused() {
        CudaBackend cuda = Gpu.backend();
        Tensor x = Fixtures.uniform(D, 6, -1, 1, 8);
        Tensor src = Fixtures.uniform(D, 7, -1, 1, 8);
        try (CudaGraph copy = cuda.captureGraph(() -> x.copyFrom(src))) {
            Tensor w = Tensor.ones(D, DType.F32, 8).requiresGrad(true);
            Tensor loss = x.mul(w).sum();
            copy.replay();
            IllegalStateException e = assertThrows(IllegalStateException.class, loss::backward);
            assertTrue(e.getMessage().contains("written in place since"), e.getMessage());
        }
        Tensor a = Fixtures.uniform(D, 8, -1, 1, 8);
        Tensor[] y = new Tensor[1];
        try (CudaGraph twice = cuda.captureGraph(() -> y[0] = a.mul(2))) {
            twice.replay();
            Tensor w = Tensor.ones(D, DType.F32, 8).requiresGrad(true);
            Tensor loss = y[0].mul(w).sum();
            twice.replay();
            IllegalStateException e = assertThrows(IllegalStateException.class, loss::backward);
            assertTrue(e.getMessage().contains("written in place since"), e.getMessage());
        }
    }

    @Test
    void whatTheCaptureMadeOutlivesTheScopeItRanIn() { // as on the host backends (HostGraphTest)
        CudaBackend cuda = Gpu.backend();
        Tensor a = Tensor.rand(D, DType.F32, Shape.of(64), -1, 1, 5);
        Tensor[] out = new Tensor[1];
        CudaGraph graph;
        try (MemoryScope scope = MemoryScope.open()) {
            graph = cuda.captureGraph(() -> out[0] = a.mul(3).add(1));
        }
        try (MemoryScope other = MemoryScope.open()) {
            Tensor.zeros(D, DType.F32, 64).add(7); // would take the scope's blocks, were they not the graph's
            graph.replay();
        }
        assertArrayEquals(a.mul(3).add(1).toFloatArray(), out[0].toFloatArray());
        graph.close();
        assertThrows(IllegalStateException.class, graph::replay);
    }

    @Test
    void aBackwardPassWithItsOwnSeedIsCapturable() {
        CudaBackend cuda = Gpu.backend();
        Tensor x = Fixtures.uniform(D, 7, -1, 1, 16, 8);
        Tensor w = Fixtures.uniform(D, 8, -1, 1, 8, 4).requiresGrad(true);
        x.matmul(w).relu().sum().backward(); // the seed of backward() is filled on the device, not copied from the host
        float[] want = w.grad().toFloatArray();
        w.setGrad(null);
        try (CudaGraph graph = cuda.captureGraph(() -> x.matmul(w).relu().sum().backward())) {
            graph.replay();
            graph.replay(); // the captured gradient is written, not accumulated, at each replay
            assertArrayEquals(want, w.grad().toFloatArray());
        }
    }

    @Test
    void aHostReadDuringTheCaptureIsOneClearErrorAndTheDeviceWorksAfter() {
        CudaBackend cuda = Gpu.backend();
        Tensor a = Fixtures.uniform(D, 5, -1, 1, 8, 8);
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> cuda.captureGraph(() -> a.add(a).sum().item()));
        assertTrue(e.getMessage().contains("while a CUDA graph is being captured"), e.getMessage());
        assertEquals(a.add(a).sum().item(), 2 * a.sum().item(), 1e-4, "eager work runs after the refused capture");
    }

    @Test
    void aLabelOutOfRangeIsReportedAfterTheReplay() {
        CudaBackend cuda = Gpu.backend();
        Tensor logits = Fixtures.uniform(D, 6, -1, 1, 4, 10);
        Tensor labels = Tensor.ofInts(Device.cpu(), new int[] {1, 2, 3, 4}).to(D);
        Losses.crossEntropy(logits, labels).item(); // warm-up
        Tensor[] loss = new Tensor[1];
        try (CudaGraph graph = cuda.captureGraph(() -> loss[0] = Losses.crossEntropy(logits, labels))) {
            graph.replay();
            assertEquals(Losses.crossEntropy(logits, labels).item(), loss[0].item(), 1e-6);
            labels.copyFrom(Tensor.ofInts(Device.cpu(), new int[] {1, 2, 30, 4}));
            RuntimeException bad = assertThrows(RuntimeException.class, graph::replay);
            assertTrue(bad.getMessage().contains("30"), bad.getMessage());
        }
        assertEquals(DType.I32, labels.dtype());
    }
}

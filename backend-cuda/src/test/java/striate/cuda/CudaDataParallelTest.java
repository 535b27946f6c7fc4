package striate.cuda;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Supplier;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import striate.backend.Traffic;
import striate.models.LeNet5;
import striate.nn.Losses;
import striate.nn.Module;
import striate.optim.Optimizer;
import striate.optim.Sgd;
import striate.parallel.DataParallel;
import striate.tensor.Device;
import striate.tensor.MemoryScope;
import striate.tensor.Tensor;
import striate.testing.Fixtures;

/**
 * Data parallel on one GPU: two replicas on cuda:0 (each on its own thread, gradients all-reduced through the
 * default tensor link) reach the weights of one model trained on the whole batch on cuda:0, and stay identical.
 */
@Tag("gpu")
class CudaDataParallelTest {
    private static final Supplier<Module> LENET = () -> new LeNet5(LeNet5.Config.defaults(), 42);
    private static final Function<Module, Optimizer> SGD =
            m -> Sgd.builder(m.namedParameters()).lr(0.05).momentum(0.9).build();

    private static Map<String, float[]> weights(Module m) {
        Map<String, float[]> out = new LinkedHashMap<>();
        m.namedParameters().forEach((name, p) -> out.put(name, p.value().toFloatArray()));
        return out;
    }

    @Test
    void twoReplicasOnOneGpuMatchOneModel() {
        Gpu.backend();
        Device gpu = Device.cuda(0);
        Tensor x = Fixtures.uniform(gpu, 7, 0, 1, 13, 1, 28, 28);
        Tensor y = Fixtures.labels(gpu, 8, 13, 10);

        Module single = LENET.get().to(gpu);
        Optimizer opt = SGD.apply(single);
        for (int step = 0; step < 3; step++) {
            try (MemoryScope scope = MemoryScope.open()) {
                Tensor loss = Losses.crossEntropy(single.forward(x), y);
                opt.zeroGrad();
                loss.backward();
                opt.step();
                opt.zeroGrad();
            }
        }
        Map<String, float[]> expected = weights(single);

        try (DataParallel dp = DataParallel.builder(List.of(gpu, gpu), LENET, SGD).build()) {
            for (int step = 0; step < 3; step++) {
                assertEquals(13, dp.step(x, y).samples());
            }
            Map<String, float[]> first = weights(dp.module());
            Map<String, float[]> second = weights(dp.replica(1));
            for (String name : expected.keySet()) {
                assertArrayEquals(first.get(name), second.get(name), "replicas differ in " + name);
                float[] want = expected.get(name);
                float[] got = first.get(name);
                double scale = 0;
                double diff = 0;
                for (int i = 0; i < want.length; i++) {
                    scale = Math.max(scale, Math.abs(want[i]));
                    diff = Math.max(diff, Math.abs(want[i] - got[i]));
                }
                assertTrue(diff <= 1e-4 * scale, name + ": two replicas differ from one model by " + diff);
            }
        }
    }

    /**
     * One step of two replicas on cuda:0 moves every gradient device to device: into each replica's flat buffer with
     * the F usage flags after them (2 · (P + F) floats, F = 10 parameter tensors), then the ring (one bucket of
     * P + F, two chunks: each add copies its sum into place and each all-gather copies a chunk, 2 · (P + F) floats in
     * all); the host sees only the loss, logits and labels read back, the flags written (2 · F floats; neither replica
     * reads the sums back, since each reached every parameter) and the backward seeds, well under a kilobyte.
     */
    @Test
    void aStepMovesGradientsDeviceToDeviceOnly() {
        CudaBackend cuda = Gpu.backend();
        Device gpu = Device.cuda(0);
        Tensor x = Fixtures.uniform(gpu, 7, 0, 1, 13, 1, 28, 28);
        Tensor y = Fixtures.labels(gpu, 8, 13, 10);
        try (DataParallel dp = DataParallel.builder(List.of(gpu, gpu), LENET, SGD).build()) {
            dp.step(x, y);
            Traffic before = cuda.traffic();
            dp.step(x, y);
            Traffic moved = cuda.traffic().minus(before);
            long parameters = dp.module().parameterCount();
            long flags = dp.module().parameters().size();
            assertEquals(4 * (parameters + flags) * 4, moved.deviceToDevice(), moved.toString());
            assertTrue(moved.hostBytes() < 1024, "gradients crossed the host: " + moved);
        }
    }
}

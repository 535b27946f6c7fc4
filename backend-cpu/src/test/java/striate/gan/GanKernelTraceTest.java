package striate.gan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import striate.backend.KernelTrace;
import striate.tensor.DType;
import striate.tensor.Device;
import striate.tensor.MemoryScope;
import striate.tensor.Shape;
import striate.tensor.Tensor;

/**
 * One GAN training step (D's and G's, WGAN-GP's double backward included) of each model on the CPU, traced: every op runs a CPU kernel and none a
 * reference kernel, so a GAN trains on the fast paths only.
 */
class GanKernelTraceTest {
    private static final Device CPU = Device.cpu();

    @Test
    void everyGanStepRunsOnlyCpuKernels() {
        for (String model : GanRecipe.MODELS) {
            Gan gan = Gan.create(GanRecipe.of(model).withBatchSize(8), 1, CPU);
            GanTrainer t = new GanTrainer(gan, CPU, new GanTrainer.Options(1, 1, null, null, Map.of(), null));
            Tensor real = Tensor.rand(CPU, DType.F32, Shape.of(8, 1, 28, 28), -1, 1, 5);
            Tensor labels = gan.conditional() ? Latents.evenLabels(8, 10, CPU) : null;
            step(t, real, labels); // the first step fills the memory pool
            try (KernelTrace.Recorder trace = KernelTrace.record()) {
                step(t, real, labels);
                List<KernelTrace.Event> events = trace.events();
                assertTrue(events.size() > 30, model + ": " + events.size() + " kernel runs");
                assertEquals(List.of(), events.stream().filter(KernelTrace.Event::borrowed).distinct().toList(),
                        model + ": reference kernels\n" + trace.summary());
                assertTrue(events.stream().allMatch(e -> e.kernelBackend().equals("cpu")), model);
            }
        }
    }

    private static void step(GanTrainer t, Tensor real, Tensor labels) {
        try (MemoryScope scope = MemoryScope.open()) {
            t.discriminatorStep(real, labels);
            t.generatorStep(8);
        }
    }
}

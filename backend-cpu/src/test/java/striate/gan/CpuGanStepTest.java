package striate.gan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;
import striate.nn.Parameter;
import striate.tensor.DType;
import striate.tensor.Device;
import striate.tensor.Shape;
import striate.tensor.Tensor;

/**
 * One MLP GAN training step (D's, then G's) on the CPU against the same step on the reference backend: the same
 * losses and, after both Adam updates, the same weights of both nets. Adam's first step is lr·g / (|g| + ε), so
 * where a gradient is near ε the float32 rounding of g moves it by a share of lr (2e-4): weights agree within 1e-5
 * (a twentieth of a step; a wrong gradient's sign would differ by 4e-4). (The DCGAN nets' layers
 * are checked layer by layer in CpuGenerativeLayersTest; their whole step on the reference's scalar loops would take
 * too long for CI.)
 */
class CpuGanStepTest {

    @Test
    void mlpGanStepMatchesTheReference() {
        Run ref = new Run(Device.reference());
        Run cpu = new Run(Device.cpu());
        assertEquals(ref.critic.loss(), cpu.critic.loss(), 1e-5, "D loss");
        assertEquals(ref.critic.real(), cpu.critic.real(), 1e-5, "D(x)");
        assertEquals(ref.critic.fake(), cpu.critic.fake(), 1e-5, "D(G(z))");
        assertEquals(ref.gLoss, cpu.gLoss, 1e-5, "G loss");
        compare(ref.gan.generator().namedParameters(), cpu.gan.generator().namedParameters());
        compare(ref.gan.discriminator().namedParameters(), cpu.gan.discriminator().namedParameters());
    }

    private static void compare(Map<String, Parameter> ref, Map<String, Parameter> cpu) {
        assertEquals(ref.keySet(), cpu.keySet());
        ref.forEach((name, p) -> {
            float[] a = p.value().toFloatArray();
            float[] b = cpu.get(name).value().toFloatArray();
            for (int i = 0; i < a.length; i++) {
                assertTrue(Math.abs(a[i] - b[i]) <= 1e-5 + 1e-5 * Math.abs(a[i]), name + "[" + i + "]: reference "
                        + a[i] + ", cpu " + b[i]);
            }
        });
    }

    /** A D step and a G step of a seeded MLP GAN at batch 6 on one device. */
    private static final class Run {
        final Gan gan;
        final GanTrainer.Critic critic;
        final double gLoss;

        Run(Device device) {
            gan = Gan.create(GanRecipe.of("gan").withBatchSize(6), 21, device);
            GanTrainer t = new GanTrainer(gan, device, new GanTrainer.Options(1, 4, null, null, Map.of(), null));
            Tensor real = Tensor.rand(Device.reference(), DType.F32, Shape.of(6, 1, 28, 28), -1, 1, 8).to(device);
            critic = t.discriminatorStep(real, null);
            gLoss = t.generatorStep(6);
        }
    }
}

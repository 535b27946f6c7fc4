package striate.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;
import org.junit.jupiter.api.Test;
import striate.nn.Parameter;
import striate.optim.RMSprop;
import striate.tensor.Device;
import striate.tensor.Rng;
import striate.tensor.Tensor;

/** RMSprop on the CPU backend against the reference backend: five steps of a 1025-element float32 parameter. */
class CpuRMSpropTest {
    private static final int N = 1025; // not a multiple of any vector width

    @Test
    void cpuStepsMatchTheReference() {
        Rng rng = new Rng(3);
        float[] w = new float[N];
        float[][] grads = new float[5][N];
        for (int i = 0; i < N; i++) {
            w[i] = (float) rng.nextGaussian();
            for (float[] g : grads) {
                g[i] = (float) (rng.nextGaussian() * 0.1);
            }
        }
        float[] ref = run(Device.reference(), w, grads);
        float[] cpu = run(Device.cpu(), w, grads);
        assertArrayEquals(ref, cpu, 1e-6f);
        assertEquals(N, cpu.length);
    }

    private static float[] run(Device device, float[] w, float[][] grads) {
        Parameter p = new Parameter(Tensor.of(device, w, N));
        RMSprop opt = RMSprop.builder(Map.of("w", p)).lr(5e-3).weightDecay(1e-2).build();
        for (float[] g : grads) {
            p.value().setGrad(Tensor.of(device, g, N));
            opt.step();
        }
        return p.value().toFloatArray();
    }
}

package striate.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import striate.nn.Parameter;
import striate.optim.Adam;
import striate.tensor.DType;
import striate.tensor.Device;
import striate.tensor.Tensor;

/**
 * Adam's per-parameter step counts on the CPU's kernel, which reads each count through a view into one vector per
 * device: a step that updates only some parameters advances theirs alone, one that updates all advances the vector,
 * and the weights follow the reference backend's.
 */
class AdamCountsTest {
    private static final double[][] W = {{0.5, -1, 2}, {0.25, 0.75}, {-3}};
    // per step, each parameter's gradient scale, or 0: no gradient in that step
    private static final double[][] USED = {{1, 0, 1}, {0.5, 1, 0}, {-1, -1, 2}, {0, 0.3, 0}, {1, 1, 1}};

    private static Map<String, Parameter> params(Device d) {
        Map<String, Parameter> ps = new LinkedHashMap<>();
        for (int i = 0; i < W.length; i++) {
            ps.put("p" + i, new Parameter(Tensor.of(d, DType.F32, W[i])));
        }
        return ps;
    }

    @Test
    void perParameterCountsOnTheCpuFollowTheReference() {
        Map<String, Parameter> cpu = params(Device.cpu());
        Map<String, Parameter> ref = params(Device.reference());
        Adam onCpu = Adam.builder(cpu).lr(0.05).build();
        Adam onRef = Adam.builder(ref).lr(0.05).build();
        for (double[] used : USED) {
            for (int i = 0; i < W.length; i++) {
                for (Map<String, Parameter> ps : java.util.List.of(cpu, ref)) {
                    Parameter p = ps.get("p" + i);
                    p.zeroGrad();
                    if (used[i] != 0) {
                        double[] g = new double[W[i].length];
                        for (int k = 0; k < g.length; k++) {
                            g[k] = used[i] * (k + 1) * 0.1;
                        }
                        p.value().setGrad(Tensor.of(p.value().device(), DType.F32, g));
                    }
                }
            }
            onCpu.step();
            onRef.step();
            for (int i = 0; i < W.length; i++) {
                assertArrayEquals(ref.get("p" + i).value().toFloatArray(), cpu.get("p" + i).value().toFloatArray(),
                        4e-6f, "p" + i); // a few float32 roundings at |w| near 3
            }
        }
        int[] expected = {4, 4, 3}; // the steps in which each had a gradient
        for (int i = 0; i < W.length; i++) {
            assertEquals(expected[i], onCpu.state().get("p" + i + ".step").item(), "p" + i);
            assertEquals(expected[i], onRef.state().get("p" + i + ".step").item(), "p" + i);
        }
    }
}

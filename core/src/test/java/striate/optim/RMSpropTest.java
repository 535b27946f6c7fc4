package striate.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;
import striate.nn.Parameter;
import striate.tensor.DType;
import striate.tensor.Device;
import striate.tensor.Tensor;

/** RMSprop's steps against PyTorch's formula evaluated by hand in double, its state round trip and its errors. */
class RMSpropTest {
    private static final Device REF = Device.reference();

    private static Parameter param(double... v) {
        return new Parameter(Tensor.of(REF, DType.F64, v));
    }

    private static void setGrad(Parameter p, double... g) {
        p.value().setGrad(Tensor.of(REF, DType.F64, g));
    }

    @Test
    void threeStepsFollowTheFormula() {
        for (double decay : new double[] {0, 0.1}) {
            Parameter p = param(0.3, -1.2, 2.0);
            RMSprop opt = RMSprop.builder(Map.of("w", p)).lr(0.01).weightDecay(decay).build();
            double[] w = {0.3, -1.2, 2.0};
            double[] v = new double[3];
            double[][] grads = {{0.1, -0.2, 0.3}, {0.05, 0.4, -0.1}, {-0.3, 0.1, 0.2}};
            for (int t = 0; t < 3; t++) {
                setGrad(p, grads[t]);
                opt.step();
                for (int i = 0; i < 3; i++) {
                    double g = grads[t][i] + decay * w[i];
                    v[i] = 0.99 * v[i] + 0.01 * g * g;
                    w[i] -= 0.01 * g / (Math.sqrt(v[i]) + 1e-8);
                }
            }
            assertArrayEquals(w, p.value().toDoubleArray(), 1e-12, "weight decay " + decay);
            assertArrayEquals(v, opt.state().get("w.square_avg").toDoubleArray(), 1e-15);
        }
    }

    @Test
    void firstStepMovesEachWeightByAboutTenTimesTheLearningRate() {
        // v = 0.01·g² after one step, so g / √v = ±10 whatever g's size: the known first-step jump of RMSprop
        Parameter p = param(1, 1);
        RMSprop opt = RMSprop.builder(Map.of("w", p)).lr(5e-5).build();
        setGrad(p, 1e-3, -7);
        opt.step();
        assertArrayEquals(new double[] {1 - 5e-4, 1 + 5e-4}, p.value().toDoubleArray(), 1e-7); // ε shifts the first
    }

    @Test
    void float32ParametersFollowTheDoubleFormula() {
        Parameter p = new Parameter(Tensor.of(REF, new float[] {0.5f, -0.25f}, 2));
        RMSprop opt = RMSprop.builder(Map.of("w", p)).lr(1e-3).alpha(0.9).build();
        p.value().setGrad(Tensor.of(REF, new float[] {0.2f, 0.4f}, 2));
        opt.step();
        double v0 = 0.1 * 0.2f * 0.2f;
        double v1 = 0.1 * 0.4f * 0.4f;
        assertArrayEquals(new float[] {(float) (0.5 - 1e-3 * 0.2f / Math.sqrt(v0)),
                (float) (-0.25 - 1e-3 * 0.4f / Math.sqrt(v1))}, p.value().toFloatArray(), 1e-6f);
    }

    @Test
    void stateRoundTripContinuesIdentically() {
        Parameter p1 = param(1, 2);
        Parameter p2 = param(1, 2);
        RMSprop a1 = RMSprop.builder(Map.of("w", p1)).lr(0.1).build();
        RMSprop a2 = RMSprop.builder(Map.of("w", p2)).lr(0.1).build();
        setGrad(p1, 0.3, -0.7);
        a1.step();
        p2.set(p1.value());
        a2.loadState(a1.state());
        assertEquals(1, a2.steps());
        setGrad(p1, 0.1, 0.2);
        setGrad(p2, 0.1, 0.2);
        a1.step();
        a2.step();
        assertArrayEquals(p1.value().toDoubleArray(), p2.value().toDoubleArray(), 0);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> a2.loadState(Map.of("steps", Tensor.scalar(REF, DType.F64, 1), "w.m",
                        Tensor.of(REF, DType.F64, new double[] {0, 0}))));
        assertTrue(e.getMessage().contains("w.m"), e.getMessage());
    }

    @Test
    void badHyperParametersAreRejectedWithTheirName() {
        Map<String, Parameter> ps = Map.of("w", param(1));
        assertMessage("alpha", () -> RMSprop.builder(ps).alpha(1).build());
        assertMessage("eps", () -> RMSprop.builder(ps).eps(0).build());
        assertMessage("learning rate", () -> RMSprop.builder(ps).lr(-1).build());
        assertMessage("weight decay", () -> RMSprop.builder(ps).weightDecay(-1).build());
        assertEquals("RMSprop(lr=0.01, alpha=0.99, eps=1.0E-8, weightDecay=0.0)", RMSprop.builder(ps).build()
                .toString());
    }

    private static void assertMessage(String part, org.junit.jupiter.api.function.Executable e) {
        IllegalArgumentException ex = assertThrows(IllegalArgumentException.class, e);
        assertTrue(ex.getMessage().contains(part), ex.getMessage());
    }
}

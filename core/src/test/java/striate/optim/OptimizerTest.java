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

/** Each optimizer step against the textbook formulas evaluated by hand in double. */
class OptimizerTest {
    private static final Device REF = Device.reference();

    private static Parameter param(double... v) {
        return new Parameter(Tensor.of(REF, DType.F64, v));
    }

    private static void setGrad(Parameter p, double... g) {
        p.value().setGrad(Tensor.of(REF, DType.F64, g));
    }

    @Test
    void plainSgdStep() {
        Parameter p = param(1, -2);
        Sgd opt = Sgd.builder(Map.of("w", p)).lr(0.1).build();
        setGrad(p, 0.5, -1);
        opt.step();
        assertArrayEquals(new double[] {0.95, -1.9}, p.value().toDoubleArray(), 1e-12);
    }

    @Test
    void momentumNesterovAndWeightDecayOverThreeSteps() {
        for (boolean nesterov : new boolean[] {false, true}) {
            Parameter p = param(1.0, -0.5);
            Sgd opt = Sgd.builder(Map.of("w", p)).lr(0.1).momentum(0.9).nesterov(nesterov).weightDecay(0.01).build();
            double[] w = {1.0, -0.5};
            double[] vel = {0, 0};
            double[][] grads = {{0.2, -0.3}, {0.1, 0.4}, {-0.5, 0.05}};
            for (double[] g : grads) {
                setGrad(p, g);
                opt.step();
                for (int i = 0; i < 2; i++) {
                    double gi = g[i] + 0.01 * w[i];
                    vel[i] = 0.9 * vel[i] + gi;
                    w[i] -= 0.1 * (nesterov ? gi + 0.9 * vel[i] : vel[i]);
                }
            }
            assertArrayEquals(w, p.value().toDoubleArray(), 1e-12, "nesterov=" + nesterov);
        }
    }

    /** PyTorch's SGD with dampening: the first step puts the gradient in the buffer whole (buf = g), later ones damp. */
    @Test
    void dampeningStartsAtTheSecondStepAsInPyTorch() {
        Parameter p = param(1.0, -0.5);
        Sgd opt = Sgd.builder(Map.of("w", p)).lr(0.1).momentum(0.9).dampening(0.5).build();
        double[] w = {1.0, -0.5};
        double[] buf = null;
        double[][] grads = {{0.2, -0.3}, {0.1, 0.4}, {-0.5, 0.05}};
        for (double[] g : grads) {
            setGrad(p, g);
            opt.step();
            if (buf == null) {
                buf = g.clone();
            } else {
                for (int i = 0; i < 2; i++) {
                    buf[i] = 0.9 * buf[i] + 0.5 * g[i];
                }
            }
            for (int i = 0; i < 2; i++) {
                w[i] -= 0.1 * buf[i];
            }
            assertArrayEquals(w, p.value().toDoubleArray(), 1e-12);
        }
    }

    @Test
    void adamAndAdamWOverThreeSteps() {
        for (boolean decoupled : new boolean[] {false, true}) {
            Parameter p = param(0.3, -1.2, 2.0);
            Adam opt = Adam.builder(Map.of("w", p)).lr(0.01).weightDecay(0.1).decoupled(decoupled).build();
            double[] w = {0.3, -1.2, 2.0};
            double[] m = new double[3];
            double[] v = new double[3];
            double[][] grads = {{0.1, -0.2, 0.3}, {0.05, 0.4, -0.1}, {-0.3, 0.1, 0.2}};
            for (int t = 1; t <= 3; t++) {
                setGrad(p, grads[t - 1]);
                opt.step();
                for (int i = 0; i < 3; i++) {
                    double g = grads[t - 1][i];
                    if (decoupled) {
                        w[i] *= 1 - 0.01 * 0.1;
                    } else {
                        g += 0.1 * w[i];
                    }
                    m[i] = 0.9 * m[i] + 0.1 * g;
                    v[i] = 0.999 * v[i] + 0.001 * g * g;
                    double mh = m[i] / (1 - Math.pow(0.9, t));
                    double vh = v[i] / (1 - Math.pow(0.999, t));
                    w[i] -= 0.01 * mh / (Math.sqrt(vh) + 1e-8);
                }
            }
            assertArrayEquals(w, p.value().toDoubleArray(), 1e-12, "decoupled=" + decoupled);
        }
    }

    @Test
    void l1PenaltyPullsTowardZeroBySign() {
        Parameter p = param(0.5, -0.5);
        Sgd opt = Sgd.builder(Map.of("w", p)).lr(0.1).l1(0.2).build();
        setGrad(p, 0, 0);
        opt.step();
        assertArrayEquals(new double[] {0.48, -0.48}, p.value().toDoubleArray(), 1e-12);
    }

    @Test
    void parametersWithoutGradientsAreLeftAlone() {
        Parameter a = param(1);
        Parameter b = param(2);
        Sgd opt = Sgd.builder(Map.of("a", a, "b", b)).lr(0.5).build();
        setGrad(a, 1);
        opt.step();
        assertEquals(0.5, a.value().item(), 1e-12);
        assertEquals(2, b.value().item(), 0);
        opt.zeroGrad();
        assertEquals(null, a.grad());
    }

    @Test
    void stateRoundTripContinuesIdentically() {
        Parameter p1 = param(1, 2);
        Parameter p2 = param(1, 2);
        Adam a1 = Adam.builder(Map.of("w", p1)).lr(0.1).build();
        Adam a2 = Adam.builder(Map.of("w", p2)).lr(0.1).build();
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
                () -> a2.loadState(Map.of("steps", Tensor.scalar(REF, DType.F64, 1), "other.m",
                        Tensor.of(REF, DType.F64, new double[] {0, 0}))));
        assertTrue(e.getMessage().contains("other"), e.getMessage());
    }

    @Test
    void badHyperParametersAreRejectedWithTheirName() {
        Map<String, Parameter> ps = Map.of("w", param(1));
        assertMessage("learning rate", () -> Sgd.builder(ps).lr(0).build());
        assertMessage("learning rate", () -> Sgd.builder(ps).build());
        assertMessage("momentum", () -> Sgd.builder(ps).lr(0.1).momentum(1).build());
        assertMessage("Nesterov", () -> Sgd.builder(ps).lr(0.1).nesterov(true).build());
        assertMessage("weight decay", () -> Sgd.builder(ps).lr(0.1).weightDecay(-1).build());
        assertMessage("beta1", () -> Adam.builder(ps).betas(1.0, 0.9).build());
        assertMessage("eps", () -> Adam.builder(ps).eps(0).build());
        assertMessage("no parameters", () -> Adam.builder(Map.of()).build());
        assertMessage("L1", () -> Adam.builder(ps).l1(-0.1).build());
    }

    private static void assertMessage(String part, org.junit.jupiter.api.function.Executable e) {
        IllegalArgumentException x = assertThrows(IllegalArgumentException.class, e);
        assertTrue(x.getMessage().contains(part), x.getMessage());
    }

    @Test
    void minimizesAQuadratic() {
        Parameter p = new Parameter(Tensor.of(REF, new float[] {3, -4, 5}));
        Tensor target = Tensor.of(REF, new float[] {1, 2, 3});
        for (Optimizer opt : new Optimizer[] {Sgd.builder(Map.of("w", p)).lr(0.1).momentum(0.5).build(),
                Adam.builder(Map.of("w", p)).lr(0.1).build()}) {
            p.set(Tensor.of(REF, new float[] {3, -4, 5}));
            for (int i = 0; i < 300; i++) {
                opt.zeroGrad();
                p.value().sub(target).square().sum().backward();
                opt.step();
            }
            assertArrayEquals(new float[] {1, 2, 3}, p.value().toFloatArray(), 1e-2f, opt.toString());
        }
    }

    @Test
    void schedulesFollowTheirClosedForms() {
        LrSchedule step = LrSchedule.step(3, 0.1);
        assertEquals(0.5, step.rate(0.5, 2), 1e-15);
        assertEquals(0.05, step.rate(0.5, 3), 1e-15);
        assertEquals(0.005, step.rate(0.5, 7), 1e-15);
        LrSchedule cos = LrSchedule.cosine(10, 0.001);
        assertEquals(0.1, cos.rate(0.1, 0), 1e-15);
        assertEquals(0.001 + 0.099 * 0.5, cos.rate(0.1, 5), 1e-15);
        assertEquals(0.001, cos.rate(0.1, 10), 1e-15);
        assertEquals(0.001, cos.rate(0.1, 12), 1e-15);
        Parameter p = param(1);
        Sgd opt = Sgd.builder(Map.of("w", p)).lr(0.5).build();
        step.apply(opt, 0.5, 4);
        assertEquals(0.05, opt.learningRate(), 1e-15);
        assertThrows(IllegalArgumentException.class, () -> LrSchedule.step(0, 0.5));
        assertThrows(IllegalArgumentException.class, () -> LrSchedule.cosine(5, 0));
    }
}

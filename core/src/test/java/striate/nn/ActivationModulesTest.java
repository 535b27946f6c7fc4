package striate.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static striate.nn.ActivationLossFixtures.REF;
import static striate.nn.ActivationLossFixtures.assertClose;
import static striate.nn.ActivationLossFixtures.awayFromZero;
import static striate.nn.ActivationLossFixtures.map;

import java.util.Arrays;
import java.util.List;
import java.util.function.DoubleUnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import striate.autograd.GradCheck;
import striate.tensor.DType;
import striate.tensor.Rng;
import striate.tensor.Shape;
import striate.tensor.Tensor;

/** The activation modules: defaults, descriptions, forward values, PReLU's learned slope and RReLU's modes. */
class ActivationModulesTest {
    record Elementwise(Module module, String description, DoubleUnaryOperator f) {
        @Override
        public String toString() {
            return description;
        }
    }

    static Stream<Elementwise> elementwise() {
        double rreluMean = (1.0 / 8 + 1.0 / 3) / 2;
        return Stream.of(
                new Elementwise(new Sigmoid(), "Sigmoid", a -> 1 / (1 + Math.exp(-a))),
                new Elementwise(new Tanh(), "Tanh", Math::tanh),
                new Elementwise(new ReLU(), "ReLU", a -> Math.max(a, 0)),
                new Elementwise(new LeakyReLU(), "LeakyReLU(0.01)", a -> a > 0 ? a : 0.01 * a),
                new Elementwise(new LeakyReLU(0.2), "LeakyReLU(0.2)", a -> a > 0 ? a : 0.2 * a),
                new Elementwise(new PReLU(1, 0.25).to(REF), "PReLU(1)", a -> a > 0 ? a : 0.25 * a),
                new Elementwise(new RReLU(new Rng(1)).eval(), "RReLU(0.125, 0.3333333333333333)",
                        a -> a > 0 ? a : rreluMean * a),
                new Elementwise(new ELU(), "ELU(1.0)", a -> a > 0 ? a : Math.exp(a) - 1),
                new Elementwise(new ELU(0.5), "ELU(0.5)", a -> a > 0 ? a : 0.5 * (Math.exp(a) - 1)),
                new Elementwise(new Sign(), "Sign", Math::signum),
                new Elementwise(new Step(), "Step", a -> a > 0 ? 1 : 0));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("elementwise")
    void forwardMatchesFormulaAndDescriptionReadsLikePyTorch(Elementwise c) {
        Tensor x = Tensor.of(REF, new float[] {-2, -0.75f, -0.1f, 0, 0.1f, 0.75f, 2}, 7);
        Tensor y = c.module().forward(x);
        assertEquals(x.shape(), y.shape());
        assertEquals(DType.F32, y.dtype());
        assertClose(map(x.toDoubleArray(), c.f()), y.toDoubleArray(), 1e-6, c.description());
        assertEquals(c.description(), c.module().toString());
    }

    @Test
    void normalizingAndGroupingModulesDescribeThemselves() {
        assertEquals("Softmax(axis=1)", new Softmax(1).toString());
        assertEquals("LogSoftmax(axis=-1)", new LogSoftmax(-1).toString());
        assertEquals("Maxout(3)", new Maxout(3).toString());
        assertThrows(IllegalArgumentException.class, () -> new Maxout(0));
    }

    @Test
    void softmaxModulesNormalizeAlongTheirAxis() {
        Tensor x = Tensor.of(REF, DType.F64, new double[] {1, 2, 3, -1, 0, 1}, 2, 3);
        double z = Math.exp(1) + Math.exp(2) + Math.exp(3);
        double[] row = {Math.exp(1) / z, Math.exp(2) / z, Math.exp(3) / z};
        double[] expected = {row[0], row[1], row[2], row[0], row[1], row[2]}; // rows differ by a constant shift
        assertClose(expected, new Softmax(1).forward(x).toDoubleArray(), 1e-12, "Softmax(axis=1)");
        assertClose(map(expected, Math::log), new LogSoftmax(1).forward(x).toDoubleArray(), 1e-12,
                "LogSoftmax(axis=1)");
    }

    @Test
    void maxoutModuleGroupsChannels() {
        Tensor x = Tensor.of(REF, DType.F64, new double[] {1, 4, -2, -3, 7, 0}, 1, 6);
        Tensor y = new Maxout(3).forward(x);
        assertEquals(Shape.of(1, 2), y.shape());
        assertClose(new double[] {4, 7}, y.toDoubleArray(), 0, "Maxout(3)");
    }

    @Test
    void preluHasOneLearnedWeightNamedWeight() {
        PReLU p = new PReLU();
        assertEquals(List.of("weight"), List.copyOf(p.namedParameters().keySet()));
        assertEquals(Shape.of(1), p.weight().value().shape());
        assertEquals(0.25, p.weight().value().item(), 0);
        assertEquals(DType.F32, p.weight().value().dtype());
        PReLU perChannel = new PReLU(4, 0.1);
        assertEquals(4, perChannel.parameterCount());
        assertEquals("PReLU(4)", perChannel.toString());
        assertClose(new double[] {0.1, 0.1, 0.1, 0.1}, perChannel.weight().value().toDoubleArray(), 1e-7, "init");
        assertThrows(IllegalArgumentException.class, () -> new PReLU(0));
    }

    @Test
    void preluModuleGradientReachesItsWeight() {
        double[] w = {0.2, -0.1, 0.5};
        PReLU p = new PReLU(Tensor.of(REF, DType.F64, w, 3));
        Tensor x = awayFromZero(60, 2, 3, 4);
        Tensor r = ActivationLossFixtures.uniform(61, -1, 1, 2, 3, 4);
        p.forward(x).mul(r).sum().backward();
        double[] xv = x.toDoubleArray();
        double[] rv = r.toDoubleArray();
        double[] expected = new double[3];
        for (int i = 0; i < xv.length; i++) {
            if (xv[i] < 0) {
                expected[(i / 4) % 3] += rv[i] * xv[i];
            }
        }
        assertClose(expected, p.weight().grad().toDoubleArray(), 1e-12, "d Σ r·prelu(x) / d weight");
        // The same, checked numerically through the functional form.
        GradCheck.Result result = GradCheck.standard().check(a -> Activations.prelu(a[0], a[1]), x,
                Tensor.of(REF, DType.F64, w, 3));
        assertTrue(result.passed(), result.toString());
    }

    @Test
    void rreluModuleDrawsFreshSlopesEachTrainingForward() {
        Tensor x = Tensor.full(REF, DType.F64, -1, 64);
        RReLU a = new RReLU(new Rng(7));
        RReLU b = new RReLU(new Rng(7));
        double[] first = a.forward(x).toDoubleArray();
        double[] second = a.forward(x).toDoubleArray();
        assertTrue(!Arrays.equals(first, second), "a second training forward draws new slopes");
        assertClose(first, b.forward(x).toDoubleArray(), 0, "same Rng seed, same first draw");
        assertClose(second, b.forward(x).toDoubleArray(), 0, "same Rng seed, same second draw");
        for (double v : first) {
            assertTrue(-v >= 1.0 / 8 && -v < 1.0 / 3, "slope " + -v);
        }
        a.eval();
        double[] evalOut = a.forward(x).toDoubleArray();
        assertClose(map(evalOut, v -> -(1.0 / 8 + 1.0 / 3) / 2), evalOut, 1e-15, "eval: the mean slope");
        assertClose(evalOut, a.forward(x).toDoubleArray(), 0, "eval is deterministic");
        a.train();
        assertNotEquals(evalOut[0], a.forward(x).toDoubleArray()[0]);
    }

    @Test
    void rreluModuleChecksItsConfiguration() {
        RReLU r = new RReLU(0.05, 0.2, new Rng(1));
        assertEquals(0.05, r.lower());
        assertEquals(0.2, r.upper());
        assertEquals("RReLU(0.05, 0.2)", r.toString());
        assertThrows(IllegalArgumentException.class, () -> new RReLU(0.3, 0.2, new Rng(1)));
        assertThrows(NullPointerException.class, () -> new RReLU(null));
    }

    @Test
    void activationsComposeInASequential() {
        Sequential net = new Sequential(new LeakyReLU(0.5), new Maxout(2), new Sigmoid());
        Tensor x = Tensor.of(REF, DType.F64, new double[] {-2, 1, -4, -6}, 1, 4);
        double[] expected = {1 / (1 + Math.exp(-1)), 1 / (1 + Math.exp(2))}; // max(-1, 1), max(-2, -3)
        assertClose(expected, net.forward(x).toDoubleArray(), 1e-12, "LeakyReLU → Maxout → Sigmoid");
    }
}

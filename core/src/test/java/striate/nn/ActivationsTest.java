package striate.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static striate.nn.ActivationLossFixtures.REF;
import static striate.nn.ActivationLossFixtures.assertAllFinite;
import static striate.nn.ActivationLossFixtures.assertClose;
import static striate.nn.ActivationLossFixtures.awayFromZero;
import static striate.nn.ActivationLossFixtures.map;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import striate.autograd.GradCheck;
import striate.tensor.DType;
import striate.tensor.Shape;
import striate.tensor.ShapeMismatchException;
import striate.tensor.Tensor;

/**
 * The functional activations: gradients against finite differences (float64, reference backend, inputs kept
 * away from the kink at 0), forward values against the textbook formulas evaluated here in double, and the
 * contracts of PReLU broadcasting, RReLU's random slopes and maxout's grouping.
 */
class ActivationsTest {
    private static final double TOL = 1e-12;

    record Case(String name, Function<Tensor[], Tensor> f, Tensor... inputs) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Case> gradientCases() {
        List<Case> c = new ArrayList<>();
        c.add(new Case("sigmoid", x -> Activations.sigmoid(x[0]), awayFromZero(1, 3, 7)));
        c.add(new Case("tanh", x -> Activations.tanh(x[0]), awayFromZero(2, 3, 7)));
        c.add(new Case("relu", x -> Activations.relu(x[0]), awayFromZero(3, 3, 7)));
        c.add(new Case("leakyRelu 0.01", x -> Activations.leakyRelu(x[0], 0.01), awayFromZero(4, 3, 7)));
        c.add(new Case("leakyRelu 0.2", x -> Activations.leakyRelu(x[0], 0.2), awayFromZero(5, 2, 33)));
        c.add(new Case("prelu weight [1]", x -> Activations.prelu(x[0], x[1]), awayFromZero(6, 2, 3, 4),
                Tensor.of(REF, DType.F64, new double[] {0.3}, 1)));
        c.add(new Case("prelu weight [c] on [n, c, h, w]", x -> Activations.prelu(x[0], x[1]),
                awayFromZero(7, 2, 3, 2, 5), Tensor.of(REF, DType.F64, new double[] {0.1, -0.4, 0.7}, 3)));
        c.add(new Case("prelu weight [c] on [n, c]", x -> Activations.prelu(x[0], x[1]), awayFromZero(8, 4, 5),
                Tensor.of(REF, DType.F64, new double[] {0.1, 0.2, 0.3, 0.4, 0.5}, 5)));
        c.add(new Case("rrelu training", x -> Activations.rrelu(x[0], 0.125, 1.0 / 3, true, 99),
                awayFromZero(9, 3, 7)));
        c.add(new Case("rrelu eval", x -> Activations.rrelu(x[0], 0.125, 1.0 / 3, false, 0), awayFromZero(10, 3, 7)));
        c.add(new Case("elu 1", x -> Activations.elu(x[0], 1), awayFromZero(11, 3, 7)));
        c.add(new Case("elu 0.5", x -> Activations.elu(x[0], 0.5), awayFromZero(12, 2, 33)));
        c.add(new Case("maxout 3 on [n, c·3, h, w]", x -> Activations.maxout(x[0], 3), awayFromZero(13, 2, 6, 2, 3)));
        c.add(new Case("maxout 2 on [n, c·2]", x -> Activations.maxout(x[0], 2), awayFromZero(14, 3, 8)));
        c.add(new Case("softmax axis 1", x -> Activations.softmax(x[0], 1), awayFromZero(15, 3, 7)));
        c.add(new Case("logSoftmax axis -1", x -> Activations.logSoftmax(x[0], -1), awayFromZero(16, 2, 3, 5)));
        return c.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("gradientCases")
    void gradientMatchesFiniteDifferences(Case c) {
        GradCheck.Result r = GradCheck.standard().check(c.f(), c.inputs());
        assertTrue(r.passed(), c.name() + ": " + r);
        assertEquals(0, r.skipped(), c.name() + ": inputs should be away from every kink: " + r);
    }

    @Test
    void signAndStepPassNoGradient() {
        Tensor x = awayFromZero(20, 7).requiresGrad(true);
        Activations.sign(x).add(Activations.step(x)).add(x.mul(3)).sum().backward();
        assertClose(map(new double[7], v -> 3), x.grad().toDoubleArray(), 0, "only the 3x term has a gradient");
    }

    @Test
    void elementwiseForwardMatchesFormulas() {
        double[] v = {-3, -1, -0.25, 0, 0.25, 1, 3};
        Tensor x = Tensor.of(REF, DType.F64, v, 7);
        assertClose(map(v, a -> 1 / (1 + Math.exp(-a))), Activations.sigmoid(x).toDoubleArray(), TOL, "sigmoid");
        assertClose(map(v, Math::tanh), Activations.tanh(x).toDoubleArray(), TOL, "tanh");
        assertClose(new double[] {0, 0, 0, 0, 0.25, 1, 3}, Activations.relu(x).toDoubleArray(), 0, "relu");
        assertClose(new double[] {-0.6, -0.2, -0.05, 0, 0.25, 1, 3}, Activations.leakyRelu(x, 0.2).toDoubleArray(),
                TOL, "leakyRelu");
        assertClose(map(v, a -> a > 0 ? a : 0.7 * (Math.exp(a) - 1)), Activations.elu(x, 0.7).toDoubleArray(), TOL,
                "elu");
        assertClose(new double[] {-1, -1, -1, 0, 1, 1, 1}, Activations.sign(x).toDoubleArray(), 0, "sign");
        assertClose(new double[] {0, 0, 0, 0, 1, 1, 1}, Activations.step(x).toDoubleArray(), 0, "step");
    }

    @Test
    void softmaxesMatchFormulas() {
        double[][] rows = {{0.5, -1, 2, 0}, {3, 3, 3, 3}, {-2, 0.1, 0.2, 5}};
        Tensor x = Tensor.of(REF, DType.F64, new double[] {0.5, -1, 2, 0, 3, 3, 3, 3, -2, 0.1, 0.2, 5}, 3, 4);
        double[] p = new double[12];
        double[] logp = new double[12];
        for (int r = 0; r < 3; r++) {
            double z = 0;
            for (double a : rows[r]) {
                z += Math.exp(a);
            }
            for (int j = 0; j < 4; j++) {
                p[r * 4 + j] = Math.exp(rows[r][j]) / z;
                logp[r * 4 + j] = rows[r][j] - Math.log(z);
            }
        }
        assertClose(p, Activations.softmax(x, 1).toDoubleArray(), TOL, "softmax");
        assertClose(logp, Activations.logSoftmax(x, -1).toDoubleArray(), TOL, "logSoftmax");
        // Along axis 0: columns sum to one.
        double[] cols = Activations.softmax(x, 0).sum(0, false).toDoubleArray();
        assertClose(new double[] {1, 1, 1, 1}, cols, TOL, "softmax axis 0 column sums");
    }

    @Test
    void eluStaysFiniteForLargeInputsInValueAndGradient() {
        Tensor x = Tensor.of(REF, DType.F64, new double[] {-1000, -50, 50, 1000}, 4).requiresGrad(true);
        Tensor y = Activations.elu(x, 1);
        assertClose(new double[] {-1, Math.exp(-50) - 1, 50, 1000}, y.toDoubleArray(), TOL, "elu");
        y.sum().backward();
        double[] g = x.grad().toDoubleArray();
        assertAllFinite(g, "elu gradient");
        assertClose(new double[] {0, Math.exp(-50), 1, 1}, g, TOL, "elu gradient: e^x below 0, 1 above");
    }

    @Test
    void preluBroadcastsOneSlopePerChannelAlongAxisOne() {
        long n = 2;
        long c = 3;
        long hw = 4;
        Tensor x = awayFromZero(30, n, c, 2, 2);
        double[] w = {0.1, 0.25, -0.5};
        Tensor y = Activations.prelu(x, Tensor.of(REF, DType.F64, w, 3));
        double[] xv = x.toDoubleArray();
        double[] expected = new double[xv.length];
        for (int i = 0; i < xv.length; i++) {
            int channel = (int) ((i / hw) % c);
            expected[i] = xv[i] > 0 ? xv[i] : w[channel] * xv[i];
        }
        assertClose(expected, y.toDoubleArray(), TOL, "prelu [c]");
        Tensor y1 = Activations.prelu(x, Tensor.of(REF, DType.F64, new double[] {0.25}, 1));
        assertClose(map(xv, a -> a > 0 ? a : 0.25 * a), y1.toDoubleArray(), TOL, "prelu [1]");
        assertEquals(x.shape(), y1.shape());
    }

    @Test
    void preluWeightGradientSumsNegativeInputsPerChannel() {
        Tensor x = awayFromZero(31, 2, 3, 5);
        Tensor w = Tensor.of(REF, DType.F64, new double[] {0.1, 0.2, 0.3}, 3).requiresGrad(true);
        Activations.prelu(x, w).sum().backward();
        double[] xv = x.toDoubleArray();
        double[] expected = new double[3];
        for (int i = 0; i < xv.length; i++) {
            if (xv[i] < 0) {
                expected[(i / 5) % 3] += xv[i]; // d(w·x)/dw = x on the negative side
            }
        }
        assertClose(expected, w.grad().toDoubleArray(), TOL, "d sum(prelu) / d weight");
    }

    @Test
    void preluRejectsAWeightThatMatchesNoChannelCount() {
        Tensor x = awayFromZero(32, 2, 3);
        ShapeMismatchException e = assertThrows(ShapeMismatchException.class,
                () -> Activations.prelu(x, Tensor.of(REF, DType.F64, new double[] {1, 2, 3, 4}, 4)));
        assertTrue(e.getMessage().contains("Activations.prelu") && e.getMessage().contains("[4]")
                && e.getMessage().contains("[2, 3]"), e.getMessage());
        IllegalArgumentException t = assertThrows(IllegalArgumentException.class,
                () -> Activations.prelu(x, Tensor.of(REF, DType.F32, new double[] {0.25}, 1)));
        assertTrue(t.getMessage().contains("float32") && t.getMessage().contains("float64"), t.getMessage());
    }

    @Test
    void rreluInEvaluationUsesTheMeanSlope() {
        Tensor x = awayFromZero(40, 4, 9);
        double[] xv = x.toDoubleArray();
        double[] y = Activations.rrelu(x, Activations.RRELU_LOWER, Activations.RRELU_UPPER, false, 5)
                .toDoubleArray();
        double mean = (1.0 / 8 + 1.0 / 3) / 2; // 11/48
        assertClose(map(xv, a -> a > 0 ? a : mean * a), y, TOL, "rrelu eval");
        double[] y2 = Activations.rrelu(x, 0.1, 0.3, false, 6).toDoubleArray();
        assertClose(map(xv, a -> a > 0 ? a : 0.2 * a), y2, TOL, "rrelu eval, bounds 0.1 and 0.3");
    }

    @Test
    void rreluInTrainingDrawsSlopesInTheIntervalReproducibly() {
        double lower = 0.125;
        double upper = 1.0 / 3;
        int count = 20000;
        Tensor x = Tensor.full(REF, DType.F64, -2, count);
        double[] a = Activations.rrelu(x, lower, upper, true, 1234).toDoubleArray();
        double[] b = Activations.rrelu(x, lower, upper, true, 1234).toDoubleArray();
        double[] other = Activations.rrelu(x, lower, upper, true, 1235).toDoubleArray();
        assertClose(a, b, 0, "same seed, same slopes");
        double sum = 0;
        double min = Double.MAX_VALUE;
        double max = -Double.MAX_VALUE;
        int differ = 0;
        for (int i = 0; i < count; i++) {
            double slope = a[i] / -2;
            assertTrue(slope >= lower && slope < upper, "slope " + slope + " at " + i + " outside [lower, upper)");
            sum += slope;
            min = Math.min(min, slope);
            max = Math.max(max, slope);
            differ += a[i] != other[i] ? 1 : 0;
        }
        assertTrue(differ > count * 0.99, "another seed draws other slopes (" + differ + " of " + count + " differ)");
        // Uniform on [lower, upper): mean (lower + upper) / 2, standard error of the mean ≈ 0.0004 here.
        assertEquals((lower + upper) / 2, sum / count, 0.003, "mean slope");
        assertTrue(min < lower + 0.01 && max > upper - 0.01, "slopes spread over the interval: " + min + ".." + max);
    }

    @Test
    void rreluInTrainingLeavesPositiveInputsAlone() {
        Tensor x = awayFromZero(41, 5, 6);
        double[] xv = x.toDoubleArray();
        double[] y = Activations.rrelu(x, 0.2, 0.4, true, 77).toDoubleArray();
        for (int i = 0; i < xv.length; i++) {
            if (xv[i] > 0) {
                assertEquals(xv[i], y[i], 0, "positive input " + i);
            } else {
                double slope = y[i] / xv[i];
                assertTrue(slope >= 0.2 - 1e-15 && slope < 0.4, "slope " + slope + " at " + i);
            }
        }
    }

    @Test
    void rreluRejectsReversedBounds() {
        Tensor x = awayFromZero(42, 3);
        assertThrows(IllegalArgumentException.class, () -> Activations.rrelu(x, 0.5, 0.1, true, 1));
    }

    @Test
    void maxoutTakesTheMaxOfConsecutiveChannelGroups() {
        // x [1, 4, 2]: channels (rows) 0..3, two positions each; pieces 2 groups channels {0, 1} and {2, 3}.
        Tensor x = Tensor.of(REF, DType.F64, new double[] {
            1, -5,
            3, -7,
            0.5, 9,
            2, 8}, 1, 4, 2);
        Tensor y = Activations.maxout(x, 2);
        assertEquals(Shape.of(1, 2, 2), y.shape());
        assertClose(new double[] {3, -5, 2, 9}, y.toDoubleArray(), 0, "maxout values");
        // Pieces 4: one group of all channels.
        assertClose(new double[] {3, 9}, Activations.maxout(x, 4).toDoubleArray(), 0, "maxout over all");
        // Pieces 1: the identity.
        assertClose(x.toDoubleArray(), Activations.maxout(x, 1).toDoubleArray(), 0, "maxout 1");
    }

    @Test
    void maxoutShapesAndValuesOnFourDimensionalInput() {
        int n = 2;
        int c = 3;
        int pieces = 4;
        int h = 2;
        int w = 3;
        Tensor x = ActivationLossFixtures.uniform(50, -1, 1, n, c * pieces, h, w);
        Tensor y = Activations.maxout(x, pieces);
        assertEquals(Shape.of(n, c, h, w), y.shape());
        double[] xv = x.toDoubleArray();
        double[] expected = new double[n * c * h * w];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < c; j++) {
                for (int s = 0; s < h * w; s++) {
                    double m = Double.NEGATIVE_INFINITY;
                    for (int p = 0; p < pieces; p++) {
                        m = Math.max(m, xv[((i * c * pieces) + j * pieces + p) * h * w + s]);
                    }
                    expected[(i * c + j) * h * w + s] = m;
                }
            }
        }
        assertClose(expected, y.toDoubleArray(), 0, "maxout [2, 12, 2, 3] → [2, 3, 2, 3]");
    }

    @Test
    void maxoutGradientGoesToTheWinner() {
        Tensor x = Tensor.of(REF, DType.F64, new double[] {1, 3, 5, 2, -1, -4}, 1, 6).requiresGrad(true);
        Activations.maxout(x, 2).sum().backward();
        assertClose(new double[] {0, 1, 1, 0, 1, 0}, x.grad().toDoubleArray(), 0, "d sum(maxout) / dx");
    }

    @Test
    void maxoutRejectsChannelsThatDoNotSplitIntoPieces() {
        ShapeMismatchException e = assertThrows(ShapeMismatchException.class,
                () -> Activations.maxout(awayFromZero(51, 2, 5), 2));
        assertTrue(e.getMessage().contains("Activations.maxout") && e.getMessage().contains("[2, 5]"),
                e.getMessage());
        assertThrows(ShapeMismatchException.class, () -> Activations.maxout(awayFromZero(52, 6), 2));
        assertThrows(IllegalArgumentException.class, () -> Activations.maxout(awayFromZero(53, 2, 4), 0));
    }

    @Test
    void activationsWorkInFloat32() {
        Tensor x = Tensor.of(REF, new float[] {-2, -0.5f, 0.5f, 2}, 4);
        double[] y = Activations.elu(x, 1).toDoubleArray();
        assertEquals(DType.F32, Activations.elu(x, 1).dtype());
        assertClose(new double[] {Math.exp(-2) - 1, Math.exp(-0.5) - 1, 0.5, 2}, y, 1e-6, "elu float32");
        assertClose(new double[] {-0.02, -0.005, 0.5, 2}, Activations.leakyRelu(x, 0.01).toDoubleArray(), 1e-6,
                "leakyRelu float32");
        double slope = Activations.rrelu(x, 0.1, 0.3, true, 3).toDoubleArray()[0] / -2;
        assertTrue(slope >= 0.1 - 1e-7 && slope < 0.3 + 1e-7, "rrelu float32 slope " + slope);
    }
}

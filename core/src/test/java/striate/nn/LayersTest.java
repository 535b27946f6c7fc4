package striate.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;
import striate.op.ConvParams;
import striate.tensor.DType;
import striate.tensor.Device;
import striate.tensor.Rng;
import striate.tensor.Shape;
import striate.tensor.ShapeMismatchException;
import striate.tensor.Tensor;

/** Conv2d, pooling, Flatten, KMaxPool, Dropout and LocalResponseNorm: shapes, values worked out here, errors. */
class LayersTest {
    private static final Device REF = Device.reference();

    private static Tensor f64(double[] v, long... dims) {
        return Tensor.of(REF, DType.F64, v, dims);
    }

    private static double[] seq(int count) {
        double[] v = new double[count];
        for (int i = 0; i < count; i++) {
            v[i] = i + 1;
        }
        return v;
    }

    private static void assertClose(double[] want, double[] got, double tol) {
        assertEquals(want.length, got.length, "length");
        for (int i = 0; i < want.length; i++) {
            assertEquals(want[i], got[i], tol, "element " + i + " of " + Arrays.toString(got));
        }
    }

    // ---- Conv2d ------------------------------------------------------------------------------------------

    @Test
    void lenetC1KeepsSizeWithPaddingTwoAndHas156Parameters() {
        Conv2d c1 = new Conv2d(1, 6, 5, 1, 2, new Rng(1));
        Tensor y = c1.forward(Tensor.zeros(REF, DType.F32, 2, 1, 28, 28));
        assertEquals(Shape.of(2, 6, 28, 28), y.shape());
        assertEquals(6 * 1 * 5 * 5 + 6, c1.parameterCount());
        assertEquals(156, c1.parameterCount());
        assertEquals("Conv2d(1, 6, kernel=5x5, stride=1, padding=2)", c1.toString());
        assertEquals(Shape.of(6, 1, 5, 5), c1.weight().value().shape());
        assertEquals(Shape.of(6), c1.bias().value().shape());
        assertEquals(java.util.List.of("weight", "bias"), java.util.List.copyOf(c1.namedParameters().keySet()));
    }

    @Test
    void alexnetConv1Maps224To55() {
        Conv2d conv1 = new Conv2d(3, 64, 11, 4, 2, new Rng(2));
        Tensor y = conv1.forward(Tensor.zeros(REF, DType.F32, 1, 3, 224, 224));
        assertEquals(Shape.of(1, 64, 55, 55), y.shape()); // ⌊(224 + 4 − 11) / 4⌋ + 1 = 55
        assertEquals(64 * 3 * 11 * 11 + 64, conv1.parameterCount());
        assertEquals("Conv2d(3, 64, kernel=11x11, stride=4, padding=2)", conv1.toString());
    }

    @Test
    void defaultInitIsUniformWithinOneOverSqrtFanIn() {
        Conv2d c = new Conv2d(4, 8, 3, 1, 0, new Rng(3));
        double bound = 1 / Math.sqrt(4 * 3 * 3);
        for (Parameter p : c.parameters()) {
            double[] v = p.value().toDoubleArray();
            double maxAbs = Arrays.stream(v).map(Math::abs).max().orElseThrow();
            assertTrue(maxAbs <= bound, "max |w| " + maxAbs + " within " + bound);
            assertTrue(maxAbs > bound / 2, "values spread over the range, max |w| " + maxAbs);
        }
    }

    @Test
    void convForwardMatchesHandComputedCrossCorrelationWithBias() {
        Conv2d c = new Conv2d(1, 2, 2, 2, ConvParams.of(1, 0), true, new Rng(4));
        double[] w = {1, 0, 0, -1, /* second filter */ 0.5, 0.5, 0.5, 0.5};
        c.weight().set(Tensor.of(REF, DType.F32, w, 2, 1, 2, 2));
        c.bias().set(Tensor.of(REF, DType.F32, new double[] {10, -1}, 2));
        double[] x = seq(9); // 1..9 in a 3x3 grid
        Tensor y = c.forward(Tensor.of(REF, DType.F32, x, 1, 1, 3, 3));
        assertEquals(Shape.of(1, 2, 2, 2), y.shape());
        double[] want = new double[8];
        for (int k = 0; k < 2; k++) {
            for (int i = 0; i < 2; i++) {
                for (int j = 0; j < 2; j++) {
                    double s = k == 0 ? 10 : -1;
                    for (int a = 0; a < 2; a++) {
                        for (int b = 0; b < 2; b++) {
                            s += w[k * 4 + a * 2 + b] * x[(i + a) * 3 + j + b];
                        }
                    }
                    want[k * 4 + i * 2 + j] = s;
                }
            }
        }
        // filter 0: x[i][j] − x[i+1][j+1] = −4 everywhere, + 10 → 6; filter 1: half the 2x2 sum − 1.
        assertClose(new double[] {6, 6, 6, 6, 5, 7, 11, 13}, want, 0);
        assertClose(want, y.toDoubleArray(), 1e-5);
    }

    @Test
    void convWithoutBiasAndRectangularParamsDescribesItself() {
        Conv2d c = new Conv2d(6, 4, 3, 1, new ConvParams(2, 1, 1, 0, 1, 1, 2), false, new Rng(5));
        assertEquals("Conv2d(6, 4, kernel=3x1, stride=2x1, padding=1x0, groups=2, bias=false)", c.toString());
        assertEquals(4 * 3 * 3 * 1, c.parameterCount());
        assertEquals(null, c.bias());
        assertEquals(Shape.of(1, 4, 3, 5), c.forward(Tensor.zeros(REF, DType.F32, 1, 6, 5, 5)).shape());
    }

    @Test
    void convRejectsWrongRankAndChannelsNamingLayerAndShapes() {
        Conv2d c = new Conv2d(1, 6, 5, 1, 2, new Rng(6));
        ShapeMismatchException e = assertThrows(ShapeMismatchException.class,
                () -> c.forward(Tensor.zeros(REF, DType.F32, 2, 3, 28, 28)));
        assertTrue(e.getMessage().contains("Conv2d(1, 6"), e.getMessage());
        assertTrue(e.getMessage().contains("[2, 3, 28, 28]"), e.getMessage());
        assertTrue(e.getMessage().contains("[n, 1, h, w]"), e.getMessage());
        ShapeMismatchException rank = assertThrows(ShapeMismatchException.class,
                () -> c.forward(Tensor.zeros(REF, DType.F32, 1, 28, 28)));
        assertTrue(rank.getMessage().contains("[1, 28, 28]"), rank.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new Conv2d(3, 4, 3, 3, new ConvParams(1, 1, 0, 0, 1, 1, 2),
                true, new Rng(7)));
    }

    @Test
    void sequentialFusesConvAndFollowingReluIntoOneOpWithTheSameValuesAndGradients() {
        Conv2d conv = new Conv2d(2, 3, 3, 1, 1, new Rng(8));
        Sequential fused = new Sequential(conv, new ReLU(), new AvgPool2d(2, 2));
        Tensor x = Tensor.rand(REF, DType.F64, Shape.of(2, 2, 6, 6), -1, 1, 9);
        Tensor y = conv.forward(x.to(DType.F32)); // checks the layer alone first: its output has negatives
        assertTrue(Arrays.stream(y.toDoubleArray()).anyMatch(v -> v < 0) && Arrays.stream(y.toDoubleArray())
                .anyMatch(v -> v > 0), "the test needs a conv output of both signs");

        Tensor relu = fused.forward(x.to(DType.F32)).node().inputs()[0]; // the pool's input: the fused op's output
        assertEquals(new striate.op.Conv2dOp(ConvParams.of(1, 1), true, true), relu.node().op());
        fused.zeroGrad();
        fused.forward(x.to(DType.F32)).sum().backward();
        double[] dw = conv.weight().grad().toDoubleArray();
        double[] db = conv.bias().grad().toDoubleArray();

        fused.zeroGrad();
        Tensor separate = new AvgPool2d(2, 2).forward(new ReLU().forward(conv.forward(x.to(DType.F32))));
        assertClose(separate.toDoubleArray(), fused.forward(x.to(DType.F32)).toDoubleArray(), 1e-6);
        separate.sum().backward();
        assertClose(conv.weight().grad().toDoubleArray(), dw, 1e-5);
        assertClose(conv.bias().grad().toDoubleArray(), db, 1e-5);
        assertTrue(Arrays.stream(db).anyMatch(v -> v != 0), "the bias gets a gradient");
    }

    @Test
    void fusedConvRejectsABiasOfTheWrongShapeOrType() {
        Tensor x = Tensor.zeros(REF, DType.F32, 1, 2, 5, 5);
        Tensor w = Tensor.zeros(REF, DType.F32, 3, 2, 3, 3);
        ShapeMismatchException e = assertThrows(ShapeMismatchException.class,
                () -> Functional.conv2dRelu(x, w, Tensor.zeros(REF, DType.F32, 4), ConvParams.of(1, 0)));
        assertTrue(e.getMessage().contains("bias [3]"), e.getMessage());
        IllegalArgumentException t = assertThrows(IllegalArgumentException.class,
                () -> Functional.conv2d(x, w, Tensor.zeros(REF, DType.F64, 3), ConvParams.of(1, 0)));
        assertTrue(t.getMessage().contains("bias is float64"), t.getMessage());
    }

    // ---- pooling, Flatten, KMaxPool ----------------------------------------------------------------------

    @Test
    void maxAndAvgPoolTakeEachWindowsMaxAndMean() {
        Tensor x = f64(seq(16), 1, 1, 4, 4); // rows 1..4, 5..8, 9..12, 13..16
        MaxPool2d max = new MaxPool2d(2, 2);
        AvgPool2d avg = new AvgPool2d(2, 2);
        assertClose(new double[] {6, 8, 14, 16}, max.forward(x).toDoubleArray(), 0);
        assertClose(new double[] {(1 + 2 + 5 + 6) / 4.0, (3 + 4 + 7 + 8) / 4.0, (9 + 10 + 13 + 14) / 4.0,
                (11 + 12 + 15 + 16) / 4.0}, avg.forward(x).toDoubleArray(), 1e-12);
        assertEquals("MaxPool2d(kernel=2, stride=2)", max.toString());
        assertEquals("AvgPool2d(kernel=2, stride=2)", avg.toString());
        // AlexNet's overlapping 3/2 pool: 55 → 27.
        assertEquals(Shape.of(1, 2, 27, 27),
                new MaxPool2d(3, 2).forward(Tensor.zeros(REF, DType.F32, 1, 2, 55, 55)).shape());
    }

    @Test
    void avgPoolPaddingCountsZerosOnlyWhenAsked() {
        Tensor x = f64(new double[] {1, 2, 3, 4}, 1, 1, 2, 2);
        // kernel 2, stride 2, padding 1 → 2x2 output; each window holds exactly one real cell.
        assertClose(new double[] {0.25, 0.5, 0.75, 1}, new AvgPool2d(2, 2, 1, true).forward(x).toDoubleArray(), 1e-12);
        assertClose(new double[] {1, 2, 3, 4}, new AvgPool2d(2, 2, 1, false).forward(x).toDoubleArray(), 1e-12);
        // a padded max never picks a padded zero: all inputs negative.
        Tensor neg = f64(new double[] {-1, -2, -3, -4}, 1, 1, 2, 2);
        assertClose(new double[] {-1, -2, -3, -4}, new MaxPool2d(2, 2, 1).forward(neg).toDoubleArray(), 0);
        assertEquals("MaxPool2d(kernel=2, stride=2, padding=1)", new MaxPool2d(2, 2, 1).toString());
    }

    @Test
    void poolRejectsWrongRank() {
        ShapeMismatchException e = assertThrows(ShapeMismatchException.class,
                () -> new MaxPool2d(2, 2).forward(Tensor.zeros(REF, DType.F32, 4, 4)));
        assertTrue(e.getMessage().contains("MaxPool2d") && e.getMessage().contains("[4, 4]"), e.getMessage());
    }

    @Test
    void flattenKeepsTheBatchAxis() {
        Tensor x = f64(seq(120), 2, 3, 4, 5);
        Tensor y = new Flatten().forward(x);
        assertEquals(Shape.of(2, 60), y.shape());
        assertArrayEquals(x.toDoubleArray(), y.toDoubleArray());
        assertThrows(ShapeMismatchException.class, () -> new Flatten().forward(f64(seq(3), 3)));
    }

    @Test
    void kMaxPoolKeepsTheLargestInOrder() {
        Tensor x = f64(new double[] {3, 1, 4, 1, 5, /* row 2 */ 9, 2, 6, 5, 3}, 2, 5);
        Tensor y = new KMaxPool(1, 3).forward(x);
        assertEquals(Shape.of(2, 3), y.shape());
        assertClose(new double[] {3, 4, 5, 9, 6, 5}, y.toDoubleArray(), 0);
        assertEquals("KMaxPool(axis=1, k=3)", new KMaxPool(1, 3).toString());
    }

    // ---- Dropout -----------------------------------------------------------------------------------------

    @Test
    void dropoutKeepsAboutOneMinusPAndScalesKeptValues() {
        double p = 0.3;
        int count = 100_000;
        Tensor x = Tensor.ones(REF, DType.F32, 200, 500);
        double[] y = Functional.dropout(x, p, true, 7).toDoubleArray();
        int kept = 0;
        for (double v : y) {
            if (v != 0) {
                kept++;
                assertEquals(1 / (1 - p), v, 1e-6);
            }
        }
        // binomial: std of the kept fraction is √(0.21 / 1e5) ≈ 0.0015; allow > 6 std.
        assertEquals(1 - p, (double) kept / count, 0.01);
        // same seed, same mask; another seed, another mask
        assertArrayEquals(y, Functional.dropout(x, p, true, 7).toDoubleArray());
        assertNotEquals(Arrays.toString(y), Arrays.toString(Functional.dropout(x, p, true, 8).toDoubleArray()));
    }

    @Test
    void dropoutIsIdentityInEvalOrWithPZeroAndRejectsBadP() {
        Tensor x = f64(seq(10), 10);
        assertSame(x, Functional.dropout(x, 0.5, false, 1));
        assertSame(x, Functional.dropout(x, 0, true, 1));
        Dropout d = new Dropout(0.5, new Rng(1));
        d.eval();
        assertSame(x, d.forward(x));
        for (double bad : new double[] {-0.1, 1, 1.5, Double.NaN}) {
            assertThrows(IllegalArgumentException.class, () -> Functional.dropout(x, bad, true, 1));
            assertThrows(IllegalArgumentException.class, () -> new Dropout(bad, new Rng(1)));
        }
        assertEquals("Dropout(p=0.5)", new Dropout(new Rng(1)).toString());
    }

    @Test
    void dropoutModuleDrawsAFreshMaskEachTrainingForward() {
        Dropout d = new Dropout(0.5, new Rng(9));
        Tensor x = Tensor.ones(REF, DType.F32, 1000);
        double[] a = d.forward(x).toDoubleArray();
        double[] b = d.forward(x).toDoubleArray();
        assertNotEquals(Arrays.toString(a), Arrays.toString(b));
        for (double v : a) {
            assertTrue(v == 0 || Math.abs(v - 2) < 1e-6, "dropped or scaled by 2: " + v);
        }
    }

    // ---- LocalResponseNorm -------------------------------------------------------------------------------

    /** PyTorch's definition, looped: window of channels [c − ⌊size/2⌋, c + ⌊(size−1)/2⌋], zeros outside. */
    private static double[] lrnByHand(double[] x, int n, int c, int hw, int size, double alpha, double beta,
                                      double k) {
        double[] y = new double[x.length];
        for (int b = 0; b < n; b++) {
            for (int ch = 0; ch < c; ch++) {
                for (int s = 0; s < hw; s++) {
                    double sum = 0;
                    for (int j = ch - size / 2; j <= ch + (size - 1) / 2; j++) {
                        if (j >= 0 && j < c) {
                            double v = x[(b * c + j) * hw + s];
                            sum += v * v;
                        }
                    }
                    int i = (b * c + ch) * hw + s;
                    y[i] = x[i] / Math.pow(k + alpha / size * sum, beta);
                }
            }
        }
        return y;
    }

    @Test
    void localResponseNormMatchesTheDefinitionForOddAndEvenWindows() {
        Rng rng = new Rng(11);
        double[] x = new double[2 * 5 * 6];
        for (int i = 0; i < x.length; i++) {
            x[i] = 4 * rng.nextDouble() - 2;
        }
        Tensor t = f64(x, 2, 5, 2, 3);
        for (int size : new int[] {1, 2, 3, 5, 7}) {
            Tensor y = new LocalResponseNorm(size, 0.5, 0.75, 2).forward(t);
            assertEquals(t.shape(), y.shape());
            assertClose(lrnByHand(x, 2, 5, 6, size, 0.5, 0.75, 2), y.toDoubleArray(), 1e-12);
        }
    }

    @Test
    void localResponseNormSmallExampleWorkedOut() {
        // one pixel, channels (1, 2, 3), size 3, alpha 3, beta 1, k 1: denominators 1 + (sum of squares in window)
        Tensor x = f64(new double[] {1, 2, 3}, 1, 3, 1, 1);
        Tensor y = new LocalResponseNorm(3, 3, 1, 1).forward(x);
        assertClose(new double[] {1 / (1 + 1 + 4.0), 2 / (1 + 1 + 4 + 9.0), 3 / (1 + 4 + 9.0)}, y.toDoubleArray(),
                1e-12);
        assertEquals("LocalResponseNorm(5, alpha=1.0E-4, beta=0.75, k=1.0)", new LocalResponseNorm(5).toString());
        ShapeMismatchException e = assertThrows(ShapeMismatchException.class,
                () -> new LocalResponseNorm(5).forward(f64(seq(6), 2, 3)));
        assertTrue(e.getMessage().contains("LocalResponseNorm") && e.getMessage().contains("[2, 3]"), e.getMessage());
    }
}

package striate.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static striate.nn.ActivationLossFixtures.REF;
import static striate.nn.ActivationLossFixtures.assertAllFinite;
import static striate.nn.ActivationLossFixtures.assertClose;
import static striate.nn.ActivationLossFixtures.awayFromZero;
import static striate.nn.ActivationLossFixtures.uniform;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import striate.autograd.GradCheck;
import striate.nn.Losses.Reduction;
import striate.tensor.DType;
import striate.tensor.Shape;
import striate.tensor.ShapeMismatchException;
import striate.tensor.Tensor;

/**
 * The losses: gradients against finite differences (float64, reference backend), values against the formulas
 * evaluated here in double, each reduction, numerical stability at extreme logits and probabilities, and the
 * messages of shape and type errors.
 */
class LossesTest {
    private static final double TOL = 1e-12;

    record Case(String name, Function<Tensor[], Tensor> f, Tensor... inputs) {
        @Override
        public String toString() {
            return name;
        }
    }

    /** A prediction at least 0.1 away from its target everywhere (away from the kink of |·|). */
    private static Tensor[] predictionAndTarget(long seed, long... dims) {
        Tensor target = uniform(seed, -1, 1, dims);
        return new Tensor[] {target.add(awayFromZero(seed + 1, dims)), target};
    }

    private static Tensor labels(int... values) {
        return Tensor.ofInts(REF, values);
    }

    static Stream<Case> gradientCases() {
        List<Case> c = new ArrayList<>();
        for (Reduction r : Reduction.values()) {
            c.add(new Case("mse " + r, x -> Losses.mse(x[0], x[1], r), predictionAndTarget(1, 3, 7)));
            c.add(new Case("mae " + r, x -> Losses.mae(x[0], x[1], r), predictionAndTarget(3, 3, 7)));
            c.add(new Case("crossEntropy " + r, x -> Losses.crossEntropy(x[0], x[1], r), uniform(5, -2, 2, 5, 7),
                    labels(0, 6, 3, 3, 1)));
            c.add(new Case("binaryCrossEntropy " + r, x -> Losses.binaryCrossEntropy(x[0], x[1], r),
                    uniform(6, 0.1, 0.9, 4, 5), uniform(7, 0, 1, 4, 5)));
            c.add(new Case("binaryCrossEntropyWithLogits " + r,
                    x -> Losses.binaryCrossEntropyWithLogits(x[0], x[1], r), awayFromZero(8, 4, 5).mul(3),
                    uniform(9, 0, 1, 4, 5)));
        }
        for (Reduction r : Reduction.values()) {
            c.add(new Case("crossEntropy ignoring -100 " + r,
                    x -> Losses.crossEntropy(x[0], x[1], Losses.IGNORE_INDEX, r), uniform(17, -2, 2, 6, 5),
                    labels(4, -100, 0, 2, -100, 4)));
        }
        c.add(new Case("mse default", x -> Losses.mse(x[0], x[1]), predictionAndTarget(10, 2, 33)));
        c.add(new Case("rmse", x -> Losses.rmse(x[0], x[1]), predictionAndTarget(11, 2, 33)));
        c.add(new Case("mae default", x -> Losses.mae(x[0], x[1]), predictionAndTarget(12, 33)));
        c.add(new Case("crossEntropy default", x -> Losses.crossEntropy(x[0], x[1]), uniform(13, -3, 3, 3, 33),
                labels(32, 0, 17)));
        c.add(new Case("binaryCrossEntropy default", x -> Losses.binaryCrossEntropy(x[0], x[1]),
                uniform(14, 0.05, 0.95, 7), Tensor.of(REF, DType.F64, new double[] {0, 1, 1, 0, 0.5, 1, 0}, 7)));
        c.add(new Case("binaryCrossEntropyWithLogits default",
                x -> Losses.binaryCrossEntropyWithLogits(x[0], x[1]), awayFromZero(15, 2, 3, 4).mul(5),
                uniform(16, 0, 1, 2, 3, 4)));
        return c.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("gradientCases")
    void gradientMatchesFiniteDifferences(Case c) {
        GradCheck.Result r = GradCheck.standard().check(c.f(), c.inputs());
        assertTrue(r.passed(), c.name() + ": " + r);
        assertEquals(0, r.skipped(), c.name() + ": inputs should be away from every kink: " + r);
    }

    // ---- values ------------------------------------------------------------------------------------------

    @Test
    void regressionLossesMatchFormulas() {
        double[] p = {0.5, -1, 2, 3, 0};
        double[] t = {1, -1, 0, 2.5, -0.5};
        Tensor pred = Tensor.of(REF, DType.F64, p, 5);
        Tensor target = Tensor.of(REF, DType.F64, t, 5);
        double[] sq = new double[5];
        double[] ab = new double[5];
        double sqSum = 0;
        double abSum = 0;
        for (int i = 0; i < 5; i++) {
            sq[i] = (p[i] - t[i]) * (p[i] - t[i]);
            ab[i] = Math.abs(p[i] - t[i]);
            sqSum += sq[i];
            abSum += ab[i];
        }
        // sqSum = 0.25 + 0 + 4 + 0.25 + 0.25 = 4.75; abSum = 0.5 + 0 + 2 + 0.5 + 0.5 = 3.5
        assertEquals(4.75, sqSum, TOL);
        assertClose(sqSum / 5, Losses.mse(pred, target).item(), TOL, "mse");
        assertClose(sqSum, Losses.mse(pred, target, Reduction.SUM).item(), TOL, "mse sum");
        assertClose(sq, Losses.mse(pred, target, Reduction.NONE).toDoubleArray(), TOL, "mse none");
        assertClose(Math.sqrt(sqSum / 5), Losses.rmse(pred, target).item(), TOL, "rmse");
        assertClose(abSum / 5, Losses.mae(pred, target).item(), TOL, "mae");
        assertClose(abSum, Losses.mae(pred, target, Reduction.SUM).item(), TOL, "mae sum");
        assertClose(ab, Losses.mae(pred, target, Reduction.NONE).toDoubleArray(), TOL, "mae none");
        assertEquals(Shape.scalar(), Losses.mse(pred, target).shape());
        assertEquals(Shape.of(5), Losses.mae(pred, target, Reduction.NONE).shape());
    }

    @Test
    void crossEntropyMatchesLogSumExp() {
        double[][] z = {{1, 2, 0.5}, {-1, 0, 3}, {0.2, 0.2, 0.2}, {4, -4, 0}};
        int[] t = {1, 0, 2, 0};
        double[] perSample = new double[4];
        double sum = 0;
        for (int i = 0; i < 4; i++) {
            double s = 0;
            for (double v : z[i]) {
                s += Math.exp(v);
            }
            perSample[i] = Math.log(s) - z[i][t[i]];
            sum += perSample[i];
        }
        assertClose(Math.log(3), perSample[2], TOL, "uniform logits give log c");
        Tensor logits = Tensor.of(REF, DType.F64, new double[] {1, 2, 0.5, -1, 0, 3, 0.2, 0.2, 0.2, 4, -4, 0}, 4, 3);
        Tensor target = labels(t);
        assertClose(sum / 4, Losses.crossEntropy(logits, target).item(), TOL, "crossEntropy mean");
        assertClose(sum, Losses.crossEntropy(logits, target, Reduction.SUM).item(), TOL, "crossEntropy sum");
        assertClose(perSample, Losses.crossEntropy(logits, target, Reduction.NONE).toDoubleArray(), TOL,
                "crossEntropy none");
    }

    /**
     * An ignore index past bfloat16's exact integers (256): the labels around it are counted in the mean, although
     * bfloat16 rounds 999, 1001 and 1002 to 1000. The mean over bfloat16 logits equals the mean over the same values
     * in float32 (bfloat16's tolerance).
     */
    @Test
    void anIgnoreIndexPastTheLogitsTypesIntegersIsComparedExactly() {
        Tensor wide = uniform(19, -2, 2, 4, 1100);
        Tensor target = labels(999, 1000, 1001, 1002);
        double want = Losses.crossEntropy(wide, target, 1000, Reduction.MEAN).item();
        for (DType low : new DType[] {DType.BF16, DType.F16}) {
            Tensor logits = wide.to(low);
            double got = Losses.crossEntropy(logits, target, 1000, Reduction.MEAN).item();
            assertEquals(want, got, 0.02 * Math.abs(want), low + ": three targets kept, not none");
        }
    }

    @Test
    void crossEntropyIgnoresTargetsEqualToTheIgnoreIndex() {
        Tensor logits = uniform(18, -2, 2, 5, 4).requiresGrad(true);
        Tensor target = labels(1, -100, 3, 0, -100);
        double[] all = Losses.crossEntropy(logits, labels(1, 2, 3, 0, 2), Reduction.NONE).toDoubleArray();
        double[] kept = Losses.crossEntropy(logits, target, Losses.IGNORE_INDEX, Reduction.NONE).toDoubleArray();
        assertClose(new double[] {all[0], 0, all[2], all[3], 0}, kept, TOL, "per-sample losses, 0 where ignored");
        Tensor mean = Losses.crossEntropy(logits, target, Losses.IGNORE_INDEX, Reduction.MEAN);
        assertClose((all[0] + all[2] + all[3]) / 3, mean.item(), TOL, "the mean counts only the targets kept");
        assertClose(all[0] + all[2] + all[3], Losses.crossEntropy(logits, target, Losses.IGNORE_INDEX,
                Reduction.SUM).item(), TOL, "sum");
        mean.backward();
        double[] g = logits.grad().toDoubleArray();
        for (int j = 0; j < 4; j++) {
            assertEquals(0.0, g[4 + j], 0.0, "no gradient for the ignored row 1");
            assertEquals(0.0, g[16 + j], 0.0, "no gradient for the ignored row 4");
        }
        // Without ignored targets the mean is the old one; an index inside [0, c) ignores that class.
        Tensor plain = labels(1, 2, 3, 0, 2);
        assertClose(Losses.crossEntropy(logits, plain).item(),
                Losses.crossEntropy(logits, plain, Losses.IGNORE_INDEX, Reduction.MEAN).item(), TOL, "no target ignored");
        assertClose((all[0] + all[2] + all[3]) / 3,
                Losses.crossEntropy(logits, plain, 2, Reduction.MEAN).item(), TOL, "ignoring class 2");
        assertTrue(Double.isNaN(Losses.crossEntropy(logits, labels(-100, -100, -100, -100, -100),
                Losses.IGNORE_INDEX, Reduction.MEAN).item()), "every target ignored: 0/0, as in PyTorch");
    }

    @Test
    void aTargetOutsideTheClassesIsAnErrorUnlessIgnored() {
        Tensor logits = uniform(19, -2, 2, 3, 4);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Losses.crossEntropy(logits, labels(0, -100, 1)));
        assertEquals("CrossEntropyOp: target[1] = -100 is not a class index in [0, 4)", e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> Losses.crossEntropy(logits, labels(0, 4, -100), Losses.IGNORE_INDEX, Reduction.MEAN));
        assertEquals("CrossEntropyOp: target[1] = 4 is not a class index in [0, 4) nor the ignored index -100",
                e.getMessage());
    }

    @Test
    void crossEntropyIsStableForHugeLogits() {
        for (DType type : new DType[] {DType.F64, DType.F32}) {
            // Row 0 is confidently right (loss ≈ e^-2000 ≈ 0), row 1 confidently wrong (loss 2000).
            Tensor logits = Tensor.of(REF, type, new double[] {1000, -1000, 1000, -1000}, 2, 2).requiresGrad(true);
            Tensor loss = Losses.crossEntropy(logits, labels(0, 1));
            assertClose(1000, loss.item(), 1e-6, "crossEntropy " + type);
            loss.backward();
            // d mean / d logits = (softmax − onehot) / n: row 0 [0, 0], row 1 [1, −1] / 2.
            double[] g = logits.grad().toDoubleArray();
            assertAllFinite(g, "crossEntropy gradient " + type);
            assertClose(new double[] {0, 0, 0.5, -0.5}, g, 1e-6, "crossEntropy gradient " + type);
        }
        Tensor three = Tensor.of(REF, DType.F64, new double[] {1000, 0, -1000}, 1, 3);
        assertClose(1000, Losses.crossEntropy(three, labels(1)).item(), TOL, "−log softmax of the middle logit");
    }

    @Test
    void binaryCrossEntropyMatchesFormula() {
        double[] p = {0.1, 0.5, 0.9, 0.3, 0.75, 0.01};
        double[] t = {0, 1, 1, 0.5, 0, 1};
        double[] expected = new double[p.length];
        double sum = 0;
        for (int i = 0; i < p.length; i++) {
            expected[i] = -(t[i] * Math.log(p[i]) + (1 - t[i]) * Math.log(1 - p[i]));
            sum += expected[i];
        }
        Tensor probs = Tensor.of(REF, DType.F64, p, 6);
        Tensor target = Tensor.of(REF, DType.F64, t, 6);
        assertClose(sum / 6, Losses.binaryCrossEntropy(probs, target).item(), TOL, "bce mean");
        assertClose(sum, Losses.binaryCrossEntropy(probs, target, Reduction.SUM).item(), TOL, "bce sum");
        assertClose(expected, Losses.binaryCrossEntropy(probs, target, Reduction.NONE).toDoubleArray(), TOL,
                "bce none");
    }

    /**
     * Through a sigmoid, the gradient stays finite for any logit: PyTorch's capped divisor times the sigmoid's
     * p·(1 − p). The exact −1/p overflowed float32 for p below 3e−39 (x < −88.7), an infinite gradient.
     */
    @Test
    void binaryCrossEntropyOfASaturatedSigmoidHasAFiniteGradient() {
        double[] logits = {-20, -80, -89, -95, -110, 30};
        Tensor x = Tensor.of(REF, DType.F32, logits, 6).requiresGrad(true);
        Losses.binaryCrossEntropy(x.sigmoid(), Tensor.of(REF, DType.F32, new double[] {1, 1, 1, 1, 1, 0}, 6),
                Reduction.SUM).backward();
        double[] g = x.grad().toDoubleArray();
        assertAllFinite(g, "gradient");
        assertClose(-1, g[0], 1e-6, "x = -20: p = 2e-9, above the cap: the exact gradient p − t");
        for (int i = 1; i < 5; i++) { // p below 1e−12: −1e12 · p(1 − p), tiny and finite, as PyTorch gives
            double p = (float) (1 / (1 + Math.exp(-logits[i])));
            assertClose(-1e12 * p, g[i], 1e-5 * Math.abs(1e12 * p) + 1e-44, "x = " + logits[i]);
        }
        // x = 30, t = 0: p rounds to 1 in float32, so the sigmoid's p·(1 − p) is 0, and so is the gradient (PyTorch's
        // too); the logits form gives 1 here
        assertClose(0, g[5], 0, "x = 30");
    }

    @Test
    void binaryCrossEntropyClampsItsLogsAtMinusOneHundred() {
        for (DType type : new DType[] {DType.F64, DType.F32}) {
            double[] p = {0, 1, 0, 1, 1e-50, 1e-30};
            double[] t = {1, 0, 0, 1, 1, 1};
            // log 0 and log(1 − 1) clamp to −100; log(1e-50) ≈ −115 clamps too (in float32 1e-50 is 0);
            // log(1e-30) ≈ −69 does not (1e-30 is a normal float32 number).
            double tiny = type == DType.F32 ? (float) 1e-30 : 1e-30;
            double[] expected = {100, 100, 0, 0, 100, -Math.log(tiny)};
            Tensor probs = Tensor.of(REF, type, p, 6).requiresGrad(true);
            Tensor target = Tensor.of(REF, type, t, 6);
            Tensor loss = Losses.binaryCrossEntropy(probs, target, Reduction.NONE);
            assertClose(expected, loss.toDoubleArray(), type == DType.F64 ? TOL : 1e-6, "bce clamped " + type);
            loss.sum().backward();
            double[] g = probs.grad().toDoubleArray();
            assertAllFinite(g, "bce gradient " + type);
            // PyTorch's (p − t) / max(p·(1 − p), 1e−12): within 1e−12 of 0 or 1 the divisor is 1e−12
            assertClose(0, g[2], 0, "bce gradient at p = 0, t = 0 " + type);
            assertClose(0, g[3], 0, "bce gradient at p = 1, t = 1 " + type);
            assertClose(-1e12, g[0], 1e-6, "bce gradient at p = 0, t = 1 " + type);
            assertClose(1e12, g[1], 1e-6, "bce gradient at p = 1, t = 0 " + type);
            assertClose(-1e12, g[4], 1e-6, "bce gradient at p = 1e-50, t = 1 " + type);
            assertClose(-1e12, g[5], 1e-6, "bce gradient at p = 1e-30, t = 1 " + type);
        }
    }

    @Test
    void binaryCrossEntropyWithLogitsMatchesFormula() {
        double[] x = {-3, -0.5, 0, 0.7, 2, 10, -10};
        double[] t = {0, 1, 1, 0.3, 1, 0, 1};
        double[] expected = new double[x.length];
        double sum = 0;
        for (int i = 0; i < x.length; i++) {
            double sig = 1 / (1 + Math.exp(-x[i]));
            expected[i] = -(t[i] * Math.log(sig) + (1 - t[i]) * Math.log(1 - sig));
            sum += expected[i];
        }
        Tensor logits = Tensor.of(REF, DType.F64, x, 7);
        Tensor target = Tensor.of(REF, DType.F64, t, 7);
        assertClose(expected, Losses.binaryCrossEntropyWithLogits(logits, target, Reduction.NONE).toDoubleArray(),
                1e-10, "bce with logits none");
        assertClose(sum / 7, Losses.binaryCrossEntropyWithLogits(logits, target).item(), 1e-10, "mean");
        assertClose(sum, Losses.binaryCrossEntropyWithLogits(logits, target, Reduction.SUM).item(), 1e-10, "sum");
        // The fused form agrees with the unfused one where the sigmoid is safe.
        assertClose(Losses.binaryCrossEntropy(logits.sigmoid(), target).item(),
                Losses.binaryCrossEntropyWithLogits(logits, target).item(), 1e-10, "fused vs unfused");
    }

    @Test
    void binaryCrossEntropyWithLogitsIsStableForHugeLogits() {
        for (DType type : new DType[] {DType.F64, DType.F32}) {
            double[] x = {100, 100, -100, -100, 1000, -1000};
            double[] t = {1, 0, 0, 1, 0, 0};
            double[] expected = new double[x.length];
            double[] gradient = new double[x.length];
            for (int i = 0; i < x.length; i++) {
                expected[i] = Math.max(x[i], 0) - x[i] * t[i] + Math.log1p(Math.exp(-Math.abs(x[i])));
                gradient[i] = 1 / (1 + Math.exp(-x[i])) - t[i]; // sigmoid(x) − t
            }
            assertClose(new double[] {0, 100, 0, 100, 1000, 0}, expected, 1e-40, "the formula itself");
            Tensor logits = Tensor.of(REF, type, x, 6).requiresGrad(true);
            Tensor loss = Losses.binaryCrossEntropyWithLogits(logits, Tensor.of(REF, type, t, 6), Reduction.NONE);
            double[] got = loss.toDoubleArray();
            assertAllFinite(got, "bce with logits " + type);
            assertClose(expected, got, 1e-7, "bce with logits " + type);
            loss.sum().backward();
            double[] g = logits.grad().toDoubleArray();
            assertAllFinite(g, "bce with logits gradient " + type);
            assertClose(gradient, g, 1e-7, "bce with logits gradient " + type);
        }
    }

    @Test
    void binaryCrossEntropyWithLogitsHasTheSigmoidGradientAtZero() {
        // softplus is smooth at 0: d/dx [softplus(x) − x·t] = sigmoid(0) − t = 0.5 − t, not a one-sided value.
        Tensor x = Tensor.zeros(REF, DType.F64, 3).requiresGrad(true);
        Tensor t = Tensor.of(REF, DType.F64, new double[] {0, 1, 0.25}, 3);
        Tensor loss = Losses.binaryCrossEntropyWithLogits(x, t, Reduction.SUM);
        assertClose(3 * Math.log(2), loss.item(), TOL, "log 2 per element at x = 0");
        loss.backward();
        assertClose(new double[] {0.5, -0.5, 0.25}, x.grad().toDoubleArray(), TOL, "gradient at x = 0");
    }

    // ---- errors ------------------------------------------------------------------------------------------

    @Test
    void shapeMismatchesNameTheLossAndBothShapes() {
        Tensor a = uniform(70, 0.1, 0.9, 3, 2);
        Tensor b = uniform(71, 0.1, 0.9, 2, 3);
        List<Function<Tensor[], Tensor>> losses = List.of(
                x -> Losses.mse(x[0], x[1]), x -> Losses.rmse(x[0], x[1]), x -> Losses.mae(x[0], x[1]),
                x -> Losses.binaryCrossEntropy(x[0], x[1]), x -> Losses.binaryCrossEntropyWithLogits(x[0], x[1]));
        List<String> names = List.of("Losses.mse", "Losses.rmse", "Losses.mae", "Losses.binaryCrossEntropy",
                "Losses.binaryCrossEntropyWithLogits");
        for (int i = 0; i < losses.size(); i++) {
            Function<Tensor[], Tensor> f = losses.get(i);
            ShapeMismatchException e = assertThrows(ShapeMismatchException.class, () -> f.apply(new Tensor[] {a, b}));
            assertTrue(e.getMessage().startsWith(names.get(i) + ":") && e.getMessage().contains("[3, 2]")
                    && e.getMessage().contains("[2, 3]"), e.getMessage());
        }
        // Broadcastable is not enough: a target must match the prediction exactly.
        assertThrows(ShapeMismatchException.class, () -> Losses.mse(a, uniform(72, 0, 1, 2)));
    }

    @Test
    void targetTypeErrorsSayWhatIsExpected() {
        Tensor pred = uniform(73, 0.1, 0.9, 3);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Losses.mse(pred, Tensor.ofInts(REF, new int[] {1, 0, 1})));
        assertTrue(e.getMessage().contains("Losses.mse") && e.getMessage().contains("target must be float64")
                && e.getMessage().contains("int32"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> Losses.binaryCrossEntropy(pred, pred.to(DType.F32)));
        assertTrue(e.getMessage().contains("float64") && e.getMessage().contains("float32"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Losses.crossEntropy(uniform(74, 0, 1, 3, 4),
                Tensor.of(REF, DType.F32, new double[] {0, 1, 2}, 3)));
        assertTrue(e.getMessage().contains("Losses.crossEntropy") && e.getMessage().contains("int32")
                && e.getMessage().contains("float32"), e.getMessage());
    }

    @Test
    void crossEntropyChecksItsShapes() {
        ShapeMismatchException e = assertThrows(ShapeMismatchException.class,
                () -> Losses.crossEntropy(uniform(75, 0, 1, 3, 4), labels(0, 1)));
        assertTrue(e.getMessage().contains("Losses.crossEntropy") && e.getMessage().contains("[3, 4]")
                && e.getMessage().contains("[2]"), e.getMessage());
        assertThrows(ShapeMismatchException.class,
                () -> Losses.crossEntropy(uniform(76, 0, 1, 12), labels(0, 1, 2)));
        IllegalArgumentException range = assertThrows(IllegalArgumentException.class,
                () -> Losses.crossEntropy(uniform(77, 0, 1, 2, 3), labels(0, 3)));
        assertTrue(range.getMessage().contains("[0, 3)"), range.getMessage());
    }
}

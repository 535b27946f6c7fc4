package striate.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import striate.tensor.DType;
import striate.tensor.Device;
import striate.tensor.Rng;
import striate.tensor.Shape;
import striate.tensor.ShapeMismatchException;
import striate.tensor.Tensor;

/** BatchNorm1d/2d: names, training and evaluation outputs and the running-statistics update, worked out here. */
class BatchNormTest {
    private static final Device REF = Device.reference();

    private static double[] random(long seed, int count, double scale, double shift) {
        Rng rng = new Rng(seed);
        double[] v = new double[count];
        for (int i = 0; i < count; i++) {
            v[i] = shift + scale * (2 * rng.nextDouble() - 1);
        }
        return v;
    }

    /** Per-channel mean and biased variance of x [n, c, s] laid out contiguously. */
    private static double[][] stats(double[] x, int n, int c, int s) {
        double[] mean = new double[c];
        double[] var = new double[c];
        int m = n * s;
        for (int ch = 0; ch < c; ch++) {
            double sum = 0;
            for (int b = 0; b < n; b++) {
                for (int i = 0; i < s; i++) {
                    sum += x[(b * c + ch) * s + i];
                }
            }
            mean[ch] = sum / m;
            double sq = 0;
            for (int b = 0; b < n; b++) {
                for (int i = 0; i < s; i++) {
                    double d = x[(b * c + ch) * s + i] - mean[ch];
                    sq += d * d;
                }
            }
            var[ch] = sq / m;
        }
        return new double[][] {mean, var};
    }

    private static void assertClose(double[] want, double[] got, double tol, String what) {
        assertEquals(want.length, got.length, what + " length");
        for (int i = 0; i < want.length; i++) {
            assertEquals(want[i], got[i], tol, what + " element " + i);
        }
    }

    @Test
    void namesDefaultsAndShapesFollowPyTorch() {
        BatchNorm2d bn = new BatchNorm2d(3);
        assertEquals(List.of("weight", "bias"), List.copyOf(bn.namedParameters().keySet()));
        assertEquals(List.of("running_mean", "running_var"), List.copyOf(bn.namedBuffers().keySet()));
        assertClose(new double[] {1, 1, 1}, bn.weight().value().toDoubleArray(), 0, "weight");
        assertClose(new double[] {0, 0, 0}, bn.bias().value().toDoubleArray(), 0, "bias");
        assertClose(new double[] {0, 0, 0}, bn.runningMean().toDoubleArray(), 0, "running_mean");
        assertClose(new double[] {1, 1, 1}, bn.runningVar().toDoubleArray(), 0, "running_var");
        assertEquals(6, bn.parameterCount());
        assertEquals(0.1, bn.momentum());
        assertEquals(1e-5, bn.eps());
        assertEquals("BatchNorm2d(3)", bn.toString());
        assertEquals("BatchNorm1d(4)", new BatchNorm1d(4).toString());
        Sequential s = new Sequential(new Linear(2, 4, new Rng(1)), new BatchNorm1d(4));
        assertTrue(s.namedBuffers().containsKey("1.running_var"), s.namedBuffers().keySet().toString());
    }

    @Test
    void training2dNormalizesPerChannelWithBiasedVarianceAndAppliesAffine() {
        int n = 3, c = 2, s = 4;
        double[] x = random(2, n * c * s, 2, 1);
        BatchNorm2d bn = new BatchNorm2d(c);
        bn.weight().set(Tensor.of(REF, DType.F32, new double[] {2, 0.5}, c));
        bn.bias().set(Tensor.of(REF, DType.F32, new double[] {-1, 3}, c));
        Tensor y = bn.forward(Tensor.of(REF, DType.F32, x, n, c, 2, 2));
        assertEquals(Shape.of(n, c, 2, 2), y.shape());
        double[][] st = stats(x, n, c, s);
        double[] gamma = {2, 0.5};
        double[] beta = {-1, 3};
        double[] want = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            int ch = (i / s) % c;
            want[i] = (x[i] - st[0][ch]) / Math.sqrt(st[1][ch] + 1e-5) * gamma[ch] + beta[ch];
        }
        assertClose(want, y.toDoubleArray(), 1e-5, "y");
    }

    @Test
    void runningStatisticsFollowPyTorchsUpdateWithUnbiasedVariance() {
        int n = 4, c = 3;
        BatchNorm1d bn = new BatchNorm1d(c);
        double[] mean = {0, 0, 0};
        double[] var = {1, 1, 1};
        for (int step = 0; step < 2; step++) {
            double[] x = random(10 + step, n * c, 3, step);
            bn.forward(Tensor.of(REF, DType.F32, x, n, c));
            double[][] st = stats(x, n, c, 1);
            for (int ch = 0; ch < c; ch++) {
                // running = (1 − momentum)·running + momentum·batch, variance unbiased: · m / (m − 1)
                mean[ch] = 0.9 * mean[ch] + 0.1 * st[0][ch];
                var[ch] = 0.9 * var[ch] + 0.1 * st[1][ch] * n / (n - 1);
            }
            assertClose(mean, bn.runningMean().toDoubleArray(), 1e-6, "running_mean after step " + step);
            assertClose(var, bn.runningVar().toDoubleArray(), 1e-6, "running_var after step " + step);
            assertTrue(!bn.runningMean().requiresGrad() && bn.runningMean().node() == null, "stats are detached");
        }
    }

    @Test
    void evaluationUsesGivenRunningStatisticsAndLeavesThemAlone() {
        BatchNorm2d bn = new BatchNorm2d(2);
        bn.loadBuffer("running_mean", Tensor.of(REF, DType.F32, new double[] {1, -2}, 2));
        bn.loadBuffer("running_var", Tensor.of(REF, DType.F32, new double[] {4, 0.25}, 2));
        bn.weight().set(Tensor.of(REF, DType.F32, new double[] {3, 1}, 2));
        bn.bias().set(Tensor.of(REF, DType.F32, new double[] {0.5, 0}, 2));
        bn.eval();
        double[] x = {1, 3, 5, 7, /* channel 1 */ -2, -1.5, 0, 1};
        Tensor y = bn.forward(Tensor.of(REF, DType.F32, x, 1, 2, 2, 2));
        double s0 = Math.sqrt(4 + 1e-5);
        double s1 = Math.sqrt(0.25 + 1e-5);
        double[] want = {0.5, 3 * 2 / s0 + 0.5, 3 * 4 / s0 + 0.5, 3 * 6 / s0 + 0.5, 0, 0.5 / s1, 2 / s1, 3 / s1};
        assertClose(want, y.toDoubleArray(), 1e-5, "y");
        assertClose(new double[] {1, -2}, bn.runningMean().toDoubleArray(), 0, "running_mean");
        assertClose(new double[] {4, 0.25}, bn.runningVar().toDoubleArray(), 0, "running_var");
    }

    @Test
    void functionalBatchNormReturnsUpdatedStatsAndLeavesInputsUntouched() {
        Tensor rm = Tensor.of(REF, DType.F64, new double[] {1}, 1);
        Tensor rv = Tensor.of(REF, DType.F64, new double[] {2}, 1);
        Tensor x = Tensor.of(REF, DType.F64, new double[] {1, 2, 3, 6}, 4, 1);
        Functional.BatchNormResult r = Functional.batchNorm(x, rm, rv, null, null, true, 0.5, 0);
        // mean 3, biased variance (4 + 1 + 0 + 9) / 4 = 3.5, unbiased 14 / 3
        assertEquals(0.5 * 1 + 0.5 * 3, r.runningMean().item(), 1e-12);
        assertEquals(0.5 * 2 + 0.5 * 14 / 3.0, r.runningVar().item(), 1e-12);
        assertEquals(1, rm.item());
        assertEquals(2, rv.item());
        double sd = Math.sqrt(3.5);
        assertClose(new double[] {-2 / sd, -1 / sd, 0, 3 / sd}, r.y().toDoubleArray(), 1e-12, "y");
    }

    @Test
    void runningVarianceOfAConstantChannelStaysExactEnough() {
        // Channel 0 is constant (σ² = 0, far below eps); the fused op keeps 1/√(σ² + eps), from which σ² comes back.
        BatchNorm2d bn = new BatchNorm2d(2);
        double[] x = random(12, 4 * 2 * 9, 1, 0);
        for (int i = 0; i < 4; i++) {
            java.util.Arrays.fill(x, i * 18, i * 18 + 9, 3.25);
        }
        bn.forward(Tensor.of(REF, DType.F32, x, 4, 2, 3, 3));
        double[][] st = stats(x, 4, 2, 9);
        double m = 36;
        assertClose(new double[] {0.1 * 3.25, 0.1 * st[0][1]}, bn.runningMean().toDoubleArray(), 1e-6,
                "running_mean");
        assertClose(new double[] {0.9, 0.9 + 0.1 * st[1][1] * m / (m - 1)}, bn.runningVar().toDoubleArray(), 1e-6,
                "running_var");
    }

    @Test
    void fusedAndComposedTrainingAgreeOnOutputStatisticsAndGradients() {
        int n = 5, c = 3, s = 4;
        for (DType t : new DType[] {DType.F64, DType.F32}) {
            double tol = t == DType.F64 ? 1e-12 : 2e-6;
            Tensor x = Tensor.of(REF, t, random(20, n * c * s, 2, 0.5), n, c, 2, 2);
            Tensor dy = Tensor.of(REF, t, random(21, n * c * s, 1, 0), n, c, 2, 2);
            double[][] got = new double[2][];
            double[][] grads = new double[6][];
            double[][] running = new double[4][];
            for (int k = 0; k < 2; k++) {
                Tensor xi = x.detach().requiresGrad(true);
                Tensor w = Tensor.of(REF, t, new double[] {1.5, -0.5, 1}, c).requiresGrad(true);
                Tensor b = Tensor.of(REF, t, new double[] {0.25, 0, -1}, c).requiresGrad(true);
                Tensor rm = Tensor.zeros(REF, t, c);
                Tensor rv = Tensor.ones(REF, t, c);
                Functional.BatchNormResult r = k == 0
                        ? Functional.batchNorm(xi, rm, rv, w, b, true, 0.1, 1e-5)
                        : Functional.batchNormComposed(xi, rm, rv, w, b, true, 0.1, 1e-5);
                r.y().mul(dy).sum().backward();
                got[k] = r.y().toDoubleArray();
                grads[3 * k] = xi.grad().toDoubleArray();
                grads[3 * k + 1] = w.grad().toDoubleArray();
                grads[3 * k + 2] = b.grad().toDoubleArray();
                running[2 * k] = r.runningMean().toDoubleArray();
                running[2 * k + 1] = r.runningVar().toDoubleArray();
            }
            assertClose(got[1], got[0], tol, t + " y");
            assertClose(grads[3], grads[0], tol, t + " dx");
            assertClose(grads[4], grads[1], tol, t + " dweight");
            assertClose(grads[5], grads[2], tol, t + " dbias");
            assertClose(running[2], running[0], tol, t + " running_mean");
            assertClose(running[3], running[1], tol, t + " running_var");
        }
    }

    @Test
    void clearErrors() {
        ShapeMismatchException wrongChannels = assertThrows(ShapeMismatchException.class,
                () -> new BatchNorm2d(3).forward(Tensor.zeros(REF, DType.F32, 2, 4, 5, 5)));
        assertTrue(wrongChannels.getMessage().contains("BatchNorm2d(3)")
                && wrongChannels.getMessage().contains("[2, 4, 5, 5]")
                && wrongChannels.getMessage().contains("[n, 3, h, w]"), wrongChannels.getMessage());
        ShapeMismatchException wrongRank = assertThrows(ShapeMismatchException.class,
                () -> new BatchNorm1d(3).forward(Tensor.zeros(REF, DType.F32, 2, 3, 4, 4)));
        assertTrue(wrongRank.getMessage().contains("BatchNorm1d(3)"), wrongRank.getMessage());
        // one value per channel cannot give a batch variance (PyTorch refuses too)
        assertThrows(ShapeMismatchException.class,
                () -> new BatchNorm1d(3).forward(Tensor.zeros(REF, DType.F32, 1, 3)));
        assertThrows(IllegalArgumentException.class, () -> new BatchNorm2d(0));
    }
}

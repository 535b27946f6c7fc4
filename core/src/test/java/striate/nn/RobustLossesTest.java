package striate.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static striate.nn.ActivationLossFixtures.REF;
import static striate.nn.ActivationLossFixtures.assertClose;

import java.util.function.BiFunction;
import org.junit.jupiter.api.Test;
import striate.tensor.DType;
import striate.tensor.Tensor;

/**
 * Smooth L1, Huber, Kullback–Leibler and negative log-likelihood losses: values and gradients in float64 against PyTorch 1.13's
 * (torch.nn.functional on the same inputs, printed to 17 digits): differences inside and outside beta, at beta and at
 * zero, the reductions, and KL's batch mean, sum and element mean with a target holding zeros.
 */
class RobustLossesTest {
    private static final double[] PRED = {0, 1.5, -2, 0.3, 2, -1, 0.9, 4};
    private static final double[] TARGET = {0, 0, 0, 1, 1, -1, 0, 0};

    private static void matchesTorch(BiFunction<Tensor, Tensor, Tensor> loss, double value, double[] gradient,
                                     String what) {
        Tensor p = Tensor.of(REF, DType.F64, PRED, 2, 4).requiresGrad(true);
        Tensor t = Tensor.of(REF, DType.F64, TARGET, 2, 4);
        Tensor l = loss.apply(p, t);
        l.backward();
        assertClose(value, l.item(), 1e-12, what + " value");
        assertClose(gradient, p.grad().toDoubleArray(), 1e-12, what + " gradient");
    }

    @Test
    void smoothL1AndHuberMatchPyTorch() {
        matchesTorch(Losses::smoothL1, 0.89375,
                new double[] {0.0, 0.125, -0.125, -0.0875, 0.125, 0.0, 0.1125, 0.125}, "smooth L1, beta 1");
        matchesTorch((p, t) -> Losses.smoothL1(p, t, 0.5, Losses.Reduction.SUM), 8.600000000000001,
                new double[] {0.0, 1.0, -1.0, -1.0, 1.0, 0.0, 1.0, 1.0}, "smooth L1, beta 0.5, sum");
        matchesTorch((p, t) -> Losses.huber(p, t, 2.0, Losses.Reduction.MEAN), 1.284375,
                new double[] {0.0, 0.1875, -0.25, -0.0875, 0.125, 0.0, 0.1125, 0.25}, "Huber, delta 2");
        // beta 0 is the L1 loss; PyTorch 1.13 gives −0.125 where the difference is exactly 0, the L1 loss's (and
        // Striate's) gradient there is 0
        matchesTorch((p, t) -> Losses.smoothL1(p, t, 0, Losses.Reduction.MEAN), 1.2625000000000002,
                new double[] {0, 0.125, -0.125, -0.125, 0.125, 0, 0.125, 0.125}, "smooth L1, beta 0");
        Tensor p = Tensor.of(REF, DType.F64, PRED, 2, 4);
        assertEquals(8, Losses.smoothL1(p, p.mul(0.5), 1, Losses.Reduction.NONE).size());
        assertThrows(IllegalArgumentException.class, () -> Losses.smoothL1(p, p, -1, Losses.Reduction.MEAN));
        assertThrows(IllegalArgumentException.class, () -> Losses.huber(p, p, 0, Losses.Reduction.MEAN));
    }

    @Test
    void klDivergenceMatchesPyTorchsBatchMeanSumAndMean() {
        Tensor logits = Tensor.of(REF, DType.F64, new double[] {1, 2, 0.5, 0, -1, 3}, 2, 3).requiresGrad(true);
        Tensor target = Tensor.of(REF, DType.F64, new double[] {0.2, 0.8, 0, 0.5, 0.25, 0.25}, 2, 3);
        Tensor l = Losses.klDivergence(logits.logSoftmax(1), target);
        l.backward();
        assertClose(0.8450647467436341, l.item(), 1e-12, "batch mean");
        assertClose(new double[] {0.015611948811074514, -0.08573414039411881, 0.07012219158304424,
                -0.22669368871101306, -0.11642608722723981, 0.3431197759382529}, logits.grad().toDoubleArray(), 1e-12,
                "batch mean's gradient through the log-softmax");

        Tensor logP = logits.detach().logSoftmax(1).requiresGrad(true);
        Tensor sum = Losses.klDivergence(logP, target, Losses.Reduction.SUM);
        sum.backward();
        assertClose(1.6901294934872682, sum.item(), 1e-12, "sum");
        assertClose(new double[] {-0.2, -0.8, 0, -0.5, -0.25, -0.25}, logP.grad().toDoubleArray(), 1e-12,
                "sum's gradient: −target");
        assertClose(0.2816882489145447, Losses.klDivergence(logP, target, Losses.Reduction.MEAN).item(), 1e-12,
                "mean over elements");
    }

    /** At an infinite difference smooth L1's and Huber's gradients are the sign (times delta), not NaN; KL of a
     *  negative target is NaN (xlogy), as PyTorch's. */
    @Test
    void infiniteDifferencesAndNegativeTargets() {
        for (double delta : new double[] {0.5, 2}) {
            Tensor p = Tensor.of(REF, DType.F64, new double[] {Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY}, 2)
                    .requiresGrad(true);
            Losses.huber(p, Tensor.zeros(REF, DType.F64, 2), delta, Losses.Reduction.SUM).backward();
            assertClose(new double[] {delta, -delta}, p.grad().toDoubleArray(), 0, "Huber, delta " + delta);
        }
        Tensor logP = Tensor.of(REF, DType.F64, new double[] {-1, -2}, 1, 2);
        Tensor negative = Tensor.of(REF, DType.F64, new double[] {-0.5, 1.5}, 1, 2);
        assertEquals(Double.NaN, Losses.klDivergence(logP, negative).item());
    }

    /** NLL of a log-softmax's output with an ignored target, each reduction, and of raw values: PyTorch's nll_loss. */
    @Test
    void nllMatchesPyTorch() {
        double[][] want = {{0.9285154685889104}, {1.8570309371778209}, {0.49518189808585605, 1.3618490390919649, 0}};
        double[] sumGrad = {0.22420781804820114, -0.3905399624011229, 0.13598891579350553, 0.030343228559416225,
                0.034671091435478855, 0.01275478174208794, 0.696387487194526, -0.7438133603720929, 0, 0, 0, 0};
        Losses.Reduction[] reductions = {Losses.Reduction.MEAN, Losses.Reduction.SUM, Losses.Reduction.NONE};
        for (int k = 0; k < 3; k++) {
            Tensor logits = Tensor.of(REF, DType.F64, new double[] {1, 2, 0.5, -1, 0, -1, 3, 2, 0.2, 0.1, -0.3, 0.4},
                    3, 4).requiresGrad(true);
            Tensor y = Tensor.ofInts(REF, new int[] {1, 3, Losses.IGNORE_INDEX}, 3);
            Tensor l = Losses.nll(logits.logSoftmax(1), y, Losses.IGNORE_INDEX, reductions[k]);
            l.sum().backward();
            assertClose(want[k], l.toDoubleArray(), 1e-12, reductions[k] + " value");
            double scale = k == 0 ? 0.5 : 1; // the mean is over the two targets not ignored
            double[] g = new double[sumGrad.length];
            for (int i = 0; i < g.length; i++) {
                g[i] = sumGrad[i] * scale;
            }
            assertClose(g, logits.grad().toDoubleArray(), 1e-12, reductions[k] + " gradient through the log-softmax");
        }
        Tensor raw = Tensor.of(REF, DType.F64, new double[] {-0.5, -2, -1, 0.3, 0.7, -4}, 2, 3).requiresGrad(true);
        Tensor l = Losses.nll(raw, Tensor.ofInts(REF, new int[] {2, 0}, 2));
        l.backward();
        assertClose(0.35, l.item(), 1e-12, "raw values");
        assertClose(new double[] {0, 0, -0.5, -0.5, 0, 0}, raw.grad().toDoubleArray(), 1e-12, "−1/n at each target");
    }

    /** Ignored rows count for nothing whatever they hold; bfloat16 log-probabilities are read in float32. */
    @Test
    void nllIgnoresIgnoredRowsWhollyAndReadsLowPrecisionInFloat32() {
        Tensor x = Tensor.of(REF, DType.F64, new double[] {-0.5, -1.5, Double.NEGATIVE_INFINITY, Double.NaN}, 2, 2)
                .requiresGrad(true);
        Tensor l = Losses.nll(x, Tensor.ofInts(REF, new int[] {1, Losses.IGNORE_INDEX}, 2));
        l.backward();
        assertClose(1.5, l.item(), 1e-15, "the one target counted");
        assertClose(new double[] {0, -1, 0, 0}, x.grad().toDoubleArray(), 1e-15, "nothing in the ignored row");
        Tensor low = Tensor.of(REF, DType.F32, new double[] {-0.1, -2.5, -3.5, -0.05}, 2, 2).to(DType.BF16);
        try (striate.autograd.Autocast.Scope on = striate.autograd.Autocast.enable(DType.BF16)) {
            Tensor nll = Losses.nll(low, Tensor.ofInts(REF, new int[] {0, 1}, 2));
            assertEquals(DType.F32, nll.dtype());
            double[] v = low.toDoubleArray();
            assertClose(-(v[0] + v[3]) / 2, nll.item(), 1e-7, "PyTorch's 0.0750732");
        }
    }
}

package striate.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import striate.nn.Losses.Reduction;
import striate.tensor.DType;
import striate.tensor.Device;
import striate.tensor.Shape;
import striate.tensor.Tensor;

/**
 * Cross-entropy over a [batch, time, classes] batch with padding: the loss and its gradient computed by hand, the
 * mean over the tokens kept, ignored positions without loss or gradient, time-major the same, and shape errors.
 */
class SequenceCrossEntropyTest {
    private static final Device REF = Device.reference();
    private static final int B = 2;
    private static final int T = 3;
    private static final int C = 4;
    private static final int PAD = Losses.IGNORE_INDEX;
    // Sequence 0 has 3 tokens, sequence 1 has 2 and a padded step.
    private static final int[] TARGET = {1, 3, 0, 2, 2, PAD};

    private static double[] logitValues() {
        double[] v = new double[B * T * C];
        for (int i = 0; i < v.length; i++) {
            v[i] = Math.sin(1.7 * i) * 2;
        }
        return v;
    }

    /** −log softmax(row)[k] of row p of the logits [b·t, c]. */
    private static double tokenLoss(double[] logits, int p, int k) {
        double max = Double.NEGATIVE_INFINITY;
        for (int j = 0; j < C; j++) {
            max = Math.max(max, logits[p * C + j]);
        }
        double sum = 0;
        for (int j = 0; j < C; j++) {
            sum += Math.exp(logits[p * C + j] - max);
        }
        return max + Math.log(sum) - logits[p * C + k];
    }

    @Test
    void meanOverTheTokensKeptWithTheGradientByHand() {
        double[] v = logitValues();
        Tensor logits = Tensor.of(REF, DType.F64, v, B, T, C).requiresGrad(true);
        Tensor loss = Losses.sequenceCrossEntropy(logits, Tensor.ofInts(REF, TARGET, B, T));
        double want = 0;
        for (int p = 0; p < TARGET.length; p++) {
            want += TARGET[p] == PAD ? 0 : tokenLoss(v, p, TARGET[p]);
        }
        want /= 5; // five tokens kept, not six positions
        assertEquals(want, loss.item(), 1e-12);

        loss.backward();
        double[] g = logits.grad().toDoubleArray();
        for (int p = 0; p < TARGET.length; p++) {
            double max = Double.NEGATIVE_INFINITY;
            for (int j = 0; j < C; j++) {
                max = Math.max(max, v[p * C + j]);
            }
            double sum = 0;
            for (int j = 0; j < C; j++) {
                sum += Math.exp(v[p * C + j] - max);
            }
            for (int j = 0; j < C; j++) {
                double softmax = Math.exp(v[p * C + j] - max) / sum;
                double expected = TARGET[p] == PAD ? 0 : (softmax - (j == TARGET[p] ? 1 : 0)) / 5;
                assertEquals(expected, g[p * C + j], 1e-12, "d loss / d logits[" + p + ", " + j + "]");
            }
        }
    }

    @Test
    void sumAndPerTokenLossesInTheTargetsShape() {
        double[] v = logitValues();
        Tensor logits = Tensor.of(REF, DType.F64, v, B, T, C);
        Tensor target = Tensor.ofInts(REF, TARGET, B, T);
        Tensor each = Losses.sequenceCrossEntropy(logits, target, PAD, Reduction.NONE);
        assertEquals(Shape.of(B, T), each.shape());
        double[] e = each.toDoubleArray();
        double total = 0;
        for (int p = 0; p < TARGET.length; p++) {
            double want = TARGET[p] == PAD ? 0 : tokenLoss(v, p, TARGET[p]);
            assertEquals(want, e[p], 1e-12, "token " + p);
            total += want;
        }
        assertEquals(total, Losses.sequenceCrossEntropy(logits, target, PAD, Reduction.SUM).item(), 1e-12);
    }

    @Test
    void timeMajorBatchesGiveTheSameLoss() {
        Tensor logits = Tensor.of(REF, DType.F64, logitValues(), B, T, C);
        Tensor target = Tensor.ofInts(REF, TARGET, B, T);
        double batchMajor = Losses.sequenceCrossEntropy(logits, target).item();
        Tensor targetTimeMajor = Tensor.ofInts(REF, new int[] {1, 2, 3, 2, 0, PAD}, T, B);
        assertEquals(batchMajor, Losses.sequenceCrossEntropy(logits.transpose(0, 1), targetTimeMajor).item(), 1e-12);
    }

    @Test
    void anotherIgnoreIndexMarksPaddingToo() {
        int[] target = {1, 3, 0, 2, 2, 0}; // class 0 as padding: positions 2 and 5 drop out
        Tensor logits = Tensor.of(REF, DType.F64, logitValues(), B, T, C);
        Tensor each = Losses.sequenceCrossEntropy(logits, Tensor.ofInts(REF, target, B, T), 0, Reduction.NONE);
        double[] e = each.toDoubleArray();
        assertEquals(0.0, e[2]);
        assertEquals(0.0, e[5]);
        assertTrue(e[0] > 0 && e[4] > 0);
        assertArrayEquals(new double[] {0.25 * (e[0] + e[1] + e[3] + e[4])}, new double[] {Losses.sequenceCrossEntropy(
                logits, Tensor.ofInts(REF, target, B, T), 0, Reduction.MEAN).item()}, 1e-12);
    }

    @Test
    void shapesThatDoNotAgreeAreOneClearError() {
        Tensor logits = Tensor.zeros(REF, DType.F32, B, T, C);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Losses.sequenceCrossEntropy(logits, Tensor.ofInts(REF, new int[B * T], T, B)));
        assertTrue(e.getMessage().contains("logits [2, 3, 4] and target [3, 2]"), e.getMessage());
        assertTrue(e.getMessage().contains("expected logits [b, t, c] and target [b, t]"), e.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> Losses.sequenceCrossEntropy(logits, Tensor.ofInts(REF, new int[B * T * C], B, T, C)));
    }
}

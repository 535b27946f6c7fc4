package striate.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static striate.nn.ActivationLossFixtures.REF;

import org.junit.jupiter.api.Test;
import striate.tensor.DType;
import striate.tensor.Rng;
import striate.tensor.Tensor;

/**
 * Dropout2d: whole channels dropped (every value of a channel of a sample zero, or all kept and scaled by 1/(1 − p)),
 * about p of them over many channels, the gradient the same mask, a fresh mask on every forward, identity in
 * evaluation, and a rank below 3 named.
 */
class Dropout2dTest {
    @Test
    void wholeChannelsAreDroppedAtRatePAndTheKeptOnesScaled() {
        double p = 0.3;
        Dropout2d d = new Dropout2d(p, new Rng(5));
        int n = 40;
        int c = 50;
        Tensor x = Tensor.ones(REF, DType.F64, n, c, 3, 4).requiresGrad(true);
        Tensor y = d.forward(x);
        y.sum().backward();
        double[] v = y.toDoubleArray();
        double[] g = x.grad().toDoubleArray();
        int dropped = 0;
        for (int ch = 0; ch < n * c; ch++) {
            double first = v[ch * 12];
            assertTrue(first == 0 || Math.abs(first - 1 / (1 - p)) < 1e-12, "0 or 1/(1 − p): " + first);
            for (int i = 0; i < 12; i++) {
                assertEquals(first, v[ch * 12 + i], "the whole channel " + ch + " alike");
                assertEquals(first, g[ch * 12 + i], "its gradient is the mask");
            }
            dropped += first == 0 ? 1 : 0;
        }
        double rate = dropped / (double) (n * c);
        double sd = Math.sqrt(p * (1 - p) / (n * c));
        assertEquals(p, rate, 5 * sd, "the share of channels dropped");
        assertTrue(!java.util.Arrays.equals(v, d.forward(x).toDoubleArray()), "a fresh mask on the next forward");
    }

    @Test
    void identityInEvaluationAndRankChecked() {
        Dropout2d d = new Dropout2d(new Rng(1));
        Tensor x = Tensor.ones(REF, DType.F32, 2, 3, 4);
        d.eval();
        assertSame(x, d.forward(x));
        d.train();
        assertArrayEquals(new long[] {2, 3, 4}, d.forward(x).shape().dims());
        assertThrows(IllegalArgumentException.class, () -> d.forward(Tensor.ones(REF, DType.F32, 2, 3)));
        assertThrows(IllegalArgumentException.class, () -> new Dropout2d(1, new Rng(1)));
        assertEquals("Dropout2d(p=0.5)", d.toString());
    }
}

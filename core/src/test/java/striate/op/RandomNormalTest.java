package striate.op;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import striate.tensor.DType;
import striate.tensor.Device;
import striate.tensor.Shape;
import striate.tensor.Tensor;

/** Tensor.randn's draws: their moments and tails are a normal's, and a seed repeats them. */
class RandomNormalTest {
    private static final Device REF = Device.reference();

    @Test
    void momentsAndTailsAreTheNormalDistributions() {
        int n = 200_000;
        double[] z = Tensor.randn(REF, DType.F64, Shape.of(n), 0, 1, 42).toDoubleArray();
        double sum = 0;
        double sq = 0;
        double fourth = 0;
        int beyond2 = 0;
        int beyond3 = 0;
        for (double v : z) {
            sum += v;
            sq += v * v;
            fourth += v * v * v * v;
            beyond2 += Math.abs(v) > 2 ? 1 : 0;
            beyond3 += Math.abs(v) > 3 ? 1 : 0;
        }
        double sigma = 1 / Math.sqrt(n); // of the sample mean
        assertEquals(0, sum / n, 4 * sigma, "mean");
        assertEquals(1, sq / n, 4 * Math.sqrt(2.0 / n), "variance");
        assertEquals(3, fourth / n, 0.05, "kurtosis");
        assertEquals(0.0455, (double) beyond2 / n, 0.002, "P(|z| > 2)");
        assertEquals(0.0027, (double) beyond3 / n, 0.0006, "P(|z| > 3)");
    }

    @Test
    void meanAndStdShiftAndScaleTheSameDraws() {
        double[] z = Tensor.randn(REF, DType.F64, Shape.of(64), 0, 1, 7).toDoubleArray();
        double[] w = Tensor.randn(REF, DType.F64, Shape.of(64), 2, 0.5, 7).toDoubleArray();
        for (int i = 0; i < z.length; i++) {
            assertEquals(2 + 0.5 * z[i], w[i], 1e-12);
        }
        assertArrayEquals(z, Tensor.randn(REF, DType.F64, Shape.of(64), 0, 1, 7).toDoubleArray());
        assertFalse(java.util.Arrays.equals(z, Tensor.randn(REF, DType.F64, Shape.of(64), 0, 1, 8).toDoubleArray()));
    }

    @Test
    void badArgumentsAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> new RandomNormalOp(Shape.of(2), 0, -1, 1, DType.F32, false));
        assertThrows(IllegalArgumentException.class, () -> new RandomNormalOp(Shape.of(2), 0, 1, 1, DType.I32, false));
    }
}

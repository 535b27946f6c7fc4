package striate.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * bfloat16 and float16 storage and casts on the reference backend: exact round trips of representable values,
 * rounding to nearest even at ties, float16's overflow to infinity and its subnormals, bfloat16 of NaN and
 * infinities, and the cast's gradient arriving in the input's type.
 */
class LowPrecisionTest {
    private static final Device REF = Device.reference();

    private static double[] through(DType type, double... values) {
        return Tensor.of(REF, DType.F64, values).to(type).to(DType.F64).toDoubleArray();
    }

    @Test
    void sizesAndKinds() {
        assertEquals(2, DType.BF16.bytes());
        assertEquals(2, DType.F16.bytes());
        assertEquals(DType.F32, DType.BF16.accumulator());
        assertEquals(DType.F32, DType.F16.accumulator());
        assertTrue(DType.BF16.isFloating() && DType.BF16.isLowPrecision());
        assertTrue(!DType.F32.isLowPrecision() && !DType.I32.isFloating());
    }

    @Test
    void representableValuesRoundTrip() {
        double[] v = {0, -0.0, 1, -2.5, 3.140625, 1.0 / 1024, -65504, 0.099609375};
        assertArrayEquals(v, through(DType.F16, v));
        double[] b = {0, 1, -2.5, 3.140625, 1e30 - 1e30 + 0x1.fep100, -0x1.02p-100};
        assertArrayEquals(b, through(DType.BF16, b));
        for (int bits = 0; bits < 0x10000; bits += 7) {
            float f = BFloat16.toFloat((short) bits);
            if (!Float.isNaN(f)) {
                assertEquals((short) bits, BFloat16.fromFloat(f), "bfloat16 bits " + Integer.toHexString(bits));
            }
        }
    }

    @Test
    void bfloat16RoundsToNearestEvenAtTies() {
        double ulp = 0x1p-7; // bfloat16's spacing in [1, 2)
        assertArrayEquals(new double[] {1, 1 + 2 * ulp, 1 + ulp, 1 + ulp, -1},
                through(DType.BF16, 1 + ulp / 2, 1 + 1.5 * ulp, 1 + 0.51 * ulp, 1 + 1.49 * ulp, -1 - ulp / 2),
                "a tie goes to the even neighbour; anything else to the nearer one");
    }

    @Test
    void float16RoundsToNearestEvenAtTies() {
        double ulp = 0x1p-10;
        assertArrayEquals(new double[] {1, 1 + 2 * ulp, 2048, 2052},
                through(DType.F16, 1 + ulp / 2, 1 + 1.5 * ulp, 2049, 2051));
    }

    @Test
    void float16OverflowsToInfinityAndKeepsSubnormals() {
        double[] got = through(DType.F16, 65504, 65519, 65520, 1e6, -1e6, 0x1p-24, 0x1p-25, 3 * 0x1p-25, 0x1p-14 / 3);
        assertEquals(65504, got[0]);
        assertEquals(65504, got[1], "below the midpoint to the next power: the largest finite half");
        assertEquals(Double.POSITIVE_INFINITY, got[2], "the midpoint ties to even: infinity");
        assertEquals(Double.POSITIVE_INFINITY, got[3]);
        assertEquals(Double.NEGATIVE_INFINITY, got[4]);
        assertEquals(0x1p-24, got[5], "the smallest subnormal");
        assertEquals(0, got[6], "half the smallest subnormal ties to even: zero");
        assertEquals(0x1p-23, got[7], "1.5 subnormals tie to 2");
        assertEquals(Math.rint(0x1p-14 / 3 / 0x1p-24) * 0x1p-24, got[8], 0, "a subnormal rounds on its grid");
    }

    @Test
    void bfloat16KeepsNanAndInfinities() {
        double[] got = through(DType.BF16, Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY,
                Float.MAX_VALUE);
        assertTrue(Double.isNaN(got[0]));
        assertEquals(Double.POSITIVE_INFINITY, got[1]);
        assertEquals(Double.NEGATIVE_INFINITY, got[2]);
        assertEquals(Double.POSITIVE_INFINITY, got[3], "float32's largest value is past bfloat16's: infinity");
        float lowPayload = Float.intBitsToFloat(0x7F800001); // a NaN whose payload is all in the dropped bits
        assertTrue(Float.isNaN(BFloat16.toFloat(BFloat16.fromFloat(lowPayload))));
        float negative = Float.intBitsToFloat(0xFFC00000);
        assertEquals((short) 0xFFC0, BFloat16.fromFloat(negative), "the sign of a NaN is kept");
    }

    @Test
    void castIsDifferentiableAndTheGradientComesBackInTheInputType() {
        Tensor x = Tensor.of(REF, DType.F32, new double[] {1.5, -2, 0.3}).requiresGrad(true);
        Tensor y = x.to(DType.BF16); // 0.3 rounds to 0.30078125
        assertEquals(DType.BF16, y.dtype());
        y.mul(y).sum().backward(); // d/dx Σ y² = 2y, through the cast
        assertEquals(DType.F32, x.grad().dtype());
        assertArrayEquals(new double[] {3, -4, 2 * 0.30078125}, x.grad().toDoubleArray(), 1e-7);
    }
}

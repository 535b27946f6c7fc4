package striate.tensor;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Doubles rounded once to bfloat16 and float16: against a rounding worked out here from the two neighbours in the
 * narrow format (exact in double), on values just beside the narrow format's ties, where rounding through float first
 * goes wrong; floats round exactly as the float conversions do.
 */
class NarrowingTest {
    /** The value of {@code v} rounded to nearest, ties to even, among the neighbours lo < v < hi (lo's last bit: loEven). */
    private static double nearest(double v, double lo, double hi, boolean loEven) {
        double below = v - lo;
        double above = hi - v;
        return below < above || below == above && loEven ? lo : hi;
    }

    @Test
    void theProbesCase() {
        assertEquals(-3.953125f, BFloat16.toFloat(Narrowing.toBFloat16(-3.9453125000000004)));
        assertEquals(-3.9375f, BFloat16.toFloat(BFloat16.fromFloat((float) -3.9453125000000004)), "twice: the old way");
        // the reference backend computes −3.859375·1.1 + 0.3 in double and stores it once-rounded
        Tensor x = Tensor.of(Device.reference(), DType.BF16, new double[] {-3.859375}, 1);
        assertEquals(-3.953125f, x.affine(1.1, 0.3).toFloatArray()[0]);
    }

    @Test
    void castsGoThroughFloatAsPyTorchsDo() { // PyTorch 1.13: −3.9375, 1.0, 16777216 and 65504 for these
        Tensor d = Tensor.of(Device.reference(), DType.F64, new double[] {-3.9453125000000004, 1 + 0x1p-11 + 0x1p-40}, 2);
        assertEquals(-3.9375f, d.to(DType.BF16).toFloatArray()[0]);
        assertEquals(1f, d.to(DType.F16).toFloatArray()[1]);
        assertEquals(16777216f, Tensor.ofInts(Device.reference(), new int[] {16842753}, 1).to(DType.BF16)
                .toFloatArray()[0]);
    }

    @Test
    void bfloat16BesideItsTies() {
        Random r = new Random(1);
        for (int k = 0; k < 100_000; k++) {
            int bits = r.nextInt() & 0x7F7F0000; // a finite bfloat16, positive
            if (bits == 0x7F7F0000) {
                continue; // the largest: its upper neighbour is infinity (below)
            }
            float lo = Float.intBitsToFloat(bits);
            float hi = Float.intBitsToFloat(bits + 0x10000);
            double tie = ((double) lo + hi) / 2;
            for (double v : new double[] {tie, Math.nextUp(tie), Math.nextDown(tie), -Math.nextUp(tie)}) {
                double a = Math.abs(v);
                double want = Math.copySign(nearest(a, lo, hi, (bits & 0x10000) == 0), v);
                assertEquals(want, BFloat16.toFloat(Narrowing.toBFloat16(v)), "bfloat16 of " + v);
            }
        }
        double largest = BFloat16.toFloat((short) 0x7F7F);
        double overflowTie = largest + Math.scalb(1.0, 127 - 8); // halfway to 2^128, the next bfloat16 step
        assertEquals(largest, BFloat16.toFloat(Narrowing.toBFloat16(Math.nextDown(overflowTie))), "below the tie");
        assertEquals(Float.POSITIVE_INFINITY, BFloat16.toFloat(Narrowing.toBFloat16(overflowTie)), "the tie to infinity");
    }

    @Test
    void float16BesideItsTiesIncludingSubnormalsAndTheLargest() {
        for (int bits = 0; bits < 0x7BFF; bits++) { // every positive finite float16 but the largest, and the next one up
            double lo = Float.float16ToFloat((short) bits);
            double hi = Float.float16ToFloat((short) (bits + 1));
            double tie = (lo + hi) / 2;
            for (double v : new double[] {tie, Math.nextUp(tie), Math.nextDown(tie), -Math.nextDown(tie)}) {
                double want = Math.copySign(nearest(Math.abs(v), lo, hi, (bits & 1) == 0), v);
                assertEquals(want, (double) Float.float16ToFloat(Narrowing.toFloat16(v)), "float16 of " + v);
            }
        }
        assertEquals(65504f, Float.float16ToFloat(Narrowing.toFloat16(65519.99999)), "below the overflow tie");
        assertEquals(Float.POSITIVE_INFINITY, Float.float16ToFloat(Narrowing.toFloat16(65520.0)), "the tie to infinity");
    }

    @Test
    void floatsAndSpecialValuesRoundAsTheFloatConversions() {
        Random r = new Random(2);
        for (int k = 0; k < 100_000; k++) {
            float f = Float.intBitsToFloat(r.nextInt());
            assertEquals(BFloat16.fromFloat(f), Narrowing.toBFloat16(f), "bfloat16 of " + f);
            assertEquals(Float.floatToFloat16(f), Narrowing.toFloat16(f), "float16 of " + f);
        }
        assertEquals(Float.POSITIVE_INFINITY, BFloat16.toFloat(Narrowing.toBFloat16(1e300)), "past float's range");
        assertEquals(0f, BFloat16.toFloat(Narrowing.toBFloat16(1e-300)));
        assertEquals(-0f, BFloat16.toFloat(Narrowing.toBFloat16(-1e-300)));
    }
}

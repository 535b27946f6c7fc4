package striate.tensor;

/**
 * A double rounded once to a 2-byte float (bfloat16, float16), to nearest with ties to even, as the reference kernels'
 * contract says for what they compute (in double, rounded once; a cast goes through float32 instead, as PyTorch's
 * casts and the CUDA kernels do). A plain {@code (float) v} first rounds twice: the float can
 * land on a tie of the narrow format that v was beside, and the tie then goes to even, away from v (bfloat16 of
 * −3.9453125000000004 is −3.953125; through the float −3.9453125 it was −3.9375).
 */
public final class Narrowing {
    private Narrowing() {
    }

    /** {@code v} rounded once to bfloat16, as bits ({@link BFloat16}). */
    public static short toBFloat16(double v) {
        return BFloat16.fromFloat(roundToOdd(v));
    }

    /** {@code v} rounded once to float16, as bits ({@link Float#float16ToFloat} reads them). */
    public static short toFloat16(double v) {
        return Float.floatToFloat16(roundToOdd(v));
    }

    /**
     * {@code v} as a float rounded to odd: toward zero, with the last bit set when that dropped anything. Rounding
     * this float to nearest in a format at least two bits narrower gives the same result as rounding v there directly.
     * Floats (and NaN, ±∞) come back unchanged; a finite v beyond float's range becomes the largest float, odd.
     */
    static float roundToOdd(double v) {
        float f = (float) v;
        if (Double.isNaN(v) || (double) f == v) {
            return f;
        }
        if (Math.abs((double) f) > Math.abs(v)) { // rounded away from zero: step back toward it
            f = f > 0 ? Math.nextDown(f) : Math.nextUp(f);
        }
        return Float.intBitsToFloat(Float.floatToRawIntBits(f) | 1);
    }
}

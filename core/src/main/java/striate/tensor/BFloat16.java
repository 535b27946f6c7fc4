package striate.tensor;

/**
 * bfloat16 values as the 16 high bits of a float32: widening appends 16 zero bits (exact); narrowing rounds the
 * float's bits to nearest, ties to even, so values past bfloat16's largest finite value round to infinity as
 * float32's do. A NaN stays a NaN (quiet, sign kept) even when its payload lies only in the dropped bits. Half
 * precision (F16) needs no class of its own: Java's {@link Float#floatToFloat16} and {@link Float#float16ToFloat}.
 */
public final class BFloat16 {
    private BFloat16() {
    }

    /** The float32 value of bfloat16 bits {@code b}. */
    public static float toFloat(short b) {
        return Float.intBitsToFloat((b & 0xFFFF) << 16);
    }

    /** {@code f} rounded to the nearest bfloat16 (ties to even), as bits. */
    public static short fromFloat(float f) {
        int bits = Float.floatToRawIntBits(f);
        if (Float.isNaN(f)) {
            return (short) ((bits >>> 16) | 0x0040); // the quiet bit keeps it a NaN when the payload was below it
        }
        int lsb = (bits >>> 16) & 1;
        return (short) ((bits + 0x7FFF + lsb) >>> 16);
    }
}

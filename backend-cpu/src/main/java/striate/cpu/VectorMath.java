package striate.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;

/**
 * exp, log, tanh and the sigmoid on float vectors, lane by lane, built only from operations IEEE 754 defines
 * exactly (+, −, ×, ÷, fma, min/max, compares and blends, integer shifts and bit reinterpretation). The JDK's
 * {@code lanewise(EXP)} and friends are not: compiled by C2 they run a vector math stub, interpreted or compiled by
 * C1 they run Math per lane, and the two differ in the last bit, so a result would depend on how warm the code
 * was. These give the same bits in the interpreter, C1 and C2, for any vector shape.
 *
 * <p>Accuracy against the exact value (VectorMathTest sweeps each function's range; the figures are in
 * benchmarks/RESULTS.md): within 2 ulps everywhere, subnormal results included. Special values as Math gives them:
 * exp overflows to +∞ and underflows to 0, log is −∞ at ±0 and NaN below 0, tanh and the sigmoid saturate to ±1 and
 * 0 or 1 at the tails, and NaN stays NaN.
 */
final class VectorMath {
    /** exp(x) is +∞ in float from 88.72284 up and 0 from −103.97208 down: clamping to these keeps k in range. */
    private static final float EXP_HIGH = 89f;
    private static final float EXP_LOW = -104f;
    private static final float LOG2E = 0x1.715476p0f;
    /** ln 2 in two parts for the reduction: k·LN2_HI is exact for |k| < 2^8, LN2_LO is ln 2 − LN2_HI. */
    private static final float LN2_HI = 0x1.63p-1f;
    private static final float LN2_LO = (float) (0.6931471805599453 - 0x1.63p-1);
    /** 1.5·2^23: adding it rounds a float of magnitude below 2^22 to an integer, which its low bits then hold. */
    private static final float SHIFTER = 0x1.8p23f;
    private static final int SHIFTER_BITS = Float.floatToRawIntBits(SHIFTER);
    /** ln 2 as a float and what it leaves out, for log's e·ln 2 (fused, so the product needs no spare bits). */
    private static final float LN2 = 0x1.62e430p-1f;
    private static final float LN2_REST = (float) (0.6931471805599453 - 0x1.62e430p-1);
    private static final float SQRT2 = 0x1.6a09e6p0f;
    /** Below this |x| tanh uses its odd polynomial; from it on (tanh ≥ 0.5) the exp form. */
    private static final float TANH_SMALL = 0.55f;
    /** tanh is 1 in float from 9.01 up: clamping keeps e^2|x| finite. */
    private static final float TANH_HIGH = 9.5f;

    private VectorMath() {
    }

    /**
     * e^x: x = k·ln 2 + r with k the nearest integer to x / ln 2 and |r| ≤ ln 2 / 2 (Cody and Waite's reduction),
     * e^r by its Taylor polynomial to r^7 (the first term left out is below 2^-27 of e^r), then × 2^k as two powers of
     * two built from exponent bits, so a subnormal result is rounded once, by the last multiply.
     */
    static FloatVector exp(FloatVector x) {
        FloatVector v = x.max(EXP_LOW).min(EXP_HIGH); // NaN stays NaN
        FloatVector shifted = v.fma(LOG2E, SHIFTER); // SHIFTER + k
        FloatVector k = shifted.sub(SHIFTER);
        FloatVector r = k.fma(k.broadcast(-LN2_HI), v); // exact
        r = k.fma(k.broadcast(-LN2_LO), r);
        FloatVector p = fma(fma(fma(fma(r.fma(1f / 5040, 1f / 720), r, 1f / 120), r, 1f / 24), r, 1f / 6), r, 0.5f);
        FloatVector one = r.add(1f); // 1 + r, and below what its rounding left out (exact: 1 ≥ |r|)
        FloatVector lost = r.sub(one.sub(1f));
        p = one.add(r.mul(r).fma(p, lost)); // 1 + r + r²·(1/2 + r/6 + … + r^5/5040), rounded once but for r²·(…)
        IntVector ki = shifted.reinterpretAsInts().sub(SHIFTER_BITS); // k in [−150, 129]
        IntVector half = ki.lanewise(VectorOperators.ASHR, 1);
        return p.mul(powerOfTwo(half)).mul(powerOfTwo(ki.sub(half)));
    }

    /** a·b + c, rounded once. */
    private static FloatVector fma(FloatVector a, FloatVector b, float c) {
        return a.fma(b, a.broadcast(c));
    }

    /** 2^k for k in [−126, 127], from its exponent bits. */
    private static FloatVector powerOfTwo(IntVector k) {
        return k.add(127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
    }

    /**
     * ln x: x = m·2^e with m in [√½, √2) (a subnormal x scaled by 2^23 first), f = m − 1 (exact), s = f / (2 + f),
     * ln m = 2·atanh s = f − s·(f − R) with R = 2s²/3 + 2s⁴/5 + 2s⁶/7 + 2s⁸/9 (|s| ≤ 0.172: the first term left out is
     * below 2^-29 of ln m), then e·ln 2 added in two parts.
     */
    static FloatVector log(FloatVector x) {
        VectorMask<Float> subnormal = x.compare(VectorOperators.LT, Float.MIN_NORMAL);
        FloatVector scaled = x.blend(x.mul(0x1p23f), subnormal);
        IntVector bits = scaled.reinterpretAsInts();
        FloatVector e = ((FloatVector) bits.lanewise(VectorOperators.LSHR, 23).sub(127)
                .convert(VectorOperators.I2F, 0)).sub(23f, subnormal);
        FloatVector m = bits.and(0x7fffff).or(0x3f800000).reinterpretAsFloats(); // [1, 2)
        VectorMask<Float> high = m.compare(VectorOperators.GE, SQRT2);
        m = m.blend(m.mul(0.5f), high);
        e = e.add(1f, high);
        FloatVector f = m.sub(1f);
        FloatVector s = f.div(f.add(2f));
        FloatVector z = s.mul(s);
        FloatVector rest = fma(fma(z.fma(2f / 9, 2f / 7), z, 2f / 5), z, 2f / 3).mul(z); // R
        FloatVector lnM = s.neg().fma(f.sub(rest), f);
        FloatVector y = e.fma(e.broadcast(LN2), e.fma(e.broadcast(LN2_REST), lnM));
        y = y.blend(Float.POSITIVE_INFINITY, x.compare(VectorOperators.EQ, Float.POSITIVE_INFINITY));
        y = y.blend(Float.NEGATIVE_INFINITY, x.compare(VectorOperators.EQ, 0f)); // ±0
        return y.blend(Float.NaN, x.compare(VectorOperators.GE, 0f).not()); // x < 0 and NaN
    }

    /**
     * tanh x from |x|, its sign put back: below 0.55, |x| + |x|³·P(x²) with P a degree-4 fit (Lawson's minimax, for
     * the relative error of tanh on [0, 0.55], coefficients rounded to float; the fit's own error is below 2^-29),
     * so small |x| keeps its relative accuracy and tiny ones come back unchanged; from 0.55 on, 1 − 2 / (e^2|x| + 1).
     */
    static FloatVector tanh(FloatVector x) {
        FloatVector a = x.abs();
        FloatVector a2 = a.mul(a);
        FloatVector p = fma(fma(fma(a2.fma(-0x1.9b303ep-8f, 0x1.593d06p-6f), a2, -0x1.b9287ap-5f), a2,
                0x1.110d26p-3f), a2, -0x1.55554ap-2f);
        FloatVector small = a2.mul(a).fma(p, a);
        FloatVector e = exp(a.min(TANH_HIGH).mul(2f));
        FloatVector large = e.broadcast(2f).div(e.add(1f)).neg().add(1f);
        FloatVector t = large.blend(small, a.compare(VectorOperators.LT, TANH_SMALL));
        IntVector sign = x.reinterpretAsInts().and(0x80000000);
        return t.reinterpretAsInts().or(sign).reinterpretAsFloats();
    }

    /**
     * σ(x) = 1 / (1 + e^−x) for x ≥ 0 and e^x / (1 + e^x) below, from one e^−|x|, so the negative tail keeps its
     * relative accuracy down to the subnormals (1 / (1 + e^−x) is 1 / ∞ = 0 there). The quotient is corrected for
     * the rounding of 1 + e and its own (an exact remainder), which leaves the error of e^−|x| and one rounding.
     */
    static FloatVector sigmoid(FloatVector x) {
        FloatVector e = exp(x.abs().neg()); // (0, 1]
        VectorMask<Float> negative = x.compare(VectorOperators.LT, 0f);
        FloatVector n = e.broadcast(1f).blend(e, negative);
        FloatVector d = e.add(1f);
        FloatVector lost = e.sub(d.sub(1f)); // 1 + e = d + lost, exactly
        FloatVector q = n.div(d);
        FloatVector remainder = q.neg().fma(d, n); // n − q·d, exactly
        // n / (d + lost) = q + (remainder − q·lost) / (d + lost), and 1 / (1 + e) is σ above 0, 1 − σ below
        FloatVector reciprocal = q.blend(q.neg().add(1f), negative);
        return q.add(q.neg().fma(lost, remainder).mul(reciprocal));
    }
}

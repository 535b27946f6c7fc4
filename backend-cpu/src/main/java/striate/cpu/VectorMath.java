package striate.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * exp, log, tanh, the sigmoid and erf on vectors of {@link FloatVector#SPECIES_PREFERRED} (the CPU kernels' species),
 * lane by lane, built only from operations IEEE 754 defines exactly (+, −, ×, ÷, fma, min/max, compares and
 * blends, integer shifts and bit reinterpretation). The JDK's {@code lanewise(EXP)} and friends are not: compiled by
 * C2 they run a vector math stub, interpreted or compiled by C1 they run Math per lane, and the two differ in the
 * last bit, so a result would depend on how warm the code was. These give the same bits in the interpreter, C1 and
 * C2.
 *
 * <p>Accuracy against the exact value, over every float of each function's range (benchmarks/RESULTS.md; the tests
 * sweep samples of it): within 2 ulps, subnormal results included. Special values as Math gives them: exp
 * overflows to +∞ and underflows to 0, log is −∞ at ±0 and NaN below 0, tanh and the sigmoid saturate to ±1 and to
 * 0 or 1, and NaN stays NaN.
 *
 * <p>tanh, the sigmoid and erf come in two steps, {@link #tanhExp} then {@link #tanh}, {@link #sigmoidExp} then
 * {@link #sigmoid}, {@link #erfExp} then {@link #erf}, for two loops with the exponentials stored between them: C2 inlines about one exp's worth of
 * Vector API calls into a method and stops there, and a call it does not inline passes its vectors boxed, an
 * allocation each. For the same reason the constants are vectors here rather than floats broadcast at each use.
 */
final class VectorMath {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Integer> I = VectorSpecies.of(int.class, S.vectorShape());
    private static final FloatVector ONE = vector(1f);
    private static final FloatVector TWO = vector(2f);
    /** exp(x) is +∞ in float from 88.72284 up and 0 from −103.97208 down: clamping to these keeps k in range. */
    private static final FloatVector EXP_LOW = vector(-104f);
    private static final FloatVector EXP_HIGH = vector(89f);
    private static final FloatVector LOG2E = vector(0x1.715476p0f);
    /** 1.5·2^23: adding it rounds a float of magnitude below 2^22 to an integer, which its low bits then hold. */
    private static final FloatVector SHIFTER = vector(0x1.8p23f);
    /** The shifter's bits less twice the exponent bias: from (shifter + k)'s bits they leave k + 254. */
    private static final IntVector SHIFTER_BITS = IntVector.broadcast(I, Float.floatToRawIntBits(0x1.8p23f) - 254);
    /** −ln 2 in two parts for the reduction: k·LN2_HI is exact for |k| < 2^8, LN2_LO is ln 2 − LN2_HI. */
    private static final FloatVector MINUS_LN2_HI = vector(-0x1.63p-1f);
    private static final FloatVector MINUS_LN2_LO = vector((float) -(0.6931471805599453 - 0x1.63p-1));
    /** e^r's Taylor coefficients 1/n! (fields rather than an array: C2 takes a static final field as a constant). */
    private static final FloatVector EXP_C2 = vector(1f / 2);
    private static final FloatVector EXP_C3 = vector(1f / 6);
    private static final FloatVector EXP_C4 = vector(1f / 24);
    private static final FloatVector EXP_C5 = vector(1f / 120);
    private static final FloatVector EXP_C6 = vector(1f / 720);
    private static final FloatVector EXP_C7 = vector(1f / 5040);
    private static final FloatVector MIN_NORMAL = vector(Float.MIN_NORMAL);
    private static final FloatVector TWO_TO_23 = vector(0x1p23f);
    private static final FloatVector TWENTY_THREE = vector(23f);
    /** Added to a float's bits, carries into the exponent from a significand of √2 up (√2's bits are 0x3fb504f3). */
    private static final IntVector SQRT2_CARRY = IntVector.broadcast(I, 0x3f800000 - 0x3f3504f3);
    private static final IntVector SQRT_HALF_BITS = IntVector.broadcast(I, 0x3f3504f3);
    private static final IntVector SIGNIFICAND = IntVector.broadcast(I, 0x7fffff);
    private static final IntVector BIAS = IntVector.broadcast(I, 127);
    /** 2·atanh s = 2s + s·(2s²/3 + 2s⁴/5 + 2s⁶/7 + 2s⁸/9 + …): the coefficients 2/(2n + 1). */
    private static final FloatVector ATANH_C1 = vector(2f / 3);
    private static final FloatVector ATANH_C2 = vector(2f / 5);
    private static final FloatVector ATANH_C3 = vector(2f / 7);
    private static final FloatVector ATANH_C4 = vector(2f / 9);
    /** ln 2 as a float and what it leaves out, for log's e·ln 2 (fused, so the product needs no spare bits). */
    private static final FloatVector LN2 = vector(0x1.62e430p-1f);
    private static final FloatVector LN2_REST = vector((float) (0.6931471805599453 - 0x1.62e430p-1));
    private static final FloatVector INFINITY = vector(Float.POSITIVE_INFINITY);
    private static final FloatVector MINUS_INFINITY = vector(Float.NEGATIVE_INFINITY);
    private static final FloatVector NAN = vector(Float.NaN);
    private static final FloatVector ZERO = vector(0f);
    /** Below this |x| tanh uses its odd polynomial; from it on (tanh ≥ 0.5) the exp form. */
    private static final FloatVector TANH_SMALL = vector(0.55f);
    /** tanh is 1 in float from 9.01 up: clamping keeps e^2|x| finite. */
    private static final FloatVector TANH_HIGH = vector(9.5f);
    /**
     * (tanh x − x) / x³ ≈ P0 + P1·x² + … + P4·x⁸ on [0, 0.55]: a fit for the relative error of tanh (Lawson's
     * minimax, coefficients rounded to float), its own error below 2^-29.
     */
    private static final FloatVector TANH_P0 = vector(-0x1.55554ap-2f);
    private static final FloatVector TANH_P1 = vector(0x1.110d26p-3f);
    private static final FloatVector TANH_P2 = vector(-0x1.b9287ap-5f);
    private static final FloatVector TANH_P3 = vector(0x1.593d06p-6f);
    private static final FloatVector TANH_P4 = vector(-0x1.9b303ep-8f);

    private VectorMath() {
    }

    // erf below 1: x·(2/√π + t·P(t)), t = x², P of degree 5 fitted to (erf(x)/x − 2/√π)/t, 2/√π in two parts
    private static final FloatVector ERF_SMALL = vector(1f);
    private static final FloatVector ERF_TWO_OVER_SQRT_PI_HI = vector(0x1.20dd76p+0f);
    private static final FloatVector ERF_TWO_OVER_SQRT_PI_LO = vector(-0x1.f7ac92p-25f);
    private static final FloatVector ERF_A0 = vector(0x1.5fc31cp-14f);
    private static final FloatVector ERF_A1 = vector(-0x1.ac0392p-11f);
    private static final FloatVector ERF_A2 = vector(0x1.5518e4p-8f);
    private static final FloatVector ERF_A3 = vector(-0x1.b81a5ep-6f);
    private static final FloatVector ERF_A4 = vector(0x1.ce2ebep-4f);
    private static final FloatVector ERF_A5 = vector(-0x1.812746p-2f);
    // erf from 1 to 4: 1 − e^(−x²)·R(1/x), R of degree 8 fitted to erfc(x)·e^(x²); 1 from 4 on (erfc(4) < half an ulp)
    private static final FloatVector ERF_ONE_FROM = vector(4f);
    private static final FloatVector ERF_B0 = vector(-0x1.22a4a4p-7f);
    private static final FloatVector ERF_B1 = vector(0x1.a4657cp-6f);
    private static final FloatVector ERF_B2 = vector(0x1.ea22d8p-6f);
    private static final FloatVector ERF_B3 = vector(-0x1.fe6306p-3f);
    private static final FloatVector ERF_B4 = vector(0x1.012092p-1f);
    private static final FloatVector ERF_B5 = vector(-0x1.e55422p-2f);
    private static final FloatVector ERF_B6 = vector(0x1.5d0cb0p-5f);
    private static final FloatVector ERF_B7 = vector(0x1.1e2ff8p-1f);
    private static final FloatVector ERF_B8 = vector(0x1.204dfap-12f);

    private static FloatVector vector(float v) {
        return FloatVector.broadcast(S, v);
    }

    /**
     * e^x: x = k·ln 2 + r with k the nearest integer to x / ln 2 and |r| ≤ ln 2 / 2 (Cody and Waite's reduction),
     * e^r by its Taylor polynomial to r^7 (the first term left out is below 2^-27 of e^r) with 1 + r added exactly,
     * then × 2^k as two powers of two built from exponent bits, so a subnormal result is rounded once, by the last
     * multiply.
     */
    static FloatVector exp(FloatVector x) {
        FloatVector v = x.max(EXP_LOW).min(EXP_HIGH); // NaN stays NaN
        FloatVector shifted = v.fma(LOG2E, SHIFTER); // SHIFTER + k
        FloatVector k = shifted.sub(SHIFTER);
        FloatVector r = k.fma(MINUS_LN2_HI, v); // exact
        r = k.fma(MINUS_LN2_LO, r);
        FloatVector p = r.fma(EXP_C7, EXP_C6).fma(r, EXP_C5).fma(r, EXP_C4).fma(r, EXP_C3).fma(r, EXP_C2);
        FloatVector onePlusR = r.add(ONE);
        FloatVector lost = r.sub(onePlusR.sub(ONE)); // what the rounding of 1 + r left out (exact: 1 ≥ |r|)
        p = onePlusR.add(r.mul(r).fma(p, lost)); // 1 + r + r²·(1/2 + r/6 + … + r^5/5040)
        IntVector twice = shifted.reinterpretAsInts().sub(SHIFTER_BITS); // k + 254, split into two biased exponents
        IntVector half = twice.lanewise(VectorOperators.LSHR, 1);
        FloatVector scale = half.lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
        FloatVector rest = twice.sub(half).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
        return p.mul(scale).mul(rest);
    }

    /**
     * ln x: x = m·2^e with m in [√½, √2) (a subnormal x scaled by 2^23 first), f = m − 1 (exact), s = f / (2 + f),
     * ln m = 2·atanh s = f − s·(f − R) with R = 2s²/3 + 2s⁴/5 + 2s⁶/7 + 2s⁸/9 (|s| ≤ 0.172: the first term left out is
     * below 2^-29 of ln m), then e·ln 2 added in two parts.
     */
    static FloatVector log(FloatVector x) {
        VectorMask<Float> subnormal = x.compare(VectorOperators.LT, MIN_NORMAL);
        IntVector bits = x.blend(x.mul(TWO_TO_23), subnormal).reinterpretAsInts().add(SQRT2_CARRY);
        FloatVector e = ((FloatVector) bits.lanewise(VectorOperators.LSHR, 23).sub(BIAS)
                .convert(VectorOperators.I2F, 0)).sub(TWENTY_THREE, subnormal);
        FloatVector f = bits.and(SIGNIFICAND).add(SQRT_HALF_BITS).reinterpretAsFloats().sub(ONE);
        FloatVector s = f.div(f.add(TWO));
        FloatVector z = s.mul(s);
        FloatVector rest = z.fma(ATANH_C4, ATANH_C3).fma(z, ATANH_C2).fma(z, ATANH_C1).mul(z); // R
        FloatVector lnM = s.neg().fma(f.sub(rest), f);
        FloatVector y = e.fma(LN2, e.fma(LN2_REST, lnM));
        y = y.blend(x, x.compare(VectorOperators.LT, INFINITY).not()); // +∞ and NaN
        y = y.blend(MINUS_INFINITY, x.compare(VectorOperators.EQ, ZERO)); // ±0
        return y.blend(NAN, x.compare(VectorOperators.LT, ZERO));
    }

    /** tanh's first step: e^2|x|, |x| clamped to 9.5. */
    static FloatVector tanhExp(FloatVector x) {
        return exp(x.abs().min(TANH_HIGH).mul(TWO));
    }

    /**
     * tanh x from x and e = {@link #tanhExp}(x), its sign put back from x: below 0.55, |x| + |x|³·P(x²) (so small
     * |x| keep their relative accuracy and tiny ones come back unchanged); from 0.55 on, 1 − 2 / (e + 1).
     */
    static FloatVector tanh(FloatVector x, FloatVector e) {
        FloatVector a = x.abs();
        FloatVector a2 = a.mul(a);
        FloatVector p = a2.fma(TANH_P4, TANH_P3).fma(a2, TANH_P2).fma(a2, TANH_P1).fma(a2, TANH_P0);
        FloatVector small = a2.mul(a).fma(p, a);
        FloatVector large = ONE.sub(TWO.div(e.add(ONE)));
        FloatVector t = large.blend(small, a.compare(VectorOperators.LT, TANH_SMALL));
        return t.lanewise(VectorOperators.NEG, x.test(VectorOperators.IS_NEGATIVE));
    }

    /** erf's first step: e^(−x²) (its tail's factor). */
    static FloatVector erfExp(FloatVector x) {
        return exp(x.mul(x).neg());
    }

    /**
     * erf(x) from x and e = {@link #erfExp}(x): below |x| = 1, x·(2/√π + x²·P(x²)), the leading term in two parts so
     * that the small values keep their relative accuracy; up to 4, 1 − e·R(1/|x|); then 1; odd, NaN stays NaN. Within
     * 1 ulp of the exact value in a float emulation of these steps over [0, 4.5] (2.2 million points), plus exp's
     * error in the tail, where it is scaled down by erfc.
     */
    static FloatVector erf(FloatVector x, FloatVector e) {
        FloatVector a = x.abs();
        FloatVector t = a.mul(a);
        FloatVector r = t.fma(ERF_A0, ERF_A1).fma(t, ERF_A2).fma(t, ERF_A3).fma(t, ERF_A4).fma(t, ERF_A5).mul(t);
        FloatVector small = a.fma(ERF_TWO_OVER_SQRT_PI_HI, a.mul(r.add(ERF_TWO_OVER_SQRT_PI_LO)));
        FloatVector u = ONE.div(a);
        FloatVector q = u.fma(ERF_B0, ERF_B1).fma(u, ERF_B2).fma(u, ERF_B3).fma(u, ERF_B4).fma(u, ERF_B5)
                .fma(u, ERF_B6).fma(u, ERF_B7).fma(u, ERF_B8);
        FloatVector large = ONE.sub(e.mul(q));
        FloatVector y = large.blend(small, a.compare(VectorOperators.LT, ERF_SMALL))
                .blend(ONE, a.compare(VectorOperators.GE, ERF_ONE_FROM));
        return y.lanewise(VectorOperators.NEG, x.test(VectorOperators.IS_NEGATIVE));
    }

    /** The sigmoid's first step: e^−|x|. */
    static FloatVector sigmoidExp(FloatVector x) {
        return exp(x.abs().neg());
    }

    /**
     * σ(x) from x and e = {@link #sigmoidExp}(x): 1 / (1 + e) for x ≥ 0 and e / (1 + e) below, so the negative tail
     * keeps its relative accuracy down to the subnormals (1 / (1 + e^−x) is 1 / ∞ = 0 there). The quotient is
     * corrected for the rounding of 1 + e and its own (an exact remainder), which leaves the error of e and one
     * rounding.
     */
    static FloatVector sigmoid(FloatVector x, FloatVector e) {
        VectorMask<Float> negative = x.compare(VectorOperators.LT, ZERO);
        FloatVector n = ONE.blend(e, negative);
        FloatVector d = e.add(ONE);
        FloatVector lost = e.sub(d.sub(ONE)); // 1 + e = d + lost, exactly
        FloatVector q = n.div(d);
        FloatVector remainder = q.neg().fma(d, n); // n − q·d, exactly
        // n / (d + lost) = q + (remainder − q·lost) / (d + lost), and 1 / (1 + e) is σ above 0, 1 − σ below
        FloatVector reciprocal = q.blend(ONE.sub(q), negative);
        return q.add(q.neg().fma(lost, remainder).mul(reciprocal));
    }
}

package striate.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.function.DoubleUnaryOperator;
import java.util.function.UnaryOperator;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;
import org.junit.jupiter.api.Test;

/**
 * {@link VectorMath} against the exact values (StrictMath in double, whose own error is far below a float ulp): the
 * largest error in float ulps over each function's range, swept densely through every binade (evenly spaced float
 * bit patterns) and evenly in value, and the special values bit for bit.
 */
class VectorMathTest {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    /** Samples per sweep: evenly spaced bit patterns from 0 to the bound, each also negated where it applies. */
    private static final int SAMPLES = 1 << 20;

    /** fn on every element of xs, in vectors (the last one padded with zeros). */
    private static float[] apply(UnaryOperator<FloatVector> fn, float[] xs) {
        float[] padded = Arrays.copyOf(xs, S.loopBound(xs.length + S.length() - 1));
        float[] ys = new float[padded.length];
        for (int i = 0; i < padded.length; i += S.length()) {
            fn.apply(FloatVector.fromArray(S, padded, i)).intoArray(ys, i);
        }
        return Arrays.copyOf(ys, xs.length);
    }

    /** |got − want| in ulps of want rounded to float (the smallest subnormal's below it; ±∞ counts as ±2^128). */
    private static double ulps(float got, double want) {
        if (Double.isNaN(want) || Float.isNaN(got)) {
            return Double.isNaN(want) && Float.isNaN(got) ? 0 : Double.POSITIVE_INFINITY;
        }
        if (Float.isInfinite(got) && got == (float) want) {
            return 0;
        }
        float rounded = (float) want;
        double ulp = Math.ulp(Float.isInfinite(rounded) ? Float.MAX_VALUE : Math.abs(rounded));
        double g = Float.isInfinite(got) ? Math.copySign(0x1p128, got) : got;
        return Math.abs(g - want) / ulp;
    }

    /** Magnitudes from 0 to max: SAMPLES evenly spaced bit patterns, so every binade is sampled alike. */
    private static float[] binades(float max, boolean bothSigns) {
        int top = Float.floatToIntBits(max);
        float[] xs = new float[bothSigns ? 2 * SAMPLES : SAMPLES];
        for (int i = 0; i < SAMPLES; i++) {
            xs[i] = Float.intBitsToFloat((int) ((long) top * i / (SAMPLES - 1)));
            if (bothSigns) {
                xs[SAMPLES + i] = -xs[i];
            }
        }
        return xs;
    }

    /** SAMPLES floats evenly spaced in [lo, hi]. */
    private static float[] even(float lo, float hi) {
        float[] xs = new float[SAMPLES];
        for (int i = 0; i < SAMPLES; i++) {
            xs[i] = (float) (lo + (hi - (double) lo) * i / (SAMPLES - 1));
        }
        return xs;
    }

    /** Asserts fn is within bound ulps over xs; prints the largest error and where, for benchmarks/RESULTS.md. */
    private static void assertMaxUlps(double bound, String name, UnaryOperator<FloatVector> fn,
                                      DoubleUnaryOperator exact, float[] xs) {
        float[] ys = apply(fn, xs);
        double worst = 0;
        float at = Float.NaN;
        for (int i = 0; i < xs.length; i++) {
            double e = ulps(ys[i], exact.applyAsDouble(xs[i]));
            if (e > worst) {
                worst = e;
                at = xs[i];
            }
        }
        System.out.printf("%s: at most %.3f ulps (at %s)%n", name, worst, at);
        assertTrue(worst <= bound, name + ": " + worst + " ulps at " + at + ", more than " + bound);
    }

    /** tanh in VectorMath's two steps. */
    private static FloatVector tanh(FloatVector x) {
        return VectorMath.tanh(x, VectorMath.tanhExp(x));
    }

    private static FloatVector sigmoid(FloatVector x) {
        return VectorMath.sigmoid(x, VectorMath.sigmoidExp(x));
    }

    private static double sigmoid(double x) {
        return x >= 0 ? 1 / (1 + StrictMath.exp(-x)) : StrictMath.exp(x) / (1 + StrictMath.exp(x));
    }

    @Test
    void expIsWithinTwoUlpsFromUnderflowToOverflow() {
        assertMaxUlps(2, "exp, x in [−104, 0]", VectorMath::exp, StrictMath::exp, negate(binades(104f, false)));
        assertMaxUlps(2, "exp, x in [0, 89]", VectorMath::exp, StrictMath::exp, binades(89f, false));
        assertMaxUlps(2, "exp, x evenly in [−104, 89]", VectorMath::exp, StrictMath::exp, even(-104f, 89f));
        assertMaxUlps(2, "exp, subnormal results", VectorMath::exp, StrictMath::exp, even(-104f, -87f));
    }

    @Test
    void logIsWithinTwoUlpsOverEveryPositiveFloat() {
        assertMaxUlps(2, "log, x in (0, max]", VectorMath::log, StrictMath::log, binades(Float.MAX_VALUE, false));
        assertMaxUlps(2, "log, x evenly in [0.5, 2]", VectorMath::log, StrictMath::log, even(0.5f, 2f));
    }

    @Test
    void tanhIsWithinTwoUlpsDownToTheSubnormals() {
        assertMaxUlps(2, "tanh, x in [−20, 20]", VectorMathTest::tanh, StrictMath::tanh, binades(20f, true));
        assertMaxUlps(2, "tanh, x evenly in [−20, 20]", VectorMathTest::tanh, StrictMath::tanh, even(-20f, 20f));
    }

    @Test
    void sigmoidIsWithinTwoUlpsOnBothTails() {
        assertMaxUlps(2, "sigmoid, x in [−110, 110]", VectorMathTest::sigmoid, VectorMathTest::sigmoid,
                binades(110f, true));
        assertMaxUlps(2, "sigmoid, x evenly in [−110, 30]", VectorMathTest::sigmoid, VectorMathTest::sigmoid,
                even(-110f, 30f));
    }

    private static FloatVector erf(FloatVector x) {
        return VectorMath.erf(x, VectorMath.erfExp(x));
    }

    @Test
    void erfIsWithinTwoUlpsOverItsRangeWithItsSpecialValues() {
        assertMaxUlps(2, "erf, x in [−5, 5]", VectorMathTest::erf, striate.op.UnaryFn.ERF::apply, binades(5f, true));
        assertMaxUlps(2, "erf, x evenly in [−5, 5]", VectorMathTest::erf, striate.op.UnaryFn.ERF::apply,
                even(-5f, 5f));
        assertSame(-0f, one(VectorMathTest::erf, -0f), "erf(−0)");
        assertSame(1f, one(VectorMathTest::erf, Float.POSITIVE_INFINITY), "erf(∞)");
        assertSame(-1f, one(VectorMathTest::erf, Float.NEGATIVE_INFINITY), "erf(−∞)");
        assertTrue(Float.isNaN(one(VectorMathTest::erf, Float.NaN)), "erf(NaN)");
    }

    private static float[] negate(float[] xs) {
        for (int i = 0; i < xs.length; i++) {
            xs[i] = -xs[i];
        }
        return xs;
    }

    private static float one(UnaryOperator<FloatVector> fn, float x) {
        return fn.apply(FloatVector.broadcast(S, x)).lane(0);
    }

    /** Bit for bit, so the signs of zeros count. */
    private static void assertSame(float want, float got, String what) {
        assertEquals(Float.floatToIntBits(want), Float.floatToIntBits(got), what + ": want " + want + ", got " + got);
    }

    @Test
    void specialValuesAreMathsOwn() {
        float inf = Float.POSITIVE_INFINITY;
        float tiny = Float.MIN_VALUE;
        assertSame(1f, one(VectorMath::exp, 0f), "exp 0");
        assertSame(1f, one(VectorMath::exp, -0f), "exp −0");
        assertSame(inf, one(VectorMath::exp, inf), "exp ∞");
        assertSame(0f, one(VectorMath::exp, -inf), "exp −∞");
        assertSame(inf, one(VectorMath::exp, 88.72284f), "exp overflow");
        assertTrue(Float.isFinite(one(VectorMath::exp, 88.72283f)), "exp's largest finite result");
        assertSame(0f, one(VectorMath::exp, -104f), "exp underflow");
        assertSame(0f, one(VectorMath::exp, -1e30f), "exp far below underflow");
        assertSame(Float.NaN, one(VectorMath::exp, Float.NaN), "exp NaN");

        assertSame(0f, one(VectorMath::log, 1f), "log 1");
        assertSame(-inf, one(VectorMath::log, 0f), "log 0");
        assertSame(-inf, one(VectorMath::log, -0f), "log −0");
        assertSame(Float.NaN, one(VectorMath::log, -1f), "log −1");
        assertSame(Float.NaN, one(VectorMath::log, -inf), "log −∞");
        assertSame(inf, one(VectorMath::log, inf), "log ∞");
        assertSame(Float.NaN, one(VectorMath::log, Float.NaN), "log NaN");
        assertTrue(ulps(one(VectorMath::log, tiny), StrictMath.log(tiny)) <= 1, "log of the smallest subnormal");

        assertSame(0f, one(VectorMathTest::tanh, 0f), "tanh 0");
        assertSame(-0f, one(VectorMathTest::tanh, -0f), "tanh −0");
        assertSame(-tiny, one(VectorMathTest::tanh, -tiny), "tanh of a subnormal");
        assertSame(1e-20f, one(VectorMathTest::tanh, 1e-20f), "tanh of a tiny x");
        assertSame(1f, one(VectorMathTest::tanh, inf), "tanh ∞");
        assertSame(-1f, one(VectorMathTest::tanh, -inf), "tanh −∞");
        assertSame(-1f, one(VectorMathTest::tanh, -10f), "tanh −10");
        assertSame(Float.NaN, one(VectorMathTest::tanh, Float.NaN), "tanh NaN");

        assertSame(0.5f, one(VectorMathTest::sigmoid, 0f), "sigmoid 0");
        assertSame(0.5f, one(VectorMathTest::sigmoid, -0f), "sigmoid −0");
        assertSame(1f, one(VectorMathTest::sigmoid, inf), "sigmoid ∞");
        assertSame(1f, one(VectorMathTest::sigmoid, 20f), "sigmoid 20");
        assertSame(0f, one(VectorMathTest::sigmoid, -inf), "sigmoid −∞");
        assertTrue(ulps(one(VectorMathTest::sigmoid, -95f), sigmoid(-95)) <= 1, "sigmoid of −95, a subnormal");
        assertSame(Float.NaN, one(VectorMathTest::sigmoid, Float.NaN), "sigmoid NaN");
    }
}

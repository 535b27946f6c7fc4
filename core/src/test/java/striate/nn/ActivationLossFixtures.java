package striate.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.function.DoubleUnaryOperator;
import striate.tensor.DType;
import striate.tensor.Device;
import striate.tensor.Rng;
import striate.tensor.Shape;
import striate.tensor.Tensor;

/** Inputs and comparisons shared by the activation and loss tests. */
final class ActivationLossFixtures {
    static final Device REF = Device.reference();

    private ActivationLossFixtures() {
    }

    /** Float64 values with |v| in [0.1, 1), signs alternating (both signs present), away from every kink at 0. */
    static Tensor awayFromZero(long seed, long... dims) {
        Rng rng = new Rng(seed);
        double[] v = new double[Math.toIntExact(Shape.of(dims).size())];
        for (int i = 0; i < v.length; i++) {
            double m = 0.1 + 0.9 * rng.nextDouble();
            v[i] = i % 2 == 0 ? m : -m;
        }
        return Tensor.of(REF, DType.F64, v, dims);
    }

    /** Float64 values uniform in [low, high), drawn with {@link Rng} (independent of the tensor generator). */
    static Tensor uniform(long seed, double low, double high, long... dims) {
        Rng rng = new Rng(seed);
        double[] v = new double[Math.toIntExact(Shape.of(dims).size())];
        for (int i = 0; i < v.length; i++) {
            v[i] = low + (high - low) * rng.nextDouble();
        }
        return Tensor.of(REF, DType.F64, v, dims);
    }

    static double[] map(double[] x, DoubleUnaryOperator f) {
        double[] y = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            y[i] = f.applyAsDouble(x[i]);
        }
        return y;
    }

    /** |got − expected| ≤ tol·max(1, |expected|) elementwise, naming the first index that differs. */
    static void assertClose(double[] expected, double[] got, double tol, String what) {
        assertEquals(expected.length, got.length, what + ": length");
        for (int i = 0; i < expected.length; i++) {
            double err = Math.abs(got[i] - expected[i]);
            assertTrue(err <= tol * Math.max(1, Math.abs(expected[i])),
                    what + ": index " + i + " expected " + expected[i] + " got " + got[i]);
        }
    }

    static void assertClose(double expected, double got, double tol, String what) {
        assertClose(new double[] {expected}, new double[] {got}, tol, what);
    }

    static void assertAllFinite(double[] v, String what) {
        for (int i = 0; i < v.length; i++) {
            assertTrue(Double.isFinite(v[i]), what + ": index " + i + " is " + v[i]);
        }
    }
}

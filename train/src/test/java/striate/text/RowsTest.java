package striate.text;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The row kernels against plain double loops for every length from 0 to 70 (whole vectors, the four-lane tail and
 * the scalar rest in every combination), at offsets inside larger arrays.
 */
class RowsTest {
    private static float[] random(SplittableRandom r, int n) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = (float) (r.nextDouble() * 2 - 1);
        }
        return x;
    }

    @Test
    void dotStepAndAddMatchPlainLoops() {
        SplittableRandom r = new SplittableRandom(4);
        for (int n = 0; n <= 70; n++) {
            float[] x = random(r, n + 5);
            float[] w = random(r, n + 9);
            float[] dh = random(r, n);
            int xi = 5;
            int wi = 9;
            double expected = 0;
            for (int j = 0; j < n; j++) {
                expected += (double) x[xi + j] * w[wi + j];
            }
            assertEquals(expected, Rows.dot(x, xi, w, wi, n), 1e-5 * (1 + n), "dot, n = " + n);

            float g = 0.37f;
            float[] w0 = w.clone();
            float[] dh0 = dh.clone();
            Rows.step(g, w, wi, x, xi, dh, n);
            for (int j = 0; j < n; j++) {
                assertEquals(dh0[j] + g * w0[wi + j], dh[j], 1e-6, "step dh, n = " + n + ", j = " + j);
                assertEquals(w0[wi + j] + g * x[xi + j], w[wi + j], 1e-6, "step w, n = " + n + ", j = " + j);
            }
            for (int j = 0; j < wi; j++) {
                assertEquals(w0[j], w[j], "step leaves w before the row alone");
            }

            float[] y0 = w.clone();
            Rows.add(x, xi, w, wi, n);
            for (int j = 0; j < n; j++) {
                assertEquals(y0[wi + j] + x[xi + j], w[wi + j], 1e-6, "add, n = " + n + ", j = " + j);
            }
        }
    }
}

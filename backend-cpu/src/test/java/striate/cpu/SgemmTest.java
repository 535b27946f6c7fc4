package striate.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import striate.tensor.Rng;

/** The Vector API GEMM against a double-precision triple loop, on ragged sizes and with accumulation. */
class SgemmTest {
    @ParameterizedTest(name = "m={0} n={1} k={2}")
    @CsvSource({"1,1,1", "4,32,1", "7,33,5", "5,17,300", "64,100,257", "33,1025,7", "130,515,70"})
    void matchesNaiveProduct(int m, int n, int k) {
        Rng rng = new Rng(m * 1000L + n * 10 + k);
        float[] a = random(rng, m * k);
        float[] b = random(rng, k * n);
        float[] c = random(rng, m * n);
        float[] c0 = c.clone();
        Sgemm.gemm(m, n, k, a, 0, k, b, 0, n, c, 0, n, true);
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double s = c0[i * n + j];
                double abs = Math.abs(s);
                for (int p = 0; p < k; p++) {
                    s += (double) a[i * k + p] * b[p * n + j];
                    abs += Math.abs((double) a[i * k + p] * b[p * n + j]);
                }
                assertEquals(s, c[i * n + j], 1e-6 * abs + 1e-6, "C[" + i + "," + j + "]");
            }
        }
    }

    private static float[] random(Rng rng, int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) (2 * rng.nextDouble() - 1);
        }
        return v;
    }
}

package striate.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import striate.tensor.Rng;

/**
 * Both GEMM kernels (Vector API, and the plain loops a JVM without the Vector API module runs) against a
 * double-precision triple loop, on ragged sizes, accumulating and overwriting.
 */
class SgemmTest {
    @ParameterizedTest(name = "m={0} n={1} k={2}")
    // n = 24, 29, 120: a whole vector after the pairs (then a partial one for 29) for 8-lane vectors
    @CsvSource({"1,1,1", "4,32,1", "7,33,5", "5,17,300", "64,100,257", "33,1025,7", "130,515,70", "6,784,25", "2,65,3",
        "6,24,9", "7,29,13", "3,120,40", "1,24,5"})
    void vectorKernelMatchesNaiveProduct(int m, int n, int k) {
        check(m, n, k, true, VectorSgemm::gemm);
        check(m, n, k, false, VectorSgemm::gemm);
    }

    @ParameterizedTest(name = "m={0} n={1} k={2}")
    @CsvSource({"1,1,1", "7,33,5", "5,17,300", "64,100,257", "130,515,70"})
    void scalarKernelMatchesNaiveProduct(int m, int n, int k) {
        check(m, n, k, true, ScalarSgemm::gemm);
        check(m, n, k, false, ScalarSgemm::gemm);
    }

    @Test
    void theVectorKernelIsTheOneInUseUnderSurefire() {
        assertTrue(Sgemm.VECTOR_API, "surefire starts the JVM with jdk.incubator.vector");
    }

    interface Gemm {
        void gemm(int m, int n, int k, float[] a, int aOff, int lda, float[] b, int bOff, int ldb, float[] c, int cOff,
                  int ldc, boolean accumulate);
    }

    private static void check(int m, int n, int k, boolean accumulate, Gemm kernel) {
        Rng rng = new Rng(m * 1000L + n * 10 + k);
        float[] a = random(rng, m * k);
        float[] b = random(rng, k * n);
        float[] c = random(rng, m * n);
        float[] c0 = accumulate ? c.clone() : new float[m * n];
        kernel.gemm(m, n, k, a, 0, k, b, 0, n, c, 0, n, accumulate);
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

    @ParameterizedTest(name = "m={0} n={1} k={2}")
    @CsvSource({"1,1,1", "2,4,16", "6,25,784", "7,5,33", "3,9,1", "16,150,300"})
    void transposedBKernelsMatchNaiveProduct(int m, int n, int k) {
        for (Gemm kernel : new Gemm[] {
            (mm, nn, kk, a, ao, lda, b, bo, ldb, c, co, ldc, acc) -> VectorSgemmNT.gemm(mm, nn, kk, a, ao, lda, b, bo,
                    ldb, c, co, ldc),
            (mm, nn, kk, a, ao, lda, b, bo, ldb, c, co, ldc, acc) -> ScalarSgemm.gemmNT(mm, nn, kk, a, ao, lda, b, bo,
                    ldb, c, co, ldc)}) {
            Rng rng = new Rng(m * 7919L + n * 31 + k);
            float[] a = random(rng, m * k);
            float[] b = random(rng, n * k); // B [n, k]
            float[] c = random(rng, m * n); // overwritten
            kernel.gemm(m, n, k, a, 0, k, b, 0, k, c, 0, n, false);
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < n; j++) {
                    double s = 0;
                    double abs = 0;
                    for (int p = 0; p < k; p++) {
                        s += (double) a[i * k + p] * b[j * k + p];
                        abs += Math.abs((double) a[i * k + p] * b[j * k + p]);
                    }
                    assertEquals(s, c[i * n + j], 1e-6 * abs + 1e-6, "C[" + i + "," + j + "]");
                }
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

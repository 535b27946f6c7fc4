package striate.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import striate.tensor.Rng;

/**
 * OpenBLAS through the FFM downcall against {@link ScalarSgemm}, on ragged shapes, with offsets and leading
 * dimensions wider than the rows, accumulating and overwriting (C starts as NaN then), NN and NT.
 */
class NativeBlasTest {
    private static NativeBlas blas;

    @BeforeAll
    static void load() {
        blas = NativeBlas.load(); // the linux-x86_64 natives are a dependency: failing to load here is a bug
    }

    @Test
    void reportsItsCoreAndVersion() {
        assertFalse(blas.coreName().isBlank());
        assertTrue(blas.config().startsWith("OpenBLAS " + blas.version() + " "), blas.config());
    }

    @ParameterizedTest(name = "m={0} n={1} k={2}")
    @CsvSource({"1,1,1", "7,7,7", "1,33,1025", "33,1,7", "7,33,5", "33,1025,7", "1025,33,64", "64,100,257",
            "130,515,70"})
    void matchesTheScalarKernel(int m, int n, int k) {
        for (boolean transB : new boolean[] {false, true}) {
            for (boolean accumulate : transB ? new boolean[] {false} : new boolean[] {false, true}) {
                check(m, n, k, transB, accumulate, 0, 0);
                check(m, n, k, transB, accumulate, 5, 3); // offsets 5·(…), row strides 3 wider than the rows
            }
        }
    }

    @Test
    void refusesMatricesThatDoNotFit() {
        float[] a = new float[6];
        float[] b = new float[6];
        float[] c = new float[4];
        assertThrows(IndexOutOfBoundsException.class, () -> blas.sgemm(false, 2, 2, 3, a, 1, 3, b, 0, 2, c, 0, 2, false));
        assertThrows(IndexOutOfBoundsException.class, () -> blas.sgemm(false, 2, 2, 3, a, 0, 3, b, 0, 2, c, 1, 2, false));
        assertThrows(IllegalArgumentException.class, () -> blas.sgemm(false, 0, 2, 3, a, 0, 3, b, 0, 2, c, 0, 2, false));
    }

    private static void check(int m, int n, int k, boolean transB, boolean accumulate, int off, int pad) {
        Rng rng = new Rng(m * 1000L + n * 10 + k + pad);
        int lda = k + pad;
        int bRows = transB ? n : k;
        int bCols = transB ? k : n;
        int ldb = bCols + pad;
        int ldc = n + pad;
        float[] a = random(rng, 5 * off + m * lda);
        float[] b = random(rng, 3 * off + bRows * ldb);
        float[] start = random(rng, 7 * off + m * ldc);
        float[] want = start.clone();
        float[] got = start.clone();
        if (!accumulate) {
            for (int i = 0; i < m; i++) {
                Arrays.fill(got, 7 * off + i * ldc, 7 * off + i * ldc + n, Float.NaN); // overwritten, never read
            }
        }
        if (transB) {
            ScalarSgemm.gemmNT(m, n, k, a, 5 * off, lda, b, 3 * off, ldb, want, 7 * off, ldc);
        } else {
            ScalarSgemm.gemm(m, n, k, a, 5 * off, lda, b, 3 * off, ldb, want, 7 * off, ldc, accumulate);
        }
        blas.sgemm(transB, m, n, k, a, 5 * off, lda, b, 3 * off, ldb, got, 7 * off, ldc, accumulate);
        for (int i = 0; i < got.length; i++) {
            int row = (i - 7 * off) / ldc;
            int col = (i - 7 * off) % ldc;
            boolean inC = i >= 7 * off && row < m && col < n;
            if (!inC) {
                assertEquals(start[i], got[i], "element " + i + " outside C must be untouched");
            } else {
                assertEquals(want[i], got[i], 1e-5f * (k + 1), "C[" + row + "," + col + "]");
            }
        }
    }

    private static float[] random(Rng rng, int size) {
        float[] x = new float[size];
        for (int i = 0; i < size; i++) {
            x[i] = (float) (rng.nextDouble() * 2 - 1);
        }
        return x;
    }
}

package striate.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import striate.tensor.Rng;

/**
 * What every {@link NativeGemm} must do, through its FFM downcall, against a double-precision loop: ragged shapes,
 * offsets and leading dimensions wider than the rows, accumulating and overwriting (C starts as NaN then), every
 * combination of transposed operands, nothing outside C touched, and operands that do not fit refused.
 */
abstract class NativeGemmContract {
    /** The library under test. */
    abstract NativeGemm gemm();

    @ParameterizedTest(name = "m={0} n={1} k={2}")
    @CsvSource({"1,1,1", "7,7,7", "1,33,1025", "33,1,7", "7,33,5", "33,1025,7", "1025,33,64", "64,100,257",
            "130,515,70"})
    void matchesADoubleLoop(int m, int n, int k) {
        for (boolean transA : new boolean[] {false, true}) {
            for (boolean transB : new boolean[] {false, true}) {
                for (boolean accumulate : new boolean[] {false, true}) {
                    check(m, n, k, transA, transB, accumulate, 0, 0);
                    check(m, n, k, transA, transB, accumulate, 5, 3); // offsets 5·(…), row strides 3 wider
                }
            }
        }
    }

    @Test
    void refusesMatricesThatDoNotFit() {
        float[] a = new float[6];
        float[] b = new float[6];
        float[] c = new float[4];
        NativeGemm g = gemm();
        assertThrows(IndexOutOfBoundsException.class, () -> g.sgemm(false, 2, 2, 3, a, 1, 3, b, 0, 2, c, 0, 2, false));
        assertThrows(IndexOutOfBoundsException.class, () -> g.sgemm(false, 2, 2, 3, a, 0, 3, b, 0, 2, c, 1, 2, false));
        assertThrows(IllegalArgumentException.class, () -> g.sgemm(false, 0, 2, 3, a, 0, 3, b, 0, 2, c, 0, 2, false));
    }

    /** C [m, n] at 7·off (row stride n + pad) (+)= op(A) · op(B), A at 5·off and B at 3·off, rows padded alike. */
    void check(int m, int n, int k, boolean transA, boolean transB, boolean accumulate, int off, int pad) {
        Rng rng = new Rng(m * 1000L + n * 10 + k + pad);
        int aRows = transA ? k : m;
        int aCols = transA ? m : k;
        int bRows = transB ? n : k;
        int bCols = transB ? k : n;
        int lda = aCols + pad;
        int ldb = bCols + pad;
        int ldc = n + pad;
        float[] a = random(rng, 5 * off + aRows * lda);
        float[] b = random(rng, 3 * off + bRows * ldb);
        float[] start = random(rng, 7 * off + m * ldc);
        float[] got = start.clone();
        if (!accumulate) {
            for (int i = 0; i < m; i++) {
                Arrays.fill(got, 7 * off + i * ldc, 7 * off + i * ldc + n, Float.NaN); // overwritten, never read
            }
        }
        gemm().sgemm(transA, transB, m, n, k, MemorySegment.ofArray(a), 5 * off, lda, MemorySegment.ofArray(b),
                3 * off, ldb, MemorySegment.ofArray(got), 7 * off, ldc, accumulate);
        for (int i = 0; i < got.length; i++) {
            int row = (i - 7 * off) / ldc;
            int col = (i - 7 * off) % ldc;
            boolean inC = i >= 7 * off && row < m && col < n;
            if (!inC) {
                assertEquals(start[i], got[i], "element " + i + " outside C must be untouched");
                continue;
            }
            double want = accumulate ? start[i] : 0;
            for (int p = 0; p < k; p++) {
                double x = transA ? a[5 * off + p * lda + row] : a[5 * off + row * lda + p];
                double y = transB ? b[3 * off + col * ldb + p] : b[3 * off + p * ldb + col];
                want += x * y;
            }
            assertEquals(want, got[i], 1e-5 * (k + 1), "C[" + row + "," + col + "] (transA " + transA + ", transB "
                    + transB + ", accumulate " + accumulate + ")");
        }
    }

    static float[] random(Rng rng, int size) {
        float[] x = new float[size];
        for (int i = 0; i < size; i++) {
            x[i] = (float) (rng.nextDouble() * 2 - 1);
        }
        return x;
    }
}

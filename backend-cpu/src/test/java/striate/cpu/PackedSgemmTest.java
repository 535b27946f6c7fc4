package striate.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import striate.tensor.Rng;

/**
 * The packed Vector API GEMM against a double-precision triple loop for every transpose combination, on sizes
 * ragged against its tile (6 rows, two vectors of columns) and blocks (k 256, n 512, rows 384), with row strides
 * wider than the matrices and offsets; and the same bits for C whether computed whole or cut into pieces.
 */
class PackedSgemmTest {
    @ParameterizedTest(name = "m={0} n={1} k={2}")
    @CsvSource({"1,1,1", "6,32,1", "7,33,5", "13,37,300", "64,100,257", "400,40,30", "5,530,70", "391,515,513",
        "12,64,256"})
    void matchesNaiveProductForEveryTranspose(int m, int n, int k) {
        for (boolean ta : new boolean[] {false, true}) {
            for (boolean tb : new boolean[] {false, true}) {
                check(m, n, k, ta, tb, false);
                check(m, n, k, ta, tb, true);
            }
        }
    }

    @ParameterizedTest(name = "m={0} n={1} k={2}")
    @CsvSource({"391,515,513", "100,1100,300"})
    void anElementComesOutTheSameWhicheverPieceOfCComputesIt(int m, int n, int k) {
        Rng rng = new Rng(m + n + k);
        float[] a = random(rng, m * k);
        float[] b = random(rng, k * n);
        float[] whole = new float[m * n];
        PackedSgemm.gemm(false, false, m, n, k, seg(a), 0, k, seg(b), 0, n, seg(whole), 0, n, false);
        float[] pieces = new float[m * n];
        int[] rowCuts = {0, 7, m / 2, m / 2 + 1, m};
        int[] colCuts = {0, 33, 512, 515, n};
        for (int r = 0; r + 1 < rowCuts.length; r++) {
            for (int q = 0; q + 1 < colCuts.length; q++) {
                int i0 = rowCuts[r];
                int j0 = colCuts[q];
                int rows = rowCuts[r + 1] - i0;
                int cols = colCuts[q + 1] - j0;
                if (rows > 0 && cols > 0) {
                    PackedSgemm.gemm(false, false, rows, cols, k, seg(a), (long) i0 * k, k, seg(b), j0, n,
                            seg(pieces), (long) i0 * n + j0, n, false);
                }
            }
        }
        assertArrayEquals(whole, pieces);
    }

    @Test
    void cInNativeMemoryAFloatArrayOrALongArrayGetsTheSameBits() {
        int m = 13;
        int n = 70;
        int k = 300;
        Rng rng = new Rng(5);
        float[] a = random(rng, m * k);
        float[] b = random(rng, k * n);
        float[] want = random(rng, m * n);
        float[] start = want.clone();
        PackedSgemm.gemm(false, false, m, n, k, seg(a), 0, k, seg(b), 0, n, seg(want), 0, n, true);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment offHeap = arena.allocate(4L * m * n);
            MemorySegment longs = MemorySegment.ofArray(new long[(m * n + 1) / 2]);
            for (MemorySegment c : new MemorySegment[] {offHeap, longs}) {
                MemorySegment.copy(start, 0, c, ValueLayout.JAVA_FLOAT, 0, m * n);
                PackedSgemm.gemm(false, false, m, n, k, seg(a), 0, k, seg(b), 0, n, c, 0, n, true);
                assertArrayEquals(want, c.asSlice(0, 4L * m * n).toArray(ValueLayout.JAVA_FLOAT), c.toString());
            }
        }
    }

    /** op(A)·op(B) with A, B and C inside larger buffers: offsets 3, 5, 7 and row strides 2 wider than needed. */
    private static void check(int m, int n, int k, boolean ta, boolean tb, boolean accumulate) {
        Rng rng = new Rng(m * 1000L + n * 10 + k + (ta ? 1 : 0) + (tb ? 2 : 0));
        int aRows = ta ? k : m;
        int aCols = ta ? m : k;
        int bRows = tb ? n : k;
        int bCols = tb ? k : n;
        int lda = aCols + 2;
        int ldb = bCols + 2;
        int ldc = n + 2;
        float[] a = random(rng, 3 + aRows * lda);
        float[] b = random(rng, 5 + bRows * ldb);
        float[] c = random(rng, 7 + m * ldc);
        float[] before = c.clone();
        PackedSgemm.gemm(ta, tb, m, n, k, seg(a), 3, lda, seg(b), 5, ldb, seg(c), 7, ldc, accumulate);
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double s = accumulate ? before[7 + i * ldc + j] : 0;
                double abs = Math.abs(s);
                for (int p = 0; p < k; p++) {
                    double x = a[3 + (ta ? p * lda + i : i * lda + p)];
                    double y = b[5 + (tb ? j * ldb + p : p * ldb + j)];
                    s += x * y;
                    abs += Math.abs(x * y);
                }
                assertEquals(s, c[7 + i * ldc + j], 1e-6 * abs + 1e-6,
                        "ta=" + ta + " tb=" + tb + " acc=" + accumulate + " C[" + i + "," + j + "]");
            }
            for (int j = n; j < ldc; j++) { // the stride's padding is not written
                assertEquals(before[7 + i * ldc + j], c[7 + i * ldc + j], "padding C[" + i + "," + j + "]");
            }
        }
    }

    private static MemorySegment seg(float[] x) {
        return MemorySegment.ofArray(x);
    }

    private static float[] random(Rng rng, int n) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = (float) rng.nextGaussian();
        }
        return x;
    }
}

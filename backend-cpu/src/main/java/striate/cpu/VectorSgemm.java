package striate.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

/**
 * Single-threaded float GEMM on row-major arrays with the Vector API: C[m, n] (+)= A[m, k] · B[k, n].
 * Blocked over k (KC) and n (NC) so a panel of B stays in cache; a register-blocked micro-kernel keeps a
 * 6 × 2-vector tile of C in registers (4, 2 and 1 rows for the rows left) and does one FMA per (row, vector) per
 * k. Each piece is its own small method, so that C1 compiles every one (see {@link #rows4}). Ragged edges use masked
 * vectors, so any m, n, k works. Callers parallelize over independent row blocks or images. Only loaded when the
 * JVM has the jdk.incubator.vector module ({@link Sgemm} decides).
 */
final class VectorSgemm {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int V = S.length();
    private static final int KC = 256;
    private static final int NC = 512;

    private VectorSgemm() {
    }

    /**
     * C = A·B (or C += A·B when {@code accumulate}). Leading dimensions are row strides in elements.
     */
    static void gemm(int m, int n, int k, float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                     float[] c, int cOff, int ldc, boolean accumulate) {
        if (!accumulate) {
            for (int i = 0; i < m; i++) {
                java.util.Arrays.fill(c, cOff + i * ldc, cOff + i * ldc + n, 0f);
            }
        }
        for (int k0 = 0; k0 < k; k0 += KC) {
            int kc = Math.min(KC, k - k0);
            for (int j0 = 0; j0 < n; j0 += NC) {
                int nc = Math.min(NC, n - j0);
                int i = 0;
                for (; i + 6 <= m; i += 6) {
                    rows6(kc, nc, a, aOff + i * lda + k0, lda, b, bOff + k0 * ldb + j0, ldb, c, cOff + i * ldc + j0, ldc);
                }
                for (; i + 4 <= m; i += 4) {
                    rows4(kc, nc, a, aOff + i * lda + k0, lda, b, bOff + k0 * ldb + j0, ldb, c, cOff + i * ldc + j0, ldc);
                }
                if (i + 2 <= m) {
                    rows2(kc, nc, a, aOff + i * lda + k0, lda, b, bOff + k0 * ldb + j0, ldb, c, cOff + i * ldc + j0, ldc);
                    i += 2;
                }
                for (; i < m; i++) {
                    rows1(kc, nc, a, aOff + i * lda + k0, b, bOff + k0 * ldb + j0, ldb, c, cOff + i * ldc + j0);
                }
            }
        }
    }

    /**
     * Four rows of C over nc columns. The pieces are separate methods: one method holding all of them is too big
     * for C1's profiling tier ("out of virtual registers"), and a JIT left at C1's tier 2 runs the Vector API
     * without intrinsics, several times slower; it happened in some runs and not in others.
     */
    private static void rows4(int kc, int nc, float[] a, int ao, int lda, float[] b, int bo, int ldb,
                              float[] c, int co, int ldc) {
        tail4(kc, pairs4(kc, nc, a, ao, lda, b, bo, ldb, c, co, ldc), nc, a, ao, lda, b, bo, ldb, c, co, ldc);
    }

    /** Four rows of C over the columns from j to nc left after the pairs of vectors. */
    private static void tail4(int kc, int j, int nc, float[] a, int ao, int lda, float[] b, int bo, int ldb,
                              float[] c, int co, int ldc) {
        if (j + V <= nc) { // one whole vector left: no mask (masked loads leave the compiled path on AVX2)
            one4(kc, j, a, ao, lda, b, bo, ldb, c, co, ldc);
            j += V;
        }
        if (j < nc) {
            masked4(kc, j, nc, a, ao, lda, b, bo, ldb, c, co, ldc);
        }
    }

    /**
     * Six rows of C over nc columns: 6 × 2 vectors of accumulators keep both FMA units busy through their latency
     * with AVX2's 16 registers (4 × 2 leaves them waiting). The columns left after the pairs go to the 4- and 2-row
     * tails; every element is summed in the same order whichever kernel computes it.
     */
    private static void rows6(int kc, int nc, float[] a, int ao, int lda, float[] b, int bo, int ldb,
                              float[] c, int co, int ldc) {
        int j = pairs6(kc, nc, a, ao, lda, b, bo, ldb, c, co, ldc);
        if (j < nc) {
            tail4(kc, j, nc, a, ao, lda, b, bo, ldb, c, co, ldc);
            tail2(kc, j, nc, a, ao + 4 * lda, lda, b, bo, ldb, c, co + 4 * ldc, ldc);
        }
    }

    /** Six rows of C over whole pairs of vectors of the nc columns; returns the first column left. */
    private static int pairs6(int kc, int nc, float[] a, int ao, int lda, float[] b, int bo, int ldb,
                              float[] c, int co, int ldc) {
        int j = 0;
        for (; j + 2 * V <= nc; j += 2 * V) {
            int r = co + j;
            FloatVector c00 = FloatVector.fromArray(S, c, r);
            FloatVector c01 = FloatVector.fromArray(S, c, r + V);
            FloatVector c10 = FloatVector.fromArray(S, c, r + ldc);
            FloatVector c11 = FloatVector.fromArray(S, c, r + ldc + V);
            FloatVector c20 = FloatVector.fromArray(S, c, r + 2 * ldc);
            FloatVector c21 = FloatVector.fromArray(S, c, r + 2 * ldc + V);
            FloatVector c30 = FloatVector.fromArray(S, c, r + 3 * ldc);
            FloatVector c31 = FloatVector.fromArray(S, c, r + 3 * ldc + V);
            FloatVector c40 = FloatVector.fromArray(S, c, r + 4 * ldc);
            FloatVector c41 = FloatVector.fromArray(S, c, r + 4 * ldc + V);
            FloatVector c50 = FloatVector.fromArray(S, c, r + 5 * ldc);
            FloatVector c51 = FloatVector.fromArray(S, c, r + 5 * ldc + V);
            for (int p = 0; p < kc; p++) {
                int bi = bo + p * ldb + j;
                FloatVector b0 = FloatVector.fromArray(S, b, bi);
                FloatVector b1 = FloatVector.fromArray(S, b, bi + V);
                FloatVector a0 = FloatVector.broadcast(S, a[ao + p]);
                c00 = b0.fma(a0, c00);
                c01 = b1.fma(a0, c01);
                FloatVector a1 = FloatVector.broadcast(S, a[ao + lda + p]);
                c10 = b0.fma(a1, c10);
                c11 = b1.fma(a1, c11);
                FloatVector a2 = FloatVector.broadcast(S, a[ao + 2 * lda + p]);
                c20 = b0.fma(a2, c20);
                c21 = b1.fma(a2, c21);
                FloatVector a3 = FloatVector.broadcast(S, a[ao + 3 * lda + p]);
                c30 = b0.fma(a3, c30);
                c31 = b1.fma(a3, c31);
                FloatVector a4 = FloatVector.broadcast(S, a[ao + 4 * lda + p]);
                c40 = b0.fma(a4, c40);
                c41 = b1.fma(a4, c41);
                FloatVector a5 = FloatVector.broadcast(S, a[ao + 5 * lda + p]);
                c50 = b0.fma(a5, c50);
                c51 = b1.fma(a5, c51);
            }
            c00.intoArray(c, r);
            c01.intoArray(c, r + V);
            c10.intoArray(c, r + ldc);
            c11.intoArray(c, r + ldc + V);
            c20.intoArray(c, r + 2 * ldc);
            c21.intoArray(c, r + 2 * ldc + V);
            c30.intoArray(c, r + 3 * ldc);
            c31.intoArray(c, r + 3 * ldc + V);
            c40.intoArray(c, r + 4 * ldc);
            c41.intoArray(c, r + 4 * ldc + V);
            c50.intoArray(c, r + 5 * ldc);
            c51.intoArray(c, r + 5 * ldc + V);
        }
        return j;
    }

    /** Four rows of C over whole pairs of vectors of the nc columns (the hot loop); returns the first column left. */
    private static int pairs4(int kc, int nc, float[] a, int ao, int lda, float[] b, int bo, int ldb,
                              float[] c, int co, int ldc) {
        int j = 0;
        for (; j + 2 * V <= nc; j += 2 * V) {
            FloatVector c00 = FloatVector.fromArray(S, c, co + j);
            FloatVector c01 = FloatVector.fromArray(S, c, co + j + V);
            FloatVector c10 = FloatVector.fromArray(S, c, co + ldc + j);
            FloatVector c11 = FloatVector.fromArray(S, c, co + ldc + j + V);
            FloatVector c20 = FloatVector.fromArray(S, c, co + 2 * ldc + j);
            FloatVector c21 = FloatVector.fromArray(S, c, co + 2 * ldc + j + V);
            FloatVector c30 = FloatVector.fromArray(S, c, co + 3 * ldc + j);
            FloatVector c31 = FloatVector.fromArray(S, c, co + 3 * ldc + j + V);
            for (int p = 0; p < kc; p++) {
                int bi = bo + p * ldb + j;
                FloatVector b0 = FloatVector.fromArray(S, b, bi);
                FloatVector b1 = FloatVector.fromArray(S, b, bi + V);
                FloatVector a0 = FloatVector.broadcast(S, a[ao + p]);
                c00 = b0.fma(a0, c00);
                c01 = b1.fma(a0, c01);
                FloatVector a1 = FloatVector.broadcast(S, a[ao + lda + p]);
                c10 = b0.fma(a1, c10);
                c11 = b1.fma(a1, c11);
                FloatVector a2 = FloatVector.broadcast(S, a[ao + 2 * lda + p]);
                c20 = b0.fma(a2, c20);
                c21 = b1.fma(a2, c21);
                FloatVector a3 = FloatVector.broadcast(S, a[ao + 3 * lda + p]);
                c30 = b0.fma(a3, c30);
                c31 = b1.fma(a3, c31);
            }
            c00.intoArray(c, co + j);
            c01.intoArray(c, co + j + V);
            c10.intoArray(c, co + ldc + j);
            c11.intoArray(c, co + ldc + j + V);
            c20.intoArray(c, co + 2 * ldc + j);
            c21.intoArray(c, co + 2 * ldc + j + V);
            c30.intoArray(c, co + 3 * ldc + j);
            c31.intoArray(c, co + 3 * ldc + j + V);
        }
        return j;
    }

    /** Four rows of C over one whole vector of columns from j. */
    private static void one4(int kc, int j, float[] a, int ao, int lda, float[] b, int bo, int ldb,
                             float[] c, int co, int ldc) {
        FloatVector c0 = FloatVector.fromArray(S, c, co + j);
        FloatVector c1 = FloatVector.fromArray(S, c, co + ldc + j);
        FloatVector c2 = FloatVector.fromArray(S, c, co + 2 * ldc + j);
        FloatVector c3 = FloatVector.fromArray(S, c, co + 3 * ldc + j);
        for (int p = 0; p < kc; p++) {
            FloatVector bv = FloatVector.fromArray(S, b, bo + p * ldb + j);
            c0 = bv.fma(FloatVector.broadcast(S, a[ao + p]), c0);
            c1 = bv.fma(FloatVector.broadcast(S, a[ao + lda + p]), c1);
            c2 = bv.fma(FloatVector.broadcast(S, a[ao + 2 * lda + p]), c2);
            c3 = bv.fma(FloatVector.broadcast(S, a[ao + 3 * lda + p]), c3);
        }
        c0.intoArray(c, co + j);
        c1.intoArray(c, co + ldc + j);
        c2.intoArray(c, co + 2 * ldc + j);
        c3.intoArray(c, co + 3 * ldc + j);
    }

    /** Four rows of C over the columns from {@code from} to nc, with masked vectors. */
    private static void masked4(int kc, int from, int nc, float[] a, int ao, int lda, float[] b, int bo, int ldb,
                                float[] c, int co, int ldc) {
        for (int j = from; j < nc; j += V) {
            VectorMask<Float> mask = S.indexInRange(j, nc);
            FloatVector c0 = FloatVector.fromArray(S, c, co + j, mask);
            FloatVector c1 = FloatVector.fromArray(S, c, co + ldc + j, mask);
            FloatVector c2 = FloatVector.fromArray(S, c, co + 2 * ldc + j, mask);
            FloatVector c3 = FloatVector.fromArray(S, c, co + 3 * ldc + j, mask);
            for (int p = 0; p < kc; p++) {
                FloatVector bv = FloatVector.fromArray(S, b, bo + p * ldb + j, mask);
                c0 = bv.fma(FloatVector.broadcast(S, a[ao + p]), c0);
                c1 = bv.fma(FloatVector.broadcast(S, a[ao + lda + p]), c1);
                c2 = bv.fma(FloatVector.broadcast(S, a[ao + 2 * lda + p]), c2);
                c3 = bv.fma(FloatVector.broadcast(S, a[ao + 3 * lda + p]), c3);
            }
            c0.intoArray(c, co + j, mask);
            c1.intoArray(c, co + ldc + j, mask);
            c2.intoArray(c, co + 2 * ldc + j, mask);
            c3.intoArray(c, co + 3 * ldc + j, mask);
        }
    }

    /** Two rows of C over nc columns (the rows after blocks of six and four). */
    private static void rows2(int kc, int nc, float[] a, int ao, int lda, float[] b, int bo, int ldb,
                              float[] c, int co, int ldc) {
        int j = 0;
        for (; j + 2 * V <= nc; j += 2 * V) {
            FloatVector c00 = FloatVector.fromArray(S, c, co + j);
            FloatVector c01 = FloatVector.fromArray(S, c, co + j + V);
            FloatVector c10 = FloatVector.fromArray(S, c, co + ldc + j);
            FloatVector c11 = FloatVector.fromArray(S, c, co + ldc + j + V);
            for (int p = 0; p < kc; p++) {
                int bi = bo + p * ldb + j;
                FloatVector b0 = FloatVector.fromArray(S, b, bi);
                FloatVector b1 = FloatVector.fromArray(S, b, bi + V);
                FloatVector a0 = FloatVector.broadcast(S, a[ao + p]);
                c00 = b0.fma(a0, c00);
                c01 = b1.fma(a0, c01);
                FloatVector a1 = FloatVector.broadcast(S, a[ao + lda + p]);
                c10 = b0.fma(a1, c10);
                c11 = b1.fma(a1, c11);
            }
            c00.intoArray(c, co + j);
            c01.intoArray(c, co + j + V);
            c10.intoArray(c, co + ldc + j);
            c11.intoArray(c, co + ldc + j + V);
        }
        tail2(kc, j, nc, a, ao, lda, b, bo, ldb, c, co, ldc);
    }

    /** Two rows of C over the columns from j to nc left after the pairs of vectors. */
    private static void tail2(int kc, int j, int nc, float[] a, int ao, int lda, float[] b, int bo, int ldb,
                              float[] c, int co, int ldc) {
        if (j + V <= nc) { // one whole vector left: no mask
            FloatVector c0 = FloatVector.fromArray(S, c, co + j);
            FloatVector c1 = FloatVector.fromArray(S, c, co + ldc + j);
            for (int p = 0; p < kc; p++) {
                FloatVector bv = FloatVector.fromArray(S, b, bo + p * ldb + j);
                c0 = bv.fma(FloatVector.broadcast(S, a[ao + p]), c0);
                c1 = bv.fma(FloatVector.broadcast(S, a[ao + lda + p]), c1);
            }
            c0.intoArray(c, co + j);
            c1.intoArray(c, co + ldc + j);
            j += V;
        }
        for (; j < nc; j += V) {
            VectorMask<Float> mask = S.indexInRange(j, nc);
            FloatVector c0 = FloatVector.fromArray(S, c, co + j, mask);
            FloatVector c1 = FloatVector.fromArray(S, c, co + ldc + j, mask);
            for (int p = 0; p < kc; p++) {
                FloatVector bv = FloatVector.fromArray(S, b, bo + p * ldb + j, mask);
                c0 = bv.fma(FloatVector.broadcast(S, a[ao + p]), c0);
                c1 = bv.fma(FloatVector.broadcast(S, a[ao + lda + p]), c1);
            }
            c0.intoArray(c, co + j, mask);
            c1.intoArray(c, co + ldc + j, mask);
        }
    }

    /** One row of C over nc columns. */
    private static void rows1(int kc, int nc, float[] a, int ao, float[] b, int bo, int ldb, float[] c, int co) {
        int j = 0;
        for (; j + V <= nc; j += V) { // whole vectors without a mask
            FloatVector acc = FloatVector.fromArray(S, c, co + j);
            for (int p = 0; p < kc; p++) {
                acc = FloatVector.fromArray(S, b, bo + p * ldb + j).fma(FloatVector.broadcast(S, a[ao + p]), acc);
            }
            acc.intoArray(c, co + j);
        }
        for (; j < nc; j += V) {
            VectorMask<Float> mask = S.indexInRange(j, nc);
            FloatVector acc = FloatVector.fromArray(S, c, co + j, mask);
            for (int p = 0; p < kc; p++) {
                acc = FloatVector.fromArray(S, b, bo + p * ldb + j, mask).fma(FloatVector.broadcast(S, a[ao + p]), acc);
            }
            acc.intoArray(c, co + j, mask);
        }
    }
}

package striate.cpu;

import java.util.Arrays;

/**
 * Plain-Java float GEMM for JVMs started without the Vector API module (a bare {@code java -jar}): C[m, n] (+)=
 * A[m, k] · B[k, n] on row-major arrays, i-p-j loop order so the inner loop streams rows of B and C (HotSpot
 * auto-vectorizes it), blocked over k so a panel of B stays in cache. Same results as {@link VectorSgemm} up to
 * float rounding order.
 */
final class ScalarSgemm {
    private static final int KC = 256;

    private ScalarSgemm() {
    }

    static void gemm(int m, int n, int k, float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                     float[] c, int cOff, int ldc, boolean accumulate) {
        if (!accumulate) {
            for (int i = 0; i < m; i++) {
                Arrays.fill(c, cOff + i * ldc, cOff + i * ldc + n, 0f);
            }
        }
        for (int k0 = 0; k0 < k; k0 += KC) {
            int kEnd = Math.min(k, k0 + KC);
            for (int i = 0; i < m; i++) {
                int ci = cOff + i * ldc;
                for (int p = k0; p < kEnd; p++) {
                    float aip = a[aOff + i * lda + p];
                    int bp = bOff + p * ldb;
                    for (int j = 0; j < n; j++) {
                        c[ci + j] += aip * b[bp + j];
                    }
                }
            }
        }
    }

    /** C = A·Bᵀ for A [m, k] and B [n, k]: a dot product of two contiguous rows per element. */
    static void gemmNT(int m, int n, int k, float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                       float[] c, int cOff, int ldc) {
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                float s = 0;
                for (int p = 0; p < k; p++) {
                    s += a[aOff + i * lda + p] * b[bOff + j * ldb + p];
                }
                c[cOff + i * ldc + j] = s;
            }
        }
    }
}

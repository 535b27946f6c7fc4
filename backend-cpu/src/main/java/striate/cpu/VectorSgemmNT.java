package striate.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * C[m, n] = A[m, k] · B[n, k]ᵀ with the Vector API: every C element is a dot product of two contiguous rows, so
 * the vectors run along k. Made for long k and small m·n — a convolution's filter gradient, dW[kg, ckk] =
 * dy[kg, pixels] · col[ckk, pixels]ᵀ — where the NN kernel would have short rows. Register block: 2 rows of A ×
 * 4 rows of B (8 accumulators, 6 loads per 8 FMAs). Only loaded when the JVM has the Vector API module.
 */
final class VectorSgemmNT {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int V = S.length();

    private VectorSgemmNT() {
    }

    static void gemm(int m, int n, int k, float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                     float[] c, int cOff, int ldc) {
        int kv = k - k % V;
        float[] lanes = new float[V]; // scratch for the fixed-order lane sums
        int i = 0;
        for (; i + 2 <= m; i += 2) {
            int a0 = aOff + i * lda;
            int a1 = a0 + lda;
            int j = 0;
            for (; j + 4 <= n; j += 4) {
                int b0 = bOff + j * ldb;
                FloatVector s00 = FloatVector.zero(S), s01 = s00, s02 = s00, s03 = s00;
                FloatVector s10 = s00, s11 = s00, s12 = s00, s13 = s00;
                for (int p = 0; p < kv; p += V) {
                    FloatVector x0 = FloatVector.fromArray(S, a, a0 + p);
                    FloatVector x1 = FloatVector.fromArray(S, a, a1 + p);
                    FloatVector y0 = FloatVector.fromArray(S, b, b0 + p);
                    FloatVector y1 = FloatVector.fromArray(S, b, b0 + ldb + p);
                    FloatVector y2 = FloatVector.fromArray(S, b, b0 + 2 * ldb + p);
                    FloatVector y3 = FloatVector.fromArray(S, b, b0 + 3 * ldb + p);
                    s00 = x0.fma(y0, s00);
                    s01 = x0.fma(y1, s01);
                    s02 = x0.fma(y2, s02);
                    s03 = x0.fma(y3, s03);
                    s10 = x1.fma(y0, s10);
                    s11 = x1.fma(y1, s11);
                    s12 = x1.fma(y2, s12);
                    s13 = x1.fma(y3, s13);
                }
                int ci = cOff + i * ldc + j;
                c[ci] = finish(s00, a, a0, b, b0, kv, k, lanes);
                c[ci + 1] = finish(s01, a, a0, b, b0 + ldb, kv, k, lanes);
                c[ci + 2] = finish(s02, a, a0, b, b0 + 2 * ldb, kv, k, lanes);
                c[ci + 3] = finish(s03, a, a0, b, b0 + 3 * ldb, kv, k, lanes);
                c[ci + ldc] = finish(s10, a, a1, b, b0, kv, k, lanes);
                c[ci + ldc + 1] = finish(s11, a, a1, b, b0 + ldb, kv, k, lanes);
                c[ci + ldc + 2] = finish(s12, a, a1, b, b0 + 2 * ldb, kv, k, lanes);
                c[ci + ldc + 3] = finish(s13, a, a1, b, b0 + 3 * ldb, kv, k, lanes);
            }
            for (; j < n; j++) {
                c[cOff + i * ldc + j] = dot(a, a0, b, bOff + j * ldb, kv, k, lanes);
                c[cOff + (i + 1) * ldc + j] = dot(a, a1, b, bOff + j * ldb, kv, k, lanes);
            }
        }
        for (; i < m; i++) {
            for (int j = 0; j < n; j++) {
                c[cOff + i * ldc + j] = dot(a, aOff + i * lda, b, bOff + j * ldb, kv, k, lanes);
            }
        }
    }

    private static float dot(float[] a, int ao, float[] b, int bo, int kv, int k, float[] lanes) {
        FloatVector s = FloatVector.zero(S);
        for (int p = 0; p < kv; p += V) {
            s = FloatVector.fromArray(S, a, ao + p).fma(FloatVector.fromArray(S, b, bo + p), s);
        }
        return finish(s, a, ao, b, bo, kv, k, lanes);
    }

    /** The vector partial sums plus the scalar tail p in [kv, k). */
    private static float finish(FloatVector s, float[] a, int ao, float[] b, int bo, int kv, int k, float[] lanes) {
        float sum = Lanes.sum(s, lanes);
        for (int p = kv; p < k; p++) {
            sum += a[ao + p] * b[bo + p];
        }
        return sum;
    }
}

package striate.cpu;

/**
 * Single-threaded float GEMM on row-major arrays, C[m, n] (+)= A[m, k] · B[k, n]: the Vector API kernel
 * ({@link VectorSgemm}) when the JVM was started with {@code --add-modules jdk.incubator.vector}, else the plain
 * loops of {@link ScalarSgemm}, so a bare {@code java -jar} still computes (the command line prints a notice).
 */
final class Sgemm {
    /** Whether the boot layer holds the Vector API module; fixed for the JVM's lifetime. */
    static final boolean VECTOR_API = ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();

    private Sgemm() {
    }

    /** C = A·B (or C += A·B when {@code accumulate}). Leading dimensions are row strides in elements. */
    static void gemm(int m, int n, int k, float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                     float[] c, int cOff, int ldc, boolean accumulate) {
        if (VECTOR_API) {
            VectorSgemm.gemm(m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc, accumulate);
        } else {
            ScalarSgemm.gemm(m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc, accumulate);
        }
    }

    /** C = A·Bᵀ for A [m, k] and B [n, k], both with contiguous rows (the long dimension is k). */
    static void gemmNT(int m, int n, int k, float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                       float[] c, int cOff, int ldc) {
        if (VECTOR_API) {
            VectorSgemmNT.gemm(m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc);
        } else {
            ScalarSgemm.gemmNT(m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc);
        }
    }
}

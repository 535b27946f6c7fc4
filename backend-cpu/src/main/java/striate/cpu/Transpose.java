package striate.cpu;

/**
 * Out-of-place transpose of a row-major float matrix: by {@link VectorTranspose}'s gathers where the JVM has the
 * Vector API, else in square tiles so reads and writes both stay in cache.
 */
final class Transpose {
    private static final int TILE = 16;

    private Transpose() {
    }

    /** dst [cols, rows] (row stride rows) = srcᵀ, src [rows, cols] with row stride ld. */
    static void of(float[] src, int srcOff, int rows, int cols, int ld, float[] dst, int dstOff) {
        if (Sgemm.VECTOR_API) {
            VectorTranspose.of(src, srcOff, rows, cols, ld, dst, dstOff);
            return;
        }
        for (int i0 = 0; i0 < rows; i0 += TILE) {
            int i1 = Math.min(rows, i0 + TILE);
            for (int j0 = 0; j0 < cols; j0 += TILE) {
                int j1 = Math.min(cols, j0 + TILE);
                for (int i = i0; i < i1; i++) {
                    int s = srcOff + i * ld;
                    for (int j = j0; j < j1; j++) {
                        dst[dstOff + j * rows + i] = src[s + j];
                    }
                }
            }
        }
    }
}

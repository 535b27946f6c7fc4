package striate.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The Vector API transpose of a row-major float matrix: each vector of the output is one column of V consecutive
 * source rows, read by one gather (the source rows' offsets are a fixed index map) and stored contiguously; rows left
 * over below a multiple of V are copied element by element. Only loaded when the JVM has the module.
 */
final class VectorTranspose {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int V = S.length();

    private VectorTranspose() {
    }

    /** dst [cols, rows] (row stride rows) = srcᵀ, src [rows, cols] with row stride ld. */
    static void of(float[] src, int srcOff, int rows, int cols, int ld, float[] dst, int dstOff) {
        int[] rowOffsets = new int[V];
        for (int t = 0; t < V; t++) {
            rowOffsets[t] = t * ld;
        }
        int full = rows - rows % V;
        for (int i0 = 0; i0 < full; i0 += V) {
            int s = srcOff + i0 * ld;
            for (int j = 0; j < cols; j++) {
                FloatVector.fromArray(S, src, s + j, rowOffsets, 0).intoArray(dst, dstOff + j * rows + i0);
            }
        }
        for (int i = full; i < rows; i++) {
            int s = srcOff + i * ld;
            for (int j = 0; j < cols; j++) {
                dst[dstOff + j * rows + i] = src[s + j];
            }
        }
    }
}

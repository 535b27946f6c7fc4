package striate.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/**
 * Transpose.of against the definition dst[off + j·rows + i] = src[off + i·ld + j], on sizes around the vector width
 * (whole blocks of rows, blocks and a remainder, fewer rows than a vector), with offsets and a row stride wider than
 * the matrix; elements outside the destination matrix stay untouched.
 */
class TransposeTest {
    @Test
    void matchesTheDefinition() {
        int[] sizes = {1, 7, 15, 16, 17, 33, 49, 196};
        for (int rows : sizes) {
            for (int cols : sizes) {
                int ld = cols + 3;
                int srcOff = 5;
                int dstOff = 2;
                float[] src = new float[srcOff + rows * ld];
                for (int i = 0; i < src.length; i++) {
                    src[i] = i * 0.5f - 7;
                }
                float[] dst = new float[dstOff + rows * cols + 4];
                java.util.Arrays.fill(dst, -1f);
                Transpose.of(src, srcOff, rows, cols, ld, dst, dstOff);
                for (int i = 0; i < rows; i++) {
                    for (int j = 0; j < cols; j++) {
                        assertEquals(src[srcOff + i * ld + j], dst[dstOff + j * rows + i],
                                rows + "x" + cols + " at row " + i + ", column " + j);
                    }
                }
                for (int t = 0; t < dstOff; t++) {
                    assertEquals(-1f, dst[t], "before the matrix");
                }
                for (int t = dstOff + rows * cols; t < dst.length; t++) {
                    assertEquals(-1f, dst[t], "after the matrix");
                }
            }
        }
    }
}

package striate.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

/**
 * The row-major → column-major SGEMM mapping, checked by running the produced arguments through a column-major GEMM
 * written here exactly as cuBLAS defines it, on strided storage, against a plain row-major product.
 */
class GemmCallTest {
    /** cuBLAS's C = op(A)·op(B), column-major, with leading dimensions. */
    private static void sgemm(GemmCall c, double[] a, double[] b, double[] out) {
        for (int i = 0; i < c.m(); i++) {
            for (int j = 0; j < c.n(); j++) {
                double s = 0;
                for (int l = 0; l < c.k(); l++) {
                    double x = c.transA() ? a[l + i * c.lda()] : a[i + l * c.lda()];
                    double y = c.transB() ? b[j + l * c.ldb()] : b[l + j * c.ldb()];
                    s += x * y;
                }
                out[i + j * c.ldc()] = s;
            }
        }
    }

    /** Storage holding the logical [rows, cols] matrix v, row-major with ld, or as the transpose with ld. */
    private static double[] store(double[][] v, boolean transposed, int ld) {
        int rows = v.length;
        int cols = v[0].length;
        double[] s = new double[(transposed ? cols : rows) * ld];
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                s[transposed ? c * ld + r : r * ld + c] = v[r][c];
            }
        }
        return s;
    }

    private static double[][] matrix(int rows, int cols, int seed) {
        double[][] v = new double[rows][cols];
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                v[r][c] = ((r * 31 + c * 17 + seed * 7) % 13) - 6;
            }
        }
        return v;
    }

    @Test
    void everyTransposeAndStorageCombinationComputesTheProduct() {
        int m = 5;
        int n = 3;
        int k = 4;
        for (boolean opA : new boolean[] {false, true}) {
            for (boolean opB : new boolean[] {false, true}) {
                for (boolean storedA : new boolean[] {false, true}) {
                    for (boolean storedB : new boolean[] {false, true}) {
                        double[][] av = matrix(opA ? k : m, opA ? m : k, 1); // the operand as the op sees it
                        double[][] bv = matrix(opB ? n : k, opB ? k : n, 2);
                        int ldA = (storedA ? av.length : av[0].length) + 2; // padded rows: ld > width
                        int ldB = (storedB ? bv.length : bv[0].length) + 1;
                        GemmCall call = GemmCall.of(m, n, k, opA, opB, new GemmCall.Operand(storedA, ldA),
                                new GemmCall.Operand(storedB, ldB));
                        double[] y = new double[m * n];
                        sgemm(call, store(bv, storedB, ldB), store(av, storedA, ldA), y);
                        for (int i = 0; i < m; i++) {
                            for (int j = 0; j < n; j++) {
                                double want = 0;
                                for (int l = 0; l < k; l++) {
                                    want += (opA ? av[l][i] : av[i][l]) * (opB ? bv[j][l] : bv[l][j]);
                                }
                                assertEquals(want, y[i * n + j], "opA=" + opA + " opB=" + opB + " storedA=" + storedA
                                        + " storedB=" + storedB + " at " + i + "," + j);
                            }
                        }
                    }
                }
            }
        }
    }

    @Test
    void operandsAreReadFromStrides() {
        assertEquals(new GemmCall.Operand(false, 1025), GemmCall.Operand.of(7, 1025, 1025, 1));
        assertEquals(new GemmCall.Operand(true, 33), GemmCall.Operand.of(7, 33, 1, 33)); // columns of a wider [33, 33]
        assertEquals(new GemmCall.Operand(true, 7), GemmCall.Operand.of(7, 33, 1, 7));   // transpose of [33, 7]
        assertEquals(new GemmCall.Operand(false, 40), GemmCall.Operand.of(7, 33, 40, 1)); // slice of wider rows
        assertEquals(new GemmCall.Operand(false, 33), GemmCall.Operand.of(1, 33, 0, 1));  // one row, any stride
        assertEquals(new GemmCall.Operand(false, 1), GemmCall.Operand.of(7, 0, 0, 1));    // k = 0: ld stays >= 1
        assertNull(GemmCall.Operand.of(7, 33, 66, 2), "every other column needs a copy");
        assertNull(GemmCall.Operand.of(7, 33, 0, 0), "a broadcast needs a copy");
    }

    @Test
    void theCallSwapsOperandsAndSizes() {
        GemmCall c = GemmCall.of(7, 33, 1025, false, false, new GemmCall.Operand(false, 1025),
                new GemmCall.Operand(false, 33));
        assertEquals(new GemmCall(false, false, 33, 7, 1025, 33, 1025, 33), c);
    }
}

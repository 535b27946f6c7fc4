package striate.reference;

import striate.op.MatMulOp;
import striate.tensor.Tensor;

/** The reference matrix product: C [m, n] = op(A) · op(B), one double dot product per element. */
final class ReferenceMatMul {
    private ReferenceMatMul() {
    }

    static void matmul(MatMulOp op, Tensor[] in, Tensor out) {
        double[] a = in[0].toDoubleArray();
        double[] b = in[1].toDoubleArray();
        int m = Math.toIntExact(out.dim(0));
        int n = Math.toIntExact(out.dim(1));
        int k = Math.toIntExact(op.transposeA() ? in[0].dim(0) : in[0].dim(1));
        double[] c = new double[m * n];
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double s = 0;
                for (int p = 0; p < k; p++) {
                    double av = op.transposeA() ? a[p * m + i] : a[i * k + p];
                    double bv = op.transposeB() ? b[j * k + p] : b[p * n + j];
                    s += av * bv;
                }
                c[i * n + j] = s;
            }
        }
        out.copyFrom(c);
    }
}

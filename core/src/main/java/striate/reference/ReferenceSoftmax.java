package striate.reference;

import striate.op.LogSoftmaxOp;
import striate.op.SoftmaxOp;
import striate.tensor.Shape;
import striate.tensor.Tensor;

/**
 * Reference softmax and log-softmax along any axis, as [outer, d, inner] lines: the line's max subtracted, exp and
 * sum in double. The cross-entropy and k-max kernels read the same lines.
 */
final class ReferenceSoftmax {
    private ReferenceSoftmax() {
    }

    /** The tensor as [outer, d, inner] around {@code axis}, in int (the reference works on Java arrays). */
    static int[] split(Shape s, int axis) {
        long[] a = s.aroundAxis(axis);
        return new int[] {Math.toIntExact(a[0]), Math.toIntExact(a[1]), Math.toIntExact(a[2])};
    }

    static void softmax(SoftmaxOp op, Tensor[] in, Tensor out) {
        out.copyFrom(softmax(in[0], op.axis(), false));
    }

    static void logSoftmax(LogSoftmaxOp op, Tensor[] in, Tensor out) {
        out.copyFrom(softmax(in[0], op.axis(), true));
    }

    /** Softmax (or log-softmax) of t along axis, in double, row-major. */
    static double[] softmax(Tensor t, int axis, boolean log) {
        double[] x = t.toDoubleArray();
        int[] s = split(t.shape(), axis);
        int d = s[1];
        int inner = s[2];
        for (int o = 0; o < s[0]; o++) {
            for (int i = 0; i < inner; i++) {
                int base = o * d * inner + i;
                double max = Double.NEGATIVE_INFINITY;
                for (int j = 0; j < d; j++) {
                    max = Math.max(max, x[base + j * inner]);
                }
                double sum = 0;
                for (int j = 0; j < d; j++) {
                    sum += Math.exp(x[base + j * inner] - max);
                }
                double logSum = Math.log(sum);
                for (int j = 0; j < d; j++) {
                    double z = x[base + j * inner] - max;
                    x[base + j * inner] = log ? z - logSum : Math.exp(z) / sum;
                }
            }
        }
        return x;
    }
}

package striate.reference;

import java.util.Arrays;
import striate.op.CrossEntropyBackwardOp;
import striate.op.CrossEntropyOp;
import striate.op.KMaxPoolBackwardOp;
import striate.op.KMaxPoolOp;
import striate.op.LogSoftmaxOp;
import striate.op.ReduceFn;
import striate.op.ReduceOp;
import striate.op.SoftmaxOp;
import striate.tensor.Shape;
import striate.tensor.Tensor;

/** Reference kernels for reductions and the ops that work along one axis (softmax, losses, k-max). */
final class ReferenceReduce {
    private ReferenceReduce() {
    }

    static void reduce(ReduceOp op, Tensor[] in, Tensor out) {
        Shape xs = in[0].shape();
        double[] x = in[0].toDoubleArray();
        boolean[] reduced = op.reducedAxes(xs.rank());
        long[] keptStrides = op.keptShape(xs).contiguousStrides();
        double[] acc = new double[Math.toIntExact(out.size())];
        Arrays.fill(acc, op.fn() == ReduceFn.MAX ? Double.NEGATIVE_INFINITY : 0);
        long[] index = new long[xs.rank()];
        for (double v : x) {
            int o = 0;
            for (int a = 0; a < index.length; a++) {
                if (!reduced[a]) {
                    o += (int) (index[a] * keptStrides[a]);
                }
            }
            acc[o] = op.fn() == ReduceFn.MAX ? Math.max(acc[o], v) : acc[o] + v;
            for (int a = index.length - 1; a >= 0; a--) {
                if (++index[a] < xs.dim(a)) {
                    break;
                }
                index[a] = 0;
            }
        }
        out.copyFrom(acc);
    }

    /** The tensor as [outer, d, inner] around {@code axis}, in int (the reference works on Java arrays). */
    private static int[] split(Shape s, int axis) {
        long[] a = s.aroundAxis(axis);
        return new int[] {Math.toIntExact(a[0]), Math.toIntExact(a[1]), Math.toIntExact(a[2])};
    }

    static void softmax(SoftmaxOp op, Tensor[] in, Tensor out) {
        out.copyFrom(softmax(in[0], op.axis(), false));
    }

    static void logSoftmax(LogSoftmaxOp op, Tensor[] in, Tensor out) {
        out.copyFrom(softmax(in[0], op.axis(), true));
    }

    private static double[] softmax(Tensor t, int axis, boolean log) {
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

    static void crossEntropy(CrossEntropyOp op, Tensor[] in, Tensor out) {
        int n = Math.toIntExact(in[0].dim(0));
        int c = Math.toIntExact(in[0].dim(1));
        double[] logp = softmax(in[0], 1, true);
        int[] target = CrossEntropyOp.classIndices(in[1], c);
        double[] loss = new double[n];
        for (int r = 0; r < n; r++) {
            loss[r] = -logp[r * c + target[r]];
        }
        out.copyFrom(loss);
    }

    static void crossEntropyBackward(CrossEntropyBackwardOp op, Tensor[] in, Tensor out) {
        int n = Math.toIntExact(in[0].dim(0));
        int c = Math.toIntExact(in[0].dim(1));
        double[] p = softmax(in[0], 1, false);
        int[] target = CrossEntropyOp.classIndices(in[1], c);
        double[] dy = in[2].toDoubleArray();
        for (int r = 0; r < n; r++) {
            p[r * c + target[r]] -= 1;
            for (int j = 0; j < c; j++) {
                p[r * c + j] *= dy[r];
            }
        }
        out.copyFrom(p);
    }

    /** For each [outer, inner] line, the positions along the axis that k-max pooling keeps, ascending. */
    private static int[][] kMaxPositions(double[] x, int[] s, int k) {
        int d = s[1];
        int inner = s[2];
        int[][] keep = new int[s[0] * inner][];
        for (int o = 0; o < s[0]; o++) {
            for (int i = 0; i < inner; i++) {
                int base = o * d * inner + i;
                Integer[] order = new Integer[d];
                for (int j = 0; j < d; j++) {
                    order[j] = j;
                }
                // Largest first; stable sort keeps the earlier of equal values first.
                Arrays.sort(order, (p, q) -> Double.compare(x[base + q * inner], x[base + p * inner]));
                int[] top = new int[k];
                for (int j = 0; j < k; j++) {
                    top[j] = order[j];
                }
                Arrays.sort(top);
                keep[o * inner + i] = top;
            }
        }
        return keep;
    }

    static void kMaxPool(KMaxPoolOp op, Tensor[] in, Tensor out) {
        double[] x = in[0].toDoubleArray();
        int[] s = split(in[0].shape(), op.axis());
        int k = op.k();
        int inner = s[2];
        int[][] keep = kMaxPositions(x, s, k);
        double[] y = new double[Math.toIntExact(out.size())];
        for (int o = 0; o < s[0]; o++) {
            for (int i = 0; i < inner; i++) {
                int[] top = keep[o * inner + i];
                for (int j = 0; j < k; j++) {
                    y[o * k * inner + j * inner + i] = x[o * s[1] * inner + top[j] * inner + i];
                }
            }
        }
        out.copyFrom(y);
    }

    static void kMaxPoolBackward(KMaxPoolBackwardOp op, Tensor[] in, Tensor out) {
        double[] x = in[0].toDoubleArray();
        double[] dy = in[1].toDoubleArray();
        int[] s = split(in[0].shape(), op.axis());
        int k = op.k();
        int inner = s[2];
        int[][] keep = kMaxPositions(x, s, k);
        double[] dx = new double[x.length];
        for (int o = 0; o < s[0]; o++) {
            for (int i = 0; i < inner; i++) {
                int[] top = keep[o * inner + i];
                for (int j = 0; j < k; j++) {
                    dx[o * s[1] * inner + top[j] * inner + i] += dy[o * k * inner + j * inner + i];
                }
            }
        }
        out.copyFrom(dx);
    }
}

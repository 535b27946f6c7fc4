package striate.reference;

import java.util.Arrays;
import striate.op.KMaxPoolBackwardOp;
import striate.op.KMaxPoolOp;
import striate.tensor.Tensor;

/**
 * Reference k-max pooling along one axis: each [outer, inner] line keeps its k largest values in their original
 * order (the earlier of equal values first); backward sends dy to the kept positions.
 */
final class ReferenceKMaxPool {
    private ReferenceKMaxPool() {
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

    static void forward(KMaxPoolOp op, Tensor[] in, Tensor out) {
        double[] x = in[0].toDoubleArray();
        int[] s = ReferenceSoftmax.split(in[0].shape(), op.axis());
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

    static void backward(KMaxPoolBackwardOp op, Tensor[] in, Tensor out) {
        double[] x = in[0].toDoubleArray();
        double[] dy = in[1].toDoubleArray();
        int[] s = ReferenceSoftmax.split(in[0].shape(), op.axis());
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

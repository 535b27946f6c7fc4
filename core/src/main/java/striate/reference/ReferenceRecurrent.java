package striate.reference;

import striate.op.GruCellBackwardOp;
import striate.op.GruCellOp;
import striate.op.LstmCellBackwardOp;
import striate.op.LstmCellOp;
import striate.op.UnaryFn;
import striate.tensor.Tensor;

/**
 * Reference LSTM and GRU cells (PyTorch's gate orders i, f, g, o and r, z, n), forward and backward, element by
 * element in double. The backward kernels recompute the activations from the pre-activation inputs.
 */
final class ReferenceRecurrent {
    private ReferenceRecurrent() {
    }

    private static double sigmoid(double x) {
        return UnaryFn.SIGMOID.apply(x);
    }

    /** (gates [n, 4h], c [n, h]) → [2, n, h]: h' = o·tanh(c'), then c' = f·c + i·g. */
    static void lstmCell(LstmCellOp op, Tensor[] in, Tensor out) {
        double[] gates = in[0].toDoubleArray();
        double[] c = in[1].toDoubleArray();
        int n = Math.toIntExact(in[1].dim(0));
        int h = Math.toIntExact(in[1].dim(1));
        double[] y = new double[2 * n * h];
        for (int r = 0; r < n; r++) {
            for (int j = 0; j < h; j++) {
                int g0 = r * 4 * h + j;
                double i = sigmoid(gates[g0]);
                double f = sigmoid(gates[g0 + h]);
                double g = Math.tanh(gates[g0 + 2 * h]);
                double o = sigmoid(gates[g0 + 3 * h]);
                double c1 = f * c[r * h + j] + i * g;
                y[r * h + j] = o * Math.tanh(c1);
                y[n * h + r * h + j] = c1;
            }
        }
        out.copyFrom(y);
    }

    /** (dhc [2, n, h], gates [n, 4h], c [n, h]) → [n·5h]: dgates [n, 4h], then dc [n, h]. */
    static void lstmCellBackward(LstmCellBackwardOp op, Tensor[] in, Tensor out) {
        double[] dhc = in[0].toDoubleArray();
        double[] gates = in[1].toDoubleArray();
        double[] c = in[2].toDoubleArray();
        int n = Math.toIntExact(in[2].dim(0));
        int h = Math.toIntExact(in[2].dim(1));
        double[] d = new double[5 * n * h];
        for (int r = 0; r < n; r++) {
            for (int j = 0; j < h; j++) {
                int g0 = r * 4 * h + j;
                int e = r * h + j;
                double i = sigmoid(gates[g0]);
                double f = sigmoid(gates[g0 + h]);
                double g = Math.tanh(gates[g0 + 2 * h]);
                double o = sigmoid(gates[g0 + 3 * h]);
                double tc = Math.tanh(f * c[e] + i * g);
                double dh = dhc[e];
                double dc1 = dhc[n * h + e] + dh * o * (1 - tc * tc); // through h' = o·tanh(c') and directly
                d[g0] = dc1 * g * i * (1 - i);
                d[g0 + h] = dc1 * c[e] * f * (1 - f);
                d[g0 + 2 * h] = dc1 * i * (1 - g * g);
                d[g0 + 3 * h] = dh * tc * o * (1 - o);
                d[4 * n * h + e] = dc1 * f;
            }
        }
        out.copyFrom(d);
    }

    /** (xg [n, 3h], hg [n, 3h], h [n, h]) → h' = (1 − z)·n + z·h. */
    static void gruCell(GruCellOp op, Tensor[] in, Tensor out) {
        double[] xg = in[0].toDoubleArray();
        double[] hg = in[1].toDoubleArray();
        double[] hp = in[2].toDoubleArray();
        int n = Math.toIntExact(in[2].dim(0));
        int h = Math.toIntExact(in[2].dim(1));
        double[] y = new double[n * h];
        for (int r = 0; r < n; r++) {
            for (int j = 0; j < h; j++) {
                int g0 = r * 3 * h + j;
                double rg = sigmoid(xg[g0] + hg[g0]);
                double z = sigmoid(xg[g0 + h] + hg[g0 + h]);
                double nn = Math.tanh(xg[g0 + 2 * h] + rg * hg[g0 + 2 * h]);
                y[r * h + j] = (1 - z) * nn + z * hp[r * h + j];
            }
        }
        out.copyFrom(y);
    }

    /** (dy [n, h], xg, hg, h) → [n·7h]: dxg [n, 3h], dhg [n, 3h], then dh [n, h]. */
    static void gruCellBackward(GruCellBackwardOp op, Tensor[] in, Tensor out) {
        double[] dy = in[0].toDoubleArray();
        double[] xg = in[1].toDoubleArray();
        double[] hg = in[2].toDoubleArray();
        double[] hp = in[3].toDoubleArray();
        int n = Math.toIntExact(in[3].dim(0));
        int h = Math.toIntExact(in[3].dim(1));
        int dhgAt = 3 * n * h;
        int dhAt = 6 * n * h;
        double[] d = new double[7 * n * h];
        for (int r = 0; r < n; r++) {
            for (int j = 0; j < h; j++) {
                int g0 = r * 3 * h + j;
                int e = r * h + j;
                double rg = sigmoid(xg[g0] + hg[g0]);
                double z = sigmoid(xg[g0 + h] + hg[g0 + h]);
                double nn = Math.tanh(xg[g0 + 2 * h] + rg * hg[g0 + 2 * h]);
                double dn = dy[e] * (1 - z) * (1 - nn * nn); // d(pre-activation of n)
                double dz = dy[e] * (hp[e] - nn) * z * (1 - z);
                double dr = dn * hg[g0 + 2 * h] * rg * (1 - rg);
                d[g0] = dr;
                d[g0 + h] = dz;
                d[g0 + 2 * h] = dn;
                d[dhgAt + g0] = dr;
                d[dhgAt + g0 + h] = dz;
                d[dhgAt + g0 + 2 * h] = dn * rg;
                d[dhAt + e] = dy[e] * z;
            }
        }
        out.copyFrom(d);
    }
}

package striate.reference;

import java.util.Arrays;

import striate.backend.KernelTrace;
import striate.op.GruLayerBackwardOp;
import striate.op.GruLayerOp;
import striate.op.LstmLayerBackwardOp;
import striate.op.LstmLayerOp;
import striate.op.UnaryFn;
import striate.tensor.Tensor;

/**
 * Reference LSTM and GRU layers over whole sequences, forward and backpropagation through time (formulas and layouts
 * on {@link LstmLayerOp}, {@link LstmLayerBackwardOp}, {@link GruLayerOp}, {@link GruLayerBackwardOp}), element by
 * element in double, the hidden products as plain sums. With a zero state the first step's hidden product is skipped and
 * dh0, dc0 are zeros, as the ops say (the forward's trace path says which).
 */
final class ReferenceRecurrentLayer {
    /** The forward kernels' trace paths: whether the first step skipped its hidden product. */
    static final String ZERO_STATE = "from a zero state";
    static final String GIVEN_STATE = "from a given state";

    private ReferenceRecurrentLayer() {
    }

    private static double sigmoid(double x) {
        return UnaryFn.SIGMOID.apply(x);
    }

    /** row[r]·whhᵀ for every row r of the state st [n, h]: [n, rows of whh]. */
    private static double[] hidden(double[] st, double[] whh, int n, int h) {
        int g = whh.length / h;
        double[] p = new double[n * g];
        for (int r = 0; r < n; r++) {
            for (int q = 0; q < g; q++) {
                double sum = 0;
                for (int k = 0; k < h; k++) {
                    sum += st[r * h + k] * whh[q * h + k];
                }
                p[r * g + q] = sum;
            }
        }
        return p;
    }

    /** dg [n, G·h] (rows at dg0 of dgAll) · whh [G·h, h] → [n, h]. */
    private static double[] backHidden(double[] dgAll, int dg0, double[] whh, int n, int h) {
        int g = whh.length / h;
        double[] d = new double[n * h];
        for (int r = 0; r < n; r++) {
            for (int q = 0; q < g; q++) {
                double v = dgAll[dg0 + r * g + q];
                for (int k = 0; k < h; k++) {
                    d[r * h + k] += v * whh[q * h + k];
                }
            }
        }
        return d;
    }

    /** (xg [T·n, 4h], whh, bias, h0, c0) → [T·n·6h]: H, C, then the activated gates A. */
    static void lstmLayer(LstmLayerOp op, Tensor[] in, Tensor out) {
        KernelTrace.path(op.zeroState() ? ZERO_STATE : GIVEN_STATE);
        double[] xg = in[0].toDoubleArray();
        double[] whh = in[1].toDoubleArray();
        double[] bias = in[2].toDoubleArray();
        double[] hp = in[3].toDoubleArray();
        double[] cp = in[4].toDoubleArray();
        int n = Math.toIntExact(in[3].dim(0));
        int h = Math.toIntExact(in[3].dim(1));
        int steps = xg.length / (4 * n * h);
        int cAt = steps * n * h;
        int aAt = 2 * steps * n * h;
        double[] y = new double[6 * steps * n * h];
        for (int s = 0; s < steps; s++) {
            int t = LstmLayerOp.stepAt(s, steps, op.reverse());
            double[] p = s == 0 && op.zeroState() ? new double[n * 4 * h] : hidden(hp, whh, n, h);
            for (int r = 0; r < n; r++) {
                int row = t * n + r;
                for (int j = 0; j < h; j++) {
                    double[] act = new double[4];
                    for (int gate = 0; gate < 4; gate++) {
                        int q = gate * h + j;
                        double pre = xg[row * 4 * h + q] + bias[q] + p[r * 4 * h + q];
                        act[gate] = gate == 2 ? Math.tanh(pre) : sigmoid(pre);
                        y[aAt + row * 4 * h + q] = act[gate];
                    }
                    double c = act[1] * cp[r * h + j] + act[0] * act[2];
                    y[row * h + j] = act[3] * Math.tanh(c);
                    y[cAt + row * h + j] = c;
                }
            }
            hp = Arrays.copyOfRange(y, t * n * h, (t + 1) * n * h);
            cp = Arrays.copyOfRange(y, cAt + t * n * h, cAt + (t + 1) * n * h);
        }
        out.copyFrom(y);
    }

    /** (dy, y [T·n·6h], whh, c0) → [T·n·4h + 2nh]: dgates, dh0, dc0. */
    static void lstmLayerBackward(LstmLayerBackwardOp op, Tensor[] in, Tensor out) {
        double[] dy = in[0].toDoubleArray();
        double[] y = in[1].toDoubleArray();
        double[] whh = in[2].toDoubleArray();
        double[] c0 = in[3].toDoubleArray();
        int n = Math.toIntExact(in[3].dim(0));
        int h = Math.toIntExact(in[3].dim(1));
        int steps = y.length / (6 * n * h);
        int cAt = steps * n * h;
        int aAt = 2 * steps * n * h;
        double[] dg = new double[steps * n * 4 * h];
        double[] dh = new double[n * h]; // what flows into h_t from the later steps
        double[] dc = new double[n * h];
        for (int s = steps - 1; s >= 0; s--) {
            int t = LstmLayerOp.stepAt(s, steps, op.reverse());
            int before = op.reverse() ? t + 1 : t - 1;
            for (int r = 0; r < n; r++) {
                int row = t * n + r;
                for (int j = 0; j < h; j++) {
                    int e = row * h + j;
                    int a = aAt + row * 4 * h + j;
                    double i = y[a];
                    double f = y[a + h];
                    double g = y[a + 2 * h];
                    double o = y[a + 3 * h];
                    double cPrev = s == 0 ? c0[r * h + j] : y[cAt + before * n * h + r * h + j];
                    double tc = Math.tanh(y[cAt + e]);
                    double dhj = dy[e] + dh[r * h + j];
                    double dcj = dy[cAt + e] + dc[r * h + j] + dhj * o * (1 - tc * tc);
                    int d0 = row * 4 * h + j;
                    dg[d0] = dcj * g * i * (1 - i);
                    dg[d0 + h] = dcj * cPrev * f * (1 - f);
                    dg[d0 + 2 * h] = dcj * i * (1 - g * g);
                    dg[d0 + 3 * h] = dhj * tc * o * (1 - o);
                    dc[r * h + j] = dcj * f;
                }
            }
            dh = s == 0 && op.zeroState() ? new double[n * h] : backHidden(dg, t * n * 4 * h, whh, n, h);
        }
        if (op.zeroState()) {
            Arrays.fill(dc, 0);
        }
        double[] d = new double[dg.length + 2 * n * h];
        System.arraycopy(dg, 0, d, 0, dg.length);
        System.arraycopy(dh, 0, d, dg.length, n * h);
        System.arraycopy(dc, 0, d, dg.length + n * h, n * h);
        out.copyFrom(d);
    }

    /** (xg [T·n, 3h], whh, bih, bhh, h0) → [T·n·7h]: H, then each step's hg, then its r, z, n. */
    static void gruLayer(GruLayerOp op, Tensor[] in, Tensor out) {
        KernelTrace.path(op.zeroState() ? ZERO_STATE : GIVEN_STATE);
        double[] xg = in[0].toDoubleArray();
        double[] whh = in[1].toDoubleArray();
        double[] bih = in[2].toDoubleArray();
        double[] bhh = in[3].toDoubleArray();
        double[] hp = in[4].toDoubleArray();
        int n = Math.toIntExact(in[4].dim(0));
        int h = Math.toIntExact(in[4].dim(1));
        int steps = xg.length / (3 * n * h);
        int gAt = steps * n * h;
        int rAt = 4 * steps * n * h;
        double[] y = new double[7 * steps * n * h];
        for (int s = 0; s < steps; s++) {
            int t = LstmLayerOp.stepAt(s, steps, op.reverse());
            double[] p = s == 0 && op.zeroState() ? new double[n * 3 * h] : hidden(hp, whh, n, h);
            for (int r = 0; r < n; r++) {
                int row = t * n + r;
                for (int j = 0; j < h; j++) {
                    int x = row * 3 * h + j;
                    int g = r * 3 * h + j;
                    double hr = p[g] + bhh[j];
                    double hz = p[g + h] + bhh[h + j];
                    double hn = p[g + 2 * h] + bhh[2 * h + j];
                    double rg = sigmoid(xg[x] + bih[j] + hr);
                    double z = sigmoid(xg[x + h] + bih[h + j] + hz);
                    double nn = Math.tanh(xg[x + 2 * h] + bih[2 * h + j] + rg * hn);
                    y[row * h + j] = (1 - z) * nn + z * hp[r * h + j];
                    y[gAt + x] = hr;
                    y[gAt + x + h] = hz;
                    y[gAt + x + 2 * h] = hn;
                    y[rAt + x] = rg;
                    y[rAt + x + h] = z;
                    y[rAt + x + 2 * h] = nn;
                }
            }
            hp = Arrays.copyOfRange(y, t * n * h, (t + 1) * n * h);
        }
        out.copyFrom(y);
    }

    /** (dy, y [T·n·7h], whh, h0) → [2·T·n·3h + nh]: dxg, dhg, dh0. */
    static void gruLayerBackward(GruLayerBackwardOp op, Tensor[] in, Tensor out) {
        double[] dy = in[0].toDoubleArray();
        double[] y = in[1].toDoubleArray();
        double[] whh = in[2].toDoubleArray();
        double[] h0 = in[3].toDoubleArray();
        int n = Math.toIntExact(in[3].dim(0));
        int h = Math.toIntExact(in[3].dim(1));
        int steps = y.length / (7 * n * h);
        int gAt = steps * n * h;
        int rAt = 4 * steps * n * h;
        int part = steps * n * 3 * h;
        double[] d = new double[2 * part + n * h];
        double[] dh = new double[n * h]; // what flows into h_t from the later steps
        for (int s = steps - 1; s >= 0; s--) {
            int t = LstmLayerOp.stepAt(s, steps, op.reverse());
            int before = op.reverse() ? t + 1 : t - 1;
            double[] direct = new double[n * h];
            for (int r = 0; r < n; r++) {
                int row = t * n + r;
                for (int j = 0; j < h; j++) {
                    int x = row * 3 * h + j;
                    double rg = y[rAt + x];
                    double z = y[rAt + x + h];
                    double nn = y[rAt + x + 2 * h];
                    double hn = y[gAt + x + 2 * h];
                    double hPrev = s == 0 ? h0[r * h + j] : y[before * n * h + r * h + j];
                    double dj = dy[row * h + j] + dh[r * h + j];
                    double dn = dj * (1 - z) * (1 - nn * nn);
                    double dz = dj * (hPrev - nn) * z * (1 - z);
                    double dr = dn * hn * rg * (1 - rg);
                    d[x] = dr;
                    d[x + h] = dz;
                    d[x + 2 * h] = dn;
                    d[part + x] = dr;
                    d[part + x + h] = dz;
                    d[part + x + 2 * h] = dn * rg;
                    direct[r * h + j] = dj * z;
                }
            }
            if (s == 0 && op.zeroState()) {
                dh = new double[n * h];
                break;
            }
            dh = backHidden(d, part + t * n * 3 * h, whh, n, h);
            for (int e = 0; e < n * h; e++) {
                dh[e] += direct[e];
            }
        }
        System.arraycopy(dh, 0, d, 2 * part, n * h);
        out.copyFrom(d);
    }
}

package striate.cpu;

import static java.lang.foreign.ValueLayout.JAVA_FLOAT;

import java.lang.foreign.MemorySegment;
import striate.backend.KernelTrace;
import striate.op.GruLayerBackwardOp;
import striate.op.GruLayerOp;
import striate.op.Kernel;
import striate.op.LstmLayerBackwardOp;
import striate.op.LstmLayerOp;
import striate.op.UnaryFn;
import striate.tensor.HostStorage;
import striate.tensor.Tensor;

/**
 * The fused LSTM and GRU layers over whole sequences, forward and backpropagation through time (formulas and layouts
 * on {@link LstmLayerOp}, {@link LstmLayerBackwardOp}, {@link GruLayerOp}, {@link GruLayerBackwardOp}). Each step is
 * one product by {@link CpuMatMul} on the tensors' memory (h·W_hhᵀ straight into the step's gates, or the gates'
 * gradient times W_hh into the running state gradient, which lives in the output's dh0 and dc0 places until the
 * end), then the cell on the step's rows, in chunks on the intra-op pool: the full vectors by {@link VectorCells},
 * the ragged tail (or every column, off the Vector API or on heap memory) by a plain loop in double. Nothing is
 * allocated per step. Strided inputs are gathered first. Rows are independent and the products' results do not
 * depend on the thread count, so neither do these kernels'.
 */
final class CpuRecurrentLayer {
    private final IntraOpPool pool;
    private final CpuMatMul matmul;

    CpuRecurrentLayer(IntraOpPool pool, CpuMatMul matmul) {
        this.pool = pool;
        this.matmul = matmul;
    }

    private static double sigmoid(double x) {
        return UnaryFn.SIGMOID.apply(x);
    }

    private static double get(MemorySegment m, long at) {
        return m.getAtIndex(JAVA_FLOAT, at);
    }

    private static void set(MemorySegment m, long at, double v) {
        m.setAtIndex(JAVA_FLOAT, at, (float) v);
    }

    private static MemorySegment segment(Tensor out) {
        return ((HostStorage) out.storage()).segment();
    }

    private static void zero(MemorySegment m, long at, long count) {
        m.asSlice(at * 4, count * 4).fill((byte) 0);
    }

    /** (xg [T·n, 4h], whh [4h, h], bias [4h], h0, c0 [n, h]) → [T·n·6h]: H, C, A. */
    Kernel<LstmLayerOp> lstm() {
        return (op, in, out) -> {
            FloatRegion xg = FloatRegion.of(in[0]);
            FloatRegion whh = FloatRegion.of(in[1]);
            FloatRegion bias = FloatRegion.of(in[2]);
            FloatRegion h0 = FloatRegion.of(in[3]);
            FloatRegion c0 = FloatRegion.of(in[4]);
            MemorySegment y = segment(out);
            int n = Math.toIntExact(in[3].dim(0));
            int h = Math.toIntExact(in[3].dim(1));
            int steps = Math.toIntExact(in[0].dim(0) / n);
            long size = (long) steps * n * h;
            long hAt = out.offset();
            long cAt = hAt + size;
            long aAt = hAt + 2 * size;
            boolean vector = CpuRecurrent.vector(xg.segment(), bias.segment(), h0.segment(), c0.segment(), y);
            KernelTrace.path(vector ? "vector" : "plain");
            for (int s = 0; s < steps; s++) {
                int t = LstmLayerOp.stepAt(s, steps, op.reverse());
                long before = (long) (op.reverse() ? t + 1 : t - 1) * n * h;
                boolean hidden = s > 0 || !op.zeroState();
                MemorySegment cs = s == 0 ? c0.segment() : y;
                long cp = s == 0 ? c0.offset() : cAt + before;
                long a = aAt + (long) t * n * 4 * h;
                if (hidden) { // the gates [n, 4h] = h_{t−1}·W_hhᵀ
                    matmul.multiply(false, true, n, 4 * h, h, s == 0 ? h0.segment() : y,
                            s == 0 ? h0.offset() : hAt + before, whh.segment(), whh.offset(), y, a, false);
                }
                long now = (long) t * n * h;
                CpuRecurrent.forRows(pool, n, h, r -> {
                    long x0 = xg.offset() + ((long) t * n + r) * 4 * h;
                    long ar = a + (long) r * 4 * h;
                    long cr = cp + (long) r * h;
                    long h1 = hAt + now + (long) r * h;
                    long c1 = cAt + now + (long) r * h;
                    int j = vector ? VectorCells.lstmLayer(xg.segment(), x0, bias.segment(), bias.offset(), cs, cr,
                            hidden, y, ar, h1, c1, h) : 0;
                    for (; j < h; j++) {
                        double[] act = new double[4];
                        for (int gate = 0; gate < 4; gate++) {
                            long q = (long) gate * h + j;
                            double pre = (hidden ? get(y, ar + q) : 0) + get(xg.segment(), x0 + q)
                                    + get(bias.segment(), bias.offset() + q);
                            act[gate] = gate == 2 ? Math.tanh(pre) : sigmoid(pre);
                            set(y, ar + q, act[gate]);
                        }
                        double c = act[1] * get(cs, cr + j) + act[0] * act[2];
                        set(y, c1 + j, c);
                        set(y, h1 + j, act[3] * Math.tanh(c));
                    }
                });
            }
        };
    }

    /** (dy, y [T·n·6h], whh [4h, h], c0 [n, h]) → [T·n·4h + 2nh]: dgates, dh0, dc0. */
    Kernel<LstmLayerBackwardOp> lstmBackward() {
        return (op, in, out) -> {
            FloatRegion dy = FloatRegion.of(in[0]);
            FloatRegion y = FloatRegion.of(in[1]);
            FloatRegion whh = FloatRegion.of(in[2]);
            FloatRegion c0 = FloatRegion.of(in[3]);
            MemorySegment o = segment(out);
            int n = Math.toIntExact(in[3].dim(0));
            int h = Math.toIntExact(in[3].dim(1));
            int steps = Math.toIntExact(in[1].dim(0) / (6L * n * h));
            long size = (long) steps * n * h;
            long dgAt = out.offset();
            long dhr = dgAt + 4 * size; // dh flowing back into the step before: dh0 at the end
            long dcr = dhr + (long) n * h; // and dc: dc0 at the end
            MemorySegment ys = y.segment();
            long cAt = y.offset() + size;
            long aAt = y.offset() + 2 * size;
            zero(o, dhr, 2L * n * h);
            boolean vector = CpuRecurrent.vector(dy.segment(), ys, c0.segment(), o);
            KernelTrace.path(vector ? "vector" : "plain");
            for (int s = steps - 1; s >= 0; s--) {
                int t = LstmLayerOp.stepAt(s, steps, op.reverse());
                long now = (long) t * n * h;
                MemorySegment cs = s == 0 ? c0.segment() : ys;
                long cp = s == 0 ? c0.offset() : cAt + (long) (op.reverse() ? t + 1 : t - 1) * n * h;
                CpuRecurrent.forRows(pool, n, h, r -> {
                    long dh = dy.offset() + now + (long) r * h;
                    long dc = dh + size;
                    long hr = dhr + (long) r * h;
                    long cr = dcr + (long) r * h;
                    long a = aAt + (now + (long) r * h) * 4;
                    long ct = cAt + now + (long) r * h;
                    long cpr = cp + (long) r * h;
                    long dg = dgAt + (now + (long) r * h) * 4;
                    int j = vector ? VectorCells.lstmLayerBackward(dy.segment(), dh, dc, o, hr, cr, ys, a, ct, cs, cpr,
                            o, dg, h) : 0;
                    for (; j < h; j++) {
                        double i = get(ys, a + j);
                        double f = get(ys, a + h + j);
                        double g = get(ys, a + 2L * h + j);
                        double og = get(ys, a + 3L * h + j);
                        double tc = Math.tanh(get(ys, ct + j));
                        double dhj = get(dy.segment(), dh + j) + get(o, hr + j);
                        double dcj = get(dy.segment(), dc + j) + get(o, cr + j) + dhj * og * (1 - tc * tc);
                        set(o, dg + j, dcj * g * i * (1 - i));
                        set(o, dg + h + j, dcj * get(cs, cpr + j) * f * (1 - f));
                        set(o, dg + 2L * h + j, dcj * i * (1 - g * g));
                        set(o, dg + 3L * h + j, dhj * tc * og * (1 - og));
                        set(o, cr + j, dcj * f);
                    }
                });
                if (s == 0 && op.zeroState()) {
                    zero(o, dhr, 2L * n * h);
                } else { // dh into the step before = dgates_t [n, 4h] · W_hh [4h, h]
                    matmul.multiply(false, false, n, h, 4 * h, o, dgAt + now * 4, whh.segment(), whh.offset(), o, dhr,
                            false);
                }
            }
        };
    }

    /** (xg [T·n, 3h], whh [3h, h], bih, bhh [3h], h0 [n, h]) → [T·n·7h]: H, HG, R. */
    Kernel<GruLayerOp> gru() {
        return (op, in, out) -> {
            FloatRegion xg = FloatRegion.of(in[0]);
            FloatRegion whh = FloatRegion.of(in[1]);
            FloatRegion bih = FloatRegion.of(in[2]);
            FloatRegion bhh = FloatRegion.of(in[3]);
            FloatRegion h0 = FloatRegion.of(in[4]);
            MemorySegment y = segment(out);
            int n = Math.toIntExact(in[4].dim(0));
            int h = Math.toIntExact(in[4].dim(1));
            int steps = Math.toIntExact(in[0].dim(0) / n);
            long size = (long) steps * n * h;
            long hAt = out.offset();
            long gAt = hAt + size;
            long rAt = hAt + 4 * size;
            boolean vector = CpuRecurrent.vector(xg.segment(), bih.segment(), bhh.segment(), h0.segment(), y);
            KernelTrace.path(vector ? "vector" : "plain");
            for (int s = 0; s < steps; s++) {
                int t = LstmLayerOp.stepAt(s, steps, op.reverse());
                boolean hidden = s > 0 || !op.zeroState();
                MemorySegment hs = s == 0 ? h0.segment() : y;
                long hp = s == 0 ? h0.offset() : hAt + (long) (op.reverse() ? t + 1 : t - 1) * n * h;
                long now = (long) t * n * h;
                if (hidden) { // hg [n, 3h] = h_{t−1}·W_hhᵀ
                    matmul.multiply(false, true, n, 3 * h, h, hs, hp, whh.segment(), whh.offset(), y, gAt + now * 3,
                            false);
                }
                CpuRecurrent.forRows(pool, n, h, r -> {
                    long row = (now + (long) r * h) * 3;
                    long x0 = xg.offset() + row;
                    long g = gAt + row;
                    long act = rAt + row;
                    long hpr = hp + (long) r * h;
                    long h1 = hAt + now + (long) r * h;
                    int j = vector ? VectorCells.gruLayer(xg.segment(), x0, bih.segment(), bih.offset(), bhh.segment(),
                            bhh.offset(), hs, hpr, hidden, y, g, act, h1, h) : 0;
                    for (; j < h; j++) {
                        double[] hg = new double[3];
                        for (int gate = 0; gate < 3; gate++) {
                            long q = (long) gate * h + j;
                            hg[gate] = (hidden ? get(y, g + q) : 0) + get(bhh.segment(), bhh.offset() + q);
                            set(y, g + q, hg[gate]);
                        }
                        double rg = sigmoid(get(xg.segment(), x0 + j) + get(bih.segment(), bih.offset() + j) + hg[0]);
                        double z = sigmoid(get(xg.segment(), x0 + h + j) + get(bih.segment(), bih.offset() + h + j)
                                + hg[1]);
                        double nn = Math.tanh(get(xg.segment(), x0 + 2L * h + j)
                                + get(bih.segment(), bih.offset() + 2L * h + j) + rg * hg[2]);
                        set(y, act + j, rg);
                        set(y, act + h + j, z);
                        set(y, act + 2L * h + j, nn);
                        set(y, h1 + j, (1 - z) * nn + z * get(hs, hpr + j));
                    }
                });
            }
        };
    }

    /** (dy, y [T·n·7h], whh [3h, h], h0 [n, h]) → [2·T·n·3h + nh]: dxg, dhg, dh0. */
    Kernel<GruLayerBackwardOp> gruBackward() {
        return (op, in, out) -> {
            FloatRegion dy = FloatRegion.of(in[0]);
            FloatRegion y = FloatRegion.of(in[1]);
            FloatRegion whh = FloatRegion.of(in[2]);
            FloatRegion h0 = FloatRegion.of(in[3]);
            MemorySegment o = segment(out);
            int n = Math.toIntExact(in[3].dim(0));
            int h = Math.toIntExact(in[3].dim(1));
            int steps = Math.toIntExact(in[1].dim(0) / (7L * n * h));
            long size = (long) steps * n * h;
            long dxAt = out.offset();
            long dhgAt = dxAt + 3 * size;
            long rec = dhgAt + 3 * size; // dh flowing back into the step before: dh0 at the end
            MemorySegment ys = y.segment();
            long gAt = y.offset() + size;
            long rAt = y.offset() + 4 * size;
            zero(o, rec, (long) n * h);
            boolean vector = CpuRecurrent.vector(dy.segment(), ys, h0.segment(), o);
            KernelTrace.path(vector ? "vector" : "plain");
            for (int s = steps - 1; s >= 0; s--) {
                int t = LstmLayerOp.stepAt(s, steps, op.reverse());
                long now = (long) t * n * h;
                MemorySegment hs = s == 0 ? h0.segment() : ys;
                long hp = s == 0 ? h0.offset() : y.offset() + (long) (op.reverse() ? t + 1 : t - 1) * n * h;
                CpuRecurrent.forRows(pool, n, h, r -> {
                    long row = (now + (long) r * h) * 3;
                    long dh = dy.offset() + now + (long) r * h;
                    long rr = rec + (long) r * h;
                    long act = rAt + row;
                    long hn = gAt + row + 2L * h;
                    long hpr = hp + (long) r * h;
                    int j = vector ? VectorCells.gruLayerBackward(dy.segment(), dh, o, rr, ys, act, hn, hs, hpr, o,
                            dxAt + row, dhgAt + row, h) : 0;
                    for (; j < h; j++) {
                        double rg = get(ys, act + j);
                        double z = get(ys, act + h + j);
                        double nn = get(ys, act + 2L * h + j);
                        double d = get(dy.segment(), dh + j) + get(o, rr + j);
                        double dn = d * (1 - z) * (1 - nn * nn);
                        double dz = d * (get(hs, hpr + j) - nn) * z * (1 - z);
                        double dr = dn * get(ys, hn + j) * rg * (1 - rg);
                        long dx = dxAt + row + j;
                        long dhg = dhgAt + row + j;
                        set(o, dx, dr);
                        set(o, dx + h, dz);
                        set(o, dx + 2L * h, dn);
                        set(o, dhg, dr);
                        set(o, dhg + h, dz);
                        set(o, dhg + 2L * h, dn * rg);
                        set(o, rr + j, d * z);
                    }
                });
                if (s == 0 && op.zeroState()) {
                    zero(o, rec, (long) n * h);
                } else { // dh into the step before += dhg_t [n, 3h] · W_hh [3h, h]
                    matmul.multiply(false, false, n, h, 3 * h, o, dhgAt + now * 3, whh.segment(), whh.offset(), o,
                            rec, true);
                }
            }
        };
    }
}

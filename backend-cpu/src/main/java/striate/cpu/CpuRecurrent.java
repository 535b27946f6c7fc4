package striate.cpu;

import static java.lang.foreign.ValueLayout.JAVA_FLOAT;

import java.lang.foreign.MemorySegment;
import java.util.function.IntConsumer;
import striate.backend.KernelTrace;
import striate.op.GruCellBackwardOp;
import striate.op.GruCellOp;
import striate.op.Kernel;
import striate.op.LstmCellBackwardOp;
import striate.op.LstmCellOp;
import striate.op.UnaryFn;
import striate.tensor.HostStorage;
import striate.tensor.Tensor;

/**
 * The fused LSTM and GRU cells, forward and backward, each in one pass over its tensors (formulas on
 * {@link LstmCellOp}, {@link LstmCellBackwardOp}, {@link GruCellOp}, {@link GruCellBackwardOp}): rows of [n, h] in
 * chunks fixed by shape on the intra-op pool, each row's columns by {@link VectorCells} on off-heap memory with the
 * Vector API and the rest (the ragged tail, or every column when a tensor is in heap memory: a small output, a
 * gathered strided input) by a plain loop in double. Every element is independent, so results do not depend on the
 * thread count. Strided inputs are gathered first.
 */
final class CpuRecurrent {
    /** Elements of [n, h] per chunk: a few rows of a wide layer, many of a narrow one. */
    private static final int CHUNK = 1 << 13;
    private final IntraOpPool pool;

    CpuRecurrent(IntraOpPool pool) {
        this.pool = pool;
    }

    /** Runs row(r) for r in [0, n) in chunks of about {@link #CHUNK} elements of rows of h, on the pool. */
    static void forRows(IntraOpPool pool, int n, int h, IntConsumer row) {
        int rows = Math.max(1, CHUNK / Math.max(1, h));
        int chunks = Math.max(1, Math.ceilDiv(n, rows));
        pool.forEach(chunks, c -> {
            for (int r = c * rows; r < Math.min(n, (c + 1) * rows); r++) {
                row.accept(r);
            }
        });
    }

    private void forRows(int n, int h, IntConsumer row) {
        forRows(pool, n, h, row);
    }

    private static MemorySegment segment(Tensor out) {
        return ((HostStorage) out.storage()).segment();
    }

    /** Whether the vector loops may run: the Vector API is there and every segment is off-heap. */
    static boolean vector(MemorySegment... segments) {
        if (!Sgemm.VECTOR_API) {
            return false;
        }
        for (MemorySegment s : segments) {
            if (!s.isNative()) {
                return false;
            }
        }
        return true;
    }

    private static double get(MemorySegment m, long at) {
        return m.getAtIndex(JAVA_FLOAT, at);
    }

    private static void set(MemorySegment m, long at, double v) {
        m.setAtIndex(JAVA_FLOAT, at, (float) v);
    }

    private static double sigmoid(double x) {
        return UnaryFn.SIGMOID.apply(x);
    }

    /** (gates [n, 4h], c [n, h]) → [2, n, h]: h' then c'. */
    Kernel<LstmCellOp> lstmCell() {
        return (op, in, out) -> {
            FloatRegion gates = FloatRegion.of(in[0]);
            FloatRegion c = FloatRegion.of(in[1]);
            MemorySegment gs = gates.segment();
            MemorySegment cs = c.segment();
            MemorySegment y = segment(out);
            int n = Math.toIntExact(in[1].dim(0));
            int h = Math.toIntExact(in[1].dim(1));
            boolean vector = vector(gs, cs, y);
            KernelTrace.path(vector ? "vector" : "plain");
            forRows(n, h, r -> {
                long g = gates.offset() + (long) r * 4 * h;
                long c0 = c.offset() + (long) r * h;
                long h1 = out.offset() + (long) r * h;
                long c1 = h1 + (long) n * h;
                for (int j = vector ? VectorCells.lstm(gs, g, cs, c0, y, h1, c1, h) : 0; j < h; j++) {
                    double i = sigmoid(get(gs, g + j));
                    double f = sigmoid(get(gs, g + h + j));
                    double gg = Math.tanh(get(gs, g + 2L * h + j));
                    double o = sigmoid(get(gs, g + 3L * h + j));
                    double cj = f * get(cs, c0 + j) + i * gg;
                    set(y, h1 + j, o * Math.tanh(cj));
                    set(y, c1 + j, cj);
                }
            });
        };
    }

    /** (dhc [2, n, h], gates [n, 4h], c [n, h]) → [n·5h]: dgates [n, 4h] then dc [n, h]. */
    Kernel<LstmCellBackwardOp> lstmCellBackward() {
        return (op, in, out) -> {
            FloatRegion dhc = FloatRegion.of(in[0]);
            FloatRegion gates = FloatRegion.of(in[1]);
            FloatRegion c = FloatRegion.of(in[2]);
            MemorySegment ds = dhc.segment();
            MemorySegment gs = gates.segment();
            MemorySegment cs = c.segment();
            MemorySegment y = segment(out);
            int n = Math.toIntExact(in[2].dim(0));
            int h = Math.toIntExact(in[2].dim(1));
            boolean vector = vector(ds, gs, cs, y);
            KernelTrace.path(vector ? "vector" : "plain");
            forRows(n, h, r -> {
                long dh = dhc.offset() + (long) r * h;
                long dc1 = dh + (long) n * h;
                long g = gates.offset() + (long) r * 4 * h;
                long c0 = c.offset() + (long) r * h;
                long dg = out.offset() + (long) r * 4 * h;
                long dc = out.offset() + 4L * n * h + (long) r * h;
                int j = vector ? VectorCells.lstmBackward(ds, dh, dc1, gs, g, cs, c0, y, dg, dc, h) : 0;
                for (; j < h; j++) {
                    double i = sigmoid(get(gs, g + j));
                    double f = sigmoid(get(gs, g + h + j));
                    double gg = Math.tanh(get(gs, g + 2L * h + j));
                    double o = sigmoid(get(gs, g + 3L * h + j));
                    double cp = get(cs, c0 + j);
                    double tc = Math.tanh(f * cp + i * gg);
                    double dhj = get(ds, dh + j);
                    double dcj = get(ds, dc1 + j) + dhj * o * (1 - tc * tc);
                    set(y, dg + j, dcj * gg * i * (1 - i));
                    set(y, dg + h + j, dcj * cp * f * (1 - f));
                    set(y, dg + 2L * h + j, dcj * i * (1 - gg * gg));
                    set(y, dg + 3L * h + j, dhj * tc * o * (1 - o));
                    set(y, dc + j, dcj * f);
                }
            });
        };
    }

    /** (xg [n, 3h], hg [n, 3h], h [n, h]) → h' [n, h]. */
    Kernel<GruCellOp> gruCell() {
        return (op, in, out) -> {
            FloatRegion xg = FloatRegion.of(in[0]);
            FloatRegion hg = FloatRegion.of(in[1]);
            FloatRegion hp = FloatRegion.of(in[2]);
            MemorySegment xs = xg.segment();
            MemorySegment hgs = hg.segment();
            MemorySegment hs = hp.segment();
            MemorySegment y = segment(out);
            int n = Math.toIntExact(in[2].dim(0));
            int h = Math.toIntExact(in[2].dim(1));
            boolean vector = vector(xs, hgs, hs, y);
            KernelTrace.path(vector ? "vector" : "plain");
            forRows(n, h, r -> {
                long x = xg.offset() + (long) r * 3 * h;
                long hg0 = hg.offset() + (long) r * 3 * h;
                long h0 = hp.offset() + (long) r * h;
                long y0 = out.offset() + (long) r * h;
                for (int j = vector ? VectorCells.gru(xs, x, hgs, hg0, hs, h0, y, y0, h) : 0; j < h; j++) {
                    double rg = sigmoid(get(xs, x + j) + get(hgs, hg0 + j));
                    double z = sigmoid(get(xs, x + h + j) + get(hgs, hg0 + h + j));
                    double nn = Math.tanh(get(xs, x + 2L * h + j) + rg * get(hgs, hg0 + 2L * h + j));
                    set(y, y0 + j, (1 - z) * nn + z * get(hs, h0 + j));
                }
            });
        };
    }

    /** (dy [n, h], xg, hg, h) → [n·7h]: dxg [n, 3h], dhg [n, 3h], then dh [n, h]. */
    Kernel<GruCellBackwardOp> gruCellBackward() {
        return (op, in, out) -> {
            FloatRegion dy = FloatRegion.of(in[0]);
            FloatRegion xg = FloatRegion.of(in[1]);
            FloatRegion hg = FloatRegion.of(in[2]);
            FloatRegion hp = FloatRegion.of(in[3]);
            MemorySegment ds = dy.segment();
            MemorySegment xs = xg.segment();
            MemorySegment hgs = hg.segment();
            MemorySegment hs = hp.segment();
            MemorySegment y = segment(out);
            int n = Math.toIntExact(in[3].dim(0));
            int h = Math.toIntExact(in[3].dim(1));
            boolean vector = vector(ds, xs, hgs, hs, y);
            KernelTrace.path(vector ? "vector" : "plain");
            forRows(n, h, r -> {
                long d0 = dy.offset() + (long) r * h;
                long x = xg.offset() + (long) r * 3 * h;
                long hg0 = hg.offset() + (long) r * 3 * h;
                long h0 = hp.offset() + (long) r * h;
                long dx = out.offset() + (long) r * 3 * h;
                long dhg = dx + 3L * n * h;
                long dh0 = out.offset() + 6L * n * h + (long) r * h;
                int j = vector ? VectorCells.gruBackward(ds, d0, xs, x, hgs, hg0, hs, h0, y, dx, dhg, dh0, h) : 0;
                for (; j < h; j++) {
                    double rg = sigmoid(get(xs, x + j) + get(hgs, hg0 + j));
                    double z = sigmoid(get(xs, x + h + j) + get(hgs, hg0 + h + j));
                    double hn = get(hgs, hg0 + 2L * h + j);
                    double nn = Math.tanh(get(xs, x + 2L * h + j) + rg * hn);
                    double dyj = get(ds, d0 + j);
                    double dn = dyj * (1 - z) * (1 - nn * nn);
                    double dz = dyj * (get(hs, h0 + j) - nn) * z * (1 - z);
                    double dr = dn * hn * rg * (1 - rg);
                    set(y, dx + j, dr);
                    set(y, dx + h + j, dz);
                    set(y, dx + 2L * h + j, dn);
                    set(y, dhg + j, dr);
                    set(y, dhg + h + j, dz);
                    set(y, dhg + 2L * h + j, dn * rg);
                    set(y, dh0 + j, dyj * z);
                }
            });
        };
    }
}

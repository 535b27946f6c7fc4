package striate.cpu;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;
import striate.backend.KernelTrace;
import striate.op.Kernel;
import striate.op.ReduceFn;
import striate.op.ReduceOp;
import striate.tensor.HostStorage;
import striate.tensor.Tensor;

/**
 * Float32 sum and max over any set of axes, read where the input lies (a contiguous tensor is not copied), with
 * double accumulators. Neighbouring axes that are both reduced or both kept are merged first, which leaves one of
 * these forms for almost every use ([64, 6, 28, 28] over (0, 2, 3), a convolution's bias gradient, becomes
 * [64, 6, 784] over (0, 2)):
 * <ul>
 * <li>the innermost axis reduced, [r1, k, r2] over (0, 2), of which [r] (all) and [k, r2] (rows) are special
 * cases: each output's r1·r2 elements are cut into chunks of {@link #CHUNK} elements, the chunks are summed in
 * parallel ({@link FloatLoops#sum}, whole rows by {@link FloatLoops#sumRows}) and each output adds its chunks' sums
 * in order;</li>
 * <li>the innermost axis kept, [k1, r, k2] over (1): blocks of columns in parallel, each adding its rows in
 * order ({@link FloatLoops#accumulate}).</li>
 * </ul>
 * Chunks are fixed by shape, and each column adds its rows in order in whichever block, so results do not depend on
 * the thread count. Other forms (four or more
 * alternating axes) run one pass in row-major order on the calling thread; a rank-0 input is its own sum and max.
 */
final class CpuReduce implements Kernel<ReduceOp> {
    /** Elements one partial sum, or one task, covers at most (about: whole rows or 64-column blocks). */
    static final int CHUNK = 16_384;
    /** The widest block of columns one task of a sum over rows ([k1, r, k2] over r) takes. */
    private static final int KEPT_WIDTH = 4_096;

    private final IntraOpPool pool;
    private final FloatLoops loops = FloatLoops.best();

    CpuReduce(IntraOpPool pool) {
        this.pool = pool;
    }

    /** The input's axes after merging neighbours: sizes, and which are reduced. */
    private record Merged(int[] dims, boolean[] reduced) {
        static Merged of(Tensor t, boolean[] reducedAxes) {
            int[] dims = new int[t.rank()];
            boolean[] reduced = new boolean[t.rank()];
            int rank = 0;
            for (int a = 0; a < t.rank(); a++) {
                int d = Math.toIntExact(t.dim(a));
                if (rank > 0 && reduced[rank - 1] == reducedAxes[a]) {
                    dims[rank - 1] *= d;
                } else {
                    dims[rank] = d;
                    reduced[rank] = reducedAxes[a];
                    rank++;
                }
            }
            return new Merged(Arrays.copyOf(dims, rank), Arrays.copyOf(reduced, rank));
        }

        int rank() {
            return dims.length;
        }
    }

    @Override
    public void run(ReduceOp op, Tensor[] in, Tensor out) {
        Tensor t = in[0];
        FloatRegion x = FloatRegion.of(t);
        MemorySegment y = ((HostStorage) out.storage()).segment();
        if (t.rank() == 0) { // one value, reduced over no axis: itself
            KernelTrace.path("scalar");
            y.setAtIndex(ValueLayout.JAVA_FLOAT, out.offset(), x.segment().getAtIndex(ValueLayout.JAVA_FLOAT, x.offset()));
            return;
        }
        Merged m = Merged.of(t, op.reducedAxes(t.rank()));
        boolean max = op.fn() == ReduceFn.MAX;
        double[] acc = new double[Math.toIntExact(out.size())];
        int r = m.rank();
        int[] d = m.dims();
        if (t.size() == 0) {
            Arrays.fill(acc, max ? Double.NEGATIVE_INFINITY : 0);
        } else if (m.reduced()[r - 1] && r <= 3) { // [r2], [k, r2] or [r1, k, r2]
            KernelTrace.path("inner reduced");
            innerReduced(max, x, r == 3 ? d[0] : 1, r >= 2 ? d[r - 2] : 1, d[r - 1], acc);
        } else if (!m.reduced()[r - 1] && r >= 2 && r <= 3) { // [r, k2] or [k1, r, k2]
            KernelTrace.path("inner kept");
            innerKept(max, x, r == 3 ? d[0] : 1, d[r - 2], d[r - 1], acc);
        } else {
            KernelTrace.path("row-major");
            rowMajor(max, HostFloats.read(t), m, acc);
        }
        for (int i = 0; i < acc.length; i++) {
            y.setAtIndex(ValueLayout.JAVA_FLOAT, out.offset() + i, (float) acc[i]);
        }
    }

    /** acc[k] = Σ (or max) over r1 and j of x[(r1·k + k)·r2 + j]: chunks of one output's r1·r2 elements. */
    private void innerReduced(boolean max, FloatRegion x, int r1, int k, int r2, double[] acc) {
        long perOutput = (long) r1 * r2;
        int chunks = Math.toIntExact(Math.ceilDiv(perOutput, CHUNK));
        double[] partial = new double[k * chunks];
        int outputsPerTask = chunks == 1 ? Math.max(1, (int) (CHUNK / perOutput)) : 1; // small outputs: several
        int tasks = chunks == 1 ? Math.ceilDiv(k, outputsPerTask) : k * chunks;
        pool.forEach(tasks, task -> {
            if (chunks == 1) {
                for (int o = task * outputsPerTask; o < Math.min(k, (task + 1) * outputsPerTask); o++) {
                    partial[o] = span(max, x, k, r2, o, 0, perOutput);
                }
            } else {
                int o = task / chunks;
                long from = (long) (task % chunks) * CHUNK;
                partial[task] = span(max, x, k, r2, o, from, Math.min(perOutput, from + CHUNK));
            }
        });
        for (int o = 0; o < k; o++) {
            double a = max ? Double.NEGATIVE_INFINITY : 0;
            for (int c = 0; c < chunks; c++) {
                double p = partial[o * chunks + c];
                a = max ? Math.max(a, p) : a + p;
            }
            acc[o] = a;
        }
    }

    /**
     * Σ (or max) of output o's elements [from, to) in its own order (r1-major, then j); a sum takes the whole rows
     * between a first and a last partial one in one {@link FloatLoops#sumRows} call.
     */
    private double span(boolean max, FloatRegion x, int k, int r2, int o, long from, long to) {
        double a = max ? Double.NEGATIVE_INFINITY : 0;
        if (!max && to - from >= 2L * r2) {
            long firstRow = Math.ceilDiv(from, r2);
            long endRow = to / r2;
            double head = firstRow * r2 > from ? span(false, x, k, r2, o, from, firstRow * r2) : 0;
            double rows = loops.sumRows(x.segment(), x.offset() + (firstRow * k + o) * r2, r2,
                    Math.toIntExact(endRow - firstRow), (long) k * r2);
            double tail = endRow * r2 < to ? span(false, x, k, r2, o, endRow * r2, to) : 0;
            return head + rows + tail;
        }
        for (long e = from; e < to; ) {
            long row = e / r2;
            int j = (int) (e % r2);
            int n = (int) Math.min(r2 - j, to - e);
            long at = x.offset() + (row * k + o) * r2 + j;
            a = max ? Math.max(a, loops.max(x.segment(), at, n)) : a + loops.sum(x.segment(), at, n);
            e += n;
        }
        return a;
    }

    /**
     * acc[k1, j] = Σ (or max) over i of x[(k1·r + i)·k2 + j]: blocks of columns, rows added in order. Each column
     * adds its rows in order whatever block it is in, so the blocks may follow the thread count: one block of whole
     * rows per thread (read front to back), at most {@link #KEPT_WIDTH} columns (their accumulators stay in L1), at
     * least 64, or about {@link #CHUNK} elements when there are few rows.
     */
    private void innerKept(boolean max, FloatRegion x, int k1, int r, int k2, double[] acc) {
        if (max) {
            Arrays.fill(acc, Double.NEGATIVE_INFINITY);
        }
        int perThread = Math.min(KEPT_WIDTH, Math.ceilDiv(Math.ceilDiv(k2, pool.threads()), 64) * 64);
        int width = Math.min(k2, Math.max(Math.max(64, CHUNK / r / 64 * 64), perThread));
        int blocks = Math.ceilDiv(k2, width);
        pool.forEach(k1 * blocks, task -> {
            int o = task / blocks;
            int j0 = (task % blocks) * width;
            int n = Math.min(width, k2 - j0);
            for (int i = 0; i < r; i++) {
                loops.accumulate(max, x.segment(), x.offset() + ((long) o * r + i) * k2 + j0, acc, o * k2 + j0, n);
            }
        });
    }

    /** Any other form: one pass over x in row-major order, each row of the innermost axis summed or accumulated. */
    private void rowMajor(boolean max, float[] x, Merged m, double[] acc) {
        int rank = m.rank();
        int[] dims = m.dims();
        int[] outStride = new int[rank];
        for (int a = rank - 1, stride = 1; a >= 0; a--) {
            outStride[a] = m.reduced()[a] ? 0 : stride;
            stride *= m.reduced()[a] ? 1 : dims[a];
        }
        Arrays.fill(acc, max ? Double.NEGATIVE_INFINITY : 0);
        MemorySegment xs = MemorySegment.ofArray(x);
        int inner = dims[rank - 1];
        int[] index = new int[rank];
        for (int row = 0; row < x.length / inner; row++) {
            int o = 0;
            for (int a = 0; a < rank - 1; a++) {
                o += index[a] * outStride[a];
            }
            long base = (long) row * inner;
            if (m.reduced()[rank - 1]) {
                acc[o] = max ? Math.max(acc[o], loops.max(xs, base, inner)) : acc[o] + loops.sum(xs, base, inner);
            } else {
                loops.accumulate(max, xs, base, acc, o, inner);
            }
            for (int a = rank - 2; a >= 0; a--) {
                if (++index[a] < dims[a]) {
                    break;
                }
                index[a] = 0;
            }
        }
    }
}

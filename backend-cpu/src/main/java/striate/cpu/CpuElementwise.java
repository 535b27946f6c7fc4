package striate.cpu;

import static java.lang.foreign.ValueLayout.JAVA_FLOAT;

import java.lang.foreign.MemorySegment;
import striate.backend.KernelTrace;
import striate.op.AffineOp;
import striate.op.BinaryFn;
import striate.op.BinaryOp;
import striate.op.Kernel;
import striate.op.PowerOp;
import striate.op.UnaryOp;
import striate.op.WhereOp;
import striate.tensor.HostStorage;
import striate.tensor.Shape;
import striate.tensor.Tensor;

/**
 * Float32 elementwise kernels straight on the tensors' memory ({@link FloatLoops}: Vector API when available),
 * split into fixed chunks across the intra-op threads. Binary ops take a fast path for equal shapes, one value, and
 * a b whose dims are y's over one run of axes and 1 elsewhere: a trailing block (bias [c] over [n, c]) or values
 * repeated over the axes after the run (a channel [1, c, 1, 1] over [n, c, h, w], a reduction's [n, c, 1] over
 * [n, c, l]); other broadcasts are gathered to the output's shape first, as is a strided input.
 */
final class CpuElementwise {
    private static final int CHUNK = 1 << 14;
    private final IntraOpPool pool;
    private final FloatLoops loops = FloatLoops.best();

    CpuElementwise(IntraOpPool pool) {
        this.pool = pool;
    }

    /** The work on elements [from, from + n) of the output, whose memory is y at element yi. */
    private interface ChunkBody {
        void apply(long from, int n, MemorySegment y, long yi);
    }

    /** Runs body over out's elements in fixed chunks on the intra-op threads. */
    private void forChunks(Tensor out, ChunkBody body) {
        int n = Math.toIntExact(out.size());
        int chunks = Math.max(1, (n + CHUNK - 1) / CHUNK);
        MemorySegment y = ((HostStorage) out.storage()).segment();
        long yo = out.offset();
        pool.forEach(chunks, c -> {
            int from = c * CHUNK;
            body.apply(from, Math.min(n, from + CHUNK) - from, y, yo + from);
        });
    }

    Kernel<UnaryOp> unary() {
        return (op, in, out) -> {
            FloatRegion x = FloatRegion.of(in[0]);
            forChunks(out, (from, n, y, yi) -> loops.unary(op.fn(), x.segment(), x.offset() + from, y, yi, n));
        };
    }

    Kernel<AffineOp> affine() {
        return (op, in, out) -> {
            FloatRegion x = FloatRegion.of(in[0]);
            float scale = (float) op.scale();
            float shift = (float) op.shift();
            forChunks(out, (from, n, y, yi) -> loops.affine(scale, shift, x.segment(), x.offset() + from, y, yi, n));
        };
    }

    /** x^p; squares (tanh's derivative, L2 penalties) as x·x, which rounds exactly like the reference. */
    Kernel<PowerOp> power() {
        return (op, in, out) -> {
            FloatRegion x = FloatRegion.of(in[0]);
            forChunks(out, (from, n, y, yi) -> {
                if (op.exponent() == 2) {
                    loops.binary(BinaryFn.MUL, x.segment(), x.offset() + from, x.segment(), x.offset() + from, false,
                            y, yi, n);
                } else {
                    loops.power(op.exponent(), x.segment(), x.offset() + from, y, yi, n);
                }
            });
        };
    }

    /**
     * a (op) b with broadcasting. A broadcast a, or a b broadcast other than the two forms layers use, is gathered to
     * y's shape first.
     */
    Kernel<BinaryOp> binary() {
        return (op, in, out) -> {
            Shape ys = out.shape();
            Tensor a = in[0].shape().equals(ys) ? in[0] : in[0].expand(ys);
            Tensor b = in[1];
            if (isOneValue(a) && !isOneValue(b) && b.shape().equals(ys)
                    && (op.fn() == BinaryFn.ADD || op.fn() == BinaryFn.MUL)) {
                Tensor t = a; // one value broadcast over b (the gradient of a sum): swap, the fn commutes
                a = b;
                b = t;
            }
            if (isOneValue(b)) { // one value for every element: read in place, never gathered
                KernelTrace.path("one value");
                FloatRegion fa = FloatRegion.of(a);
                MemorySegment bs = ((HostStorage) b.storage()).segment();
                long bo = b.offset();
                forChunks(out, (from, n, y, yi) -> loops.binary(op.fn(), fa.segment(), fa.offset() + from, bs, bo, true,
                        y, yi, n));
                return;
            }
            int repeat = b.shape().equals(ys) ? 0 // trailing: b[i % period]; repeated: b[(i / repeat) % period]
                    : blockRepeat(b.shape(), ys);
            if (repeat <= 0) { // the same shape, or any other broadcast gathered to it
                KernelTrace.path(repeat == 0 ? "same shape" : "gathered");
                FloatRegion fa = FloatRegion.of(a);
                FloatRegion fb = FloatRegion.of(repeat == 0 ? b : b.expand(ys));
                forChunks(out, (from, n, y, yi) -> loops.binary(op.fn(), fa.segment(), fa.offset() + from,
                        fb.segment(), fb.offset() + from, false, y, yi, n));
                return;
            }
            KernelTrace.path(repeat == 1 ? "trailing" : "repeated");
            FloatRegion fa = FloatRegion.of(a);
            FloatRegion fb = FloatRegion.of(b);
            MemorySegment as = fa.segment();
            MemorySegment bs = fb.segment();
            long ao = fa.offset();
            long bo = fb.offset();
            int period = Math.toIntExact(b.size());
            forChunks(out, (from, n, y, yi) -> {
                long to = from + n;
                for (long i = from; i < to; ) {
                    int run;
                    if (repeat == 1) {
                        int j = (int) (i % period); // trailing block: b[j..] lines up with a[i..]
                        run = (int) Math.min(period - j, to - i);
                        loops.binary(op.fn(), as, ao + i, bs, bo + j, false, y, yi + (i - from), run);
                    } else {
                        long block = i / repeat; // repeated: one b value per run of repeat elements
                        run = (int) (Math.min((block + 1) * repeat, to) - i);
                        loops.binary(op.fn(), as, ao + i, bs, bo + block % period, true, y, yi + (i - from), run);
                    }
                    i += run;
                }
            });
        };
    }

    /** y = cond ≠ 0 ? a : b, the three gathered to y's shape where they broadcast. */
    Kernel<WhereOp> where() {
        return (op, in, out) -> {
            Shape ys = out.shape();
            FloatRegion c = FloatRegion.of(in[0].shape().equals(ys) ? in[0] : in[0].expand(ys));
            FloatRegion a = FloatRegion.of(in[1].shape().equals(ys) ? in[1] : in[1].expand(ys));
            FloatRegion b = FloatRegion.of(in[2].shape().equals(ys) ? in[2] : in[2].expand(ys));
            forChunks(out, (from, n, y, yi) -> {
                for (int t = 0; t < n; t++) {
                    float ct = c.segment().getAtIndex(JAVA_FLOAT, c.offset() + from + t);
                    MemorySegment pick = ct != 0 ? a.segment() : b.segment();
                    long at = (ct != 0 ? a.offset() : b.offset()) + from + t;
                    y.setAtIndex(JAVA_FLOAT, yi + t, pick.getAtIndex(JAVA_FLOAT, at));
                }
            });
        };
    }

    /** Every element of t is the one value at its offset: a single element, or a view expanded from one. */
    private static boolean isOneValue(Tensor t) {
        if (t.size() == 1) {
            return true;
        }
        if (t.isContiguous()) { // the common case, answered without copying the strides
            return false;
        }
        for (long stride : t.strides()) {
            if (stride != 0) {
                return false;
            }
        }
        return true;
    }

    /**
     * How many consecutive elements of y share one value of b, when b's dims (aligned to y's last axes) equal y's over
     * one run of axes and are 1 elsewhere: the product of y's dims after the run (1 for a trailing block); else -1.
     */
    private static int blockRepeat(Shape b, Shape y) {
        int o = y.rank() - b.rank(); // b's axis i is y's axis i + o
        int first = -1;
        int last = -1;
        for (int i = 0; i < b.rank(); i++) {
            if (b.dim(i) == 1) {
                continue;
            }
            if (b.dim(i) != y.dim(i + o) || (last >= 0 && last != i - 1)) {
                return -1;
            }
            first = first < 0 ? i : first;
            last = i;
        }
        if (first < 0) {
            return -1;
        }
        long repeat = 1;
        for (int i = last + o + 1; i < y.rank(); i++) {
            repeat *= y.dim(i);
        }
        return Math.toIntExact(repeat);
    }
}

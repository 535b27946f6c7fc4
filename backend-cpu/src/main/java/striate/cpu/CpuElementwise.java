package striate.cpu;

import java.lang.foreign.MemorySegment;
import striate.op.AffineOp;
import striate.op.BinaryFn;
import striate.op.BinaryOp;
import striate.op.Kernel;
import striate.op.PowerOp;
import striate.op.UnaryOp;
import striate.reference.ReferenceBackend;
import striate.tensor.HostStorage;
import striate.tensor.Shape;
import striate.tensor.Tensor;

/**
 * Float32 elementwise kernels straight on the tensors' memory ({@link FloatLoops}: Vector API when available),
 * split into fixed chunks across the intra-op threads. Binary ops take a fast path for equal shapes and for the
 * two broadcasts layers use — a trailing block (bias [c] over [n, c]) and a channel ([1, c, 1, 1] over
 * [n, c, h, w]); other broadcasts and other types use the reference kernels. A strided input is gathered once.
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
            if (!HostFloats.isF32(in[0])) {
                ReferenceBackend.KERNELS.get(op).run(op, in, out);
                return;
            }
            FloatRegion x = FloatRegion.of(in[0]);
            forChunks(out, (from, n, y, yi) -> loops.unary(op.fn(), x.segment(), x.offset() + from, y, yi, n));
        };
    }

    Kernel<AffineOp> affine() {
        return (op, in, out) -> {
            if (!HostFloats.isF32(in[0])) {
                ReferenceBackend.KERNELS.get(op).run(op, in, out);
                return;
            }
            FloatRegion x = FloatRegion.of(in[0]);
            float scale = (float) op.scale();
            float shift = (float) op.shift();
            forChunks(out, (from, n, y, yi) -> loops.affine(scale, shift, x.segment(), x.offset() + from, y, yi, n));
        };
    }

    /** x^p; squares (tanh's derivative, L2 penalties) as x·x, which rounds exactly like the reference. */
    Kernel<PowerOp> power() {
        return (op, in, out) -> {
            if (!HostFloats.isF32(in[0])) {
                ReferenceBackend.KERNELS.get(op).run(op, in, out);
                return;
            }
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

    Kernel<BinaryOp> binary() {
        return (op, in, out) -> {
            Shape ys = out.shape();
            Tensor a = in[0];
            Tensor b = in[1];
            if (!HostFloats.isF32(a) || !HostFloats.isF32(b) || !a.shape().equals(ys)) {
                ReferenceBackend.KERNELS.get(op).run(op, in, out);
                return;
            }
            if (isOneValue(a) && !isOneValue(b) && b.shape().equals(ys)
                    && (op.fn() == BinaryFn.ADD || op.fn() == BinaryFn.MUL)) {
                Tensor t = a; // one value broadcast over b (the gradient of a sum): swap, the fn commutes
                a = b;
                b = t;
            }
            if (isOneValue(b)) { // one value for every element: read in place, never gathered
                FloatRegion fa = FloatRegion.of(a);
                MemorySegment bs = ((HostStorage) b.storage()).segment();
                long bo = b.offset();
                forChunks(out, (from, n, y, yi) -> loops.binary(op.fn(), fa.segment(), fa.offset() + from, bs, bo, true,
                        y, yi, n));
                return;
            }
            FloatRegion fa = FloatRegion.of(a);
            FloatRegion fb = FloatRegion.of(b);
            MemorySegment as = fa.segment();
            MemorySegment bs = fb.segment();
            long ao = fa.offset();
            long bo = fb.offset();
            if (b.shape().equals(ys)) {
                forChunks(out, (from, n, y, yi) -> loops.binary(op.fn(), as, ao + from, bs, bo + from, false, y, yi,
                        n));
                return;
            }
            int period = Math.toIntExact(b.size()); // trailing: b[i % period]; channel: b[(i / repeat) % period]
            int repeat;
            if (isTrailing(b.shape(), ys)) {
                repeat = 1;
            } else if (isChannel(b.shape(), ys)) {
                repeat = Math.toIntExact(ys.dim(2) * ys.dim(3));
            } else {
                ReferenceBackend.KERNELS.get(op).run(op, in, out);
                return;
            }
            forChunks(out, (from, n, y, yi) -> {
                long to = from + n;
                for (long i = from; i < to; ) {
                    int run;
                    if (repeat == 1) {
                        int j = (int) (i % period); // trailing block: b[j..] lines up with a[i..]
                        run = (int) Math.min(period - j, to - i);
                        loops.binary(op.fn(), as, ao + i, bs, bo + j, false, y, yi + (i - from), run);
                    } else {
                        long block = i / repeat; // channel: one b value per run of repeat elements
                        run = (int) (Math.min((block + 1) * repeat, to) - i);
                        loops.binary(op.fn(), as, ao + i, bs, bo + block % period, true, y, yi + (i - from), run);
                    }
                    i += run;
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

    /** b's dims equal y's trailing dims (after dropping b's leading 1s): b repeats every b.size() elements. */
    private static boolean isTrailing(Shape b, Shape y) {
        int lead = 0;
        while (lead < b.rank() && b.dim(lead) == 1) {
            lead++;
        }
        int n = b.rank() - lead;
        if (n > y.rank()) {
            return false;
        }
        for (int i = 0; i < n; i++) {
            if (b.dim(lead + i) != y.dim(y.rank() - n + i)) {
                return false;
            }
        }
        return true;
    }

    /** b is [1, c, 1, 1] (or [c, 1, 1]) over y [n, c, h, w]. */
    private static boolean isChannel(Shape b, Shape y) {
        if (y.rank() != 4 || b.rank() < 3 || b.rank() > 4) {
            return false;
        }
        int o = 4 - b.rank();
        return (o == 1 || b.dim(0) == 1) && b.dim(1 - o) == y.dim(1) && b.dim(2 - o) == 1 && b.dim(3 - o) == 1;
    }
}

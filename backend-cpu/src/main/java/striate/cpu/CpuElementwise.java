package striate.cpu;

import java.lang.foreign.MemorySegment;
import striate.backend.KernelTrace;
import striate.op.AffineOp;
import striate.op.BinaryFn;
import striate.op.BinaryOp;
import striate.op.Kernel;
import striate.op.LeakyReluBackwardOp;
import striate.op.LeakyReluOp;
import striate.op.PowerOp;
import striate.op.UnaryOp;
import striate.op.WhereOp;
import striate.tensor.HostStorage;
import striate.tensor.Shape;
import striate.tensor.Tensor;

/**
 * Float32 elementwise kernels (and the fused LeakyReLU, forward and backward) straight on the tensors' memory ({@link FloatLoops}: Vector API when available),
 * split into fixed chunks across the intra-op threads. Binary ops read their operands in place in the forms of
 * {@link Broadcast}: equal shapes, one value, a trailing block (bias [c] over [n, c]) or values repeated over the
 * axes after a run (a channel [1, c, 1, 1] over [n, c, h, w], a reduction's [n, c, 1] over [n, c, l]), as tensors
 * of those shapes or as views expanded from them; other broadcasts are gathered to the output's shape first, as is a
 * strided input.
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

    Kernel<LeakyReluOp> leakyRelu() {
        return (op, in, out) -> {
            FloatRegion x = FloatRegion.of(in[0]);
            float slope = (float) op.slope();
            forChunks(out, (from, n, y, yi) -> loops.leakyRelu(slope, x.segment(), x.offset() + from, y, yi, n));
        };
    }

    Kernel<LeakyReluBackwardOp> leakyReluBackward() {
        return (op, in, out) -> {
            FloatRegion dy = FloatRegion.of(in[0]);
            FloatRegion x = FloatRegion.of(in[1]);
            float slope = (float) op.slope();
            forChunks(out, (from, n, y, yi) -> loops.leakyReluBackward(slope, dy.segment(), dy.offset() + from,
                    x.segment(), x.offset() + from, y, yi, n));
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

    /**
     * x^p; squares (tanh's derivative, L2 penalties, a variance) as x·x, which rounds exactly like the reference, and
     * x^1 (a square's derivative) as a copy.
     */
    Kernel<PowerOp> power() {
        return (op, in, out) -> {
            FloatRegion x = FloatRegion.of(in[0]);
            forChunks(out, (from, n, y, yi) -> {
                if (op.exponent() == 1) { // the derivative of a square: x itself, -0 and NaN bits included
                    MemorySegment.copy(x.segment(), (x.offset() + from) * 4, y, yi * 4, n * 4L);
                } else if (op.exponent() == 2) {
                    loops.binary(BinaryFn.MUL, x.segment(), x.offset() + from, x.segment(), x.offset() + from, false,
                            y, yi, n);
                } else {
                    loops.power(op.exponent(), x.segment(), x.offset() + from, y, yi, n);
                }
            });
        };
    }

    /**
     * a (op) b with broadcasting. Each operand is read in place in one of the {@link Broadcast} forms (an expanded
     * view too); a broadcast a before a full b swaps them where fn commutes; any other a, or a b of no form, is
     * gathered to y's shape first.
     */
    Kernel<BinaryOp> binary() {
        return (op, in, out) -> {
            Shape ys = out.shape();
            long size = ys.size();
            Broadcast a = Broadcast.of(in[0], ys);
            Broadcast b = Broadcast.of(in[1], ys);
            boolean commutes = op.fn() == BinaryFn.ADD || op.fn() == BinaryFn.MUL;
            if (a != null && !a.full(size) && b != null && b.full(size) && commutes) {
                Broadcast t = a; // a broadcast over a full b (a sum's gradient plus another): swap, the fn commutes
                a = b;
                b = t;
            }
            if (a == null || !a.full(size)) {
                a = gathered(in[0], ys);
            }
            boolean gatheredB = b == null;
            binary(op.fn(), a, gatheredB ? gathered(in[1], ys) : b, size, gatheredB, out);
        };
    }

    /** y = a (fn) b for a full a and b in any form ({@code gatheredB}: b was gathered to y's shape). */
    private void binary(BinaryFn fn, Broadcast a, Broadcast b, long size, boolean gatheredB, Tensor out) {
        MemorySegment as = a.segment();
        MemorySegment bs = b.segment();
        long ao = a.offset();
        long bo = b.offset();
        if (b.one()) { // one value for every element
            KernelTrace.path("one value");
            forChunks(out, (from, n, y, yi) -> loops.binary(fn, as, ao + from, bs, bo, true, y, yi, n));
            return;
        }
        if (b.full(size)) {
            KernelTrace.path(gatheredB ? "gathered" : "same shape");
            forChunks(out, (from, n, y, yi) -> loops.binary(fn, as, ao + from, bs, bo + from, false, y, yi, n));
            return;
        }
        long repeat = b.repeat();
        long period = b.period();
        KernelTrace.path(repeat == 1 ? "trailing" : "repeated");
        forChunks(out, (from, n, y, yi) -> {
            long to = from + n;
            for (long i = from; i < to; ) {
                int run;
                if (repeat == 1) {
                    long j = i % period; // trailing block: b[j..] lines up with a[i..]
                    run = (int) Math.min(period - j, to - i);
                    loops.binary(fn, as, ao + i, bs, bo + j, false, y, yi + (i - from), run);
                } else {
                    long block = i / repeat; // repeated: one b value per run of repeat elements
                    run = (int) (Math.min((block + 1) * repeat, to) - i);
                    loops.binary(fn, as, ao + i, bs, bo + block % period, true, y, yi + (i - from), run);
                }
                i += run;
            }
        });
    }

    /** t gathered to y's shape in row-major order (heap memory, read by the plain loops). */
    private static Broadcast gathered(Tensor t, Shape ys) {
        FloatRegion r = FloatRegion.of(t.shape().equals(ys) ? t : t.expand(ys));
        return new Broadcast(r.segment(), r.offset(), 1, ys.size());
    }

    /**
     * y = cond ≠ 0 ? a : b. Each of the three is read in place when it has y's shape or is one value (the zero of
     * a gradient), else gathered to y's shape first.
     */
    Kernel<WhereOp> where() {
        return (op, in, out) -> {
            Shape ys = out.shape();
            long size = ys.size();
            Broadcast[] v = new Broadcast[3];
            for (int k = 0; k < 3; k++) {
                Broadcast f = Broadcast.of(in[k], ys);
                v[k] = f != null && (f.full(size) || f.one()) ? f : gathered(in[k], ys);
            }
            Broadcast c = v[0];
            Broadcast a = v[1];
            Broadcast b = v[2];
            forChunks(out, (from, n, y, yi) -> loops.where(
                    c.segment(), c.offset() + (c.one() ? 0 : from), c.one(),
                    a.segment(), a.offset() + (a.one() ? 0 : from), a.one(),
                    b.segment(), b.offset() + (b.one() ? 0 : from), b.one(), y, yi, n));
        };
    }
}

package striate.cpu;

import static java.lang.foreign.ValueLayout.JAVA_FLOAT;

import java.lang.foreign.MemorySegment;
import striate.backend.KernelTrace;
import striate.op.AdamUpdateOp;
import striate.op.Kernel;
import striate.op.SgdUpdateOp;
import striate.tensor.HostStorage;
import striate.tensor.Tensor;

/**
 * The fused optimizer updates on contiguous float32 tensors, in place and in one pass over the memory of param, grad
 * and state (no copies to arrays); formulas on {@link SgdUpdateOp} and {@link AdamUpdateOp}, computed in float. On
 * off-heap memory with the Vector API, {@link VectorUpdates} takes the full vectors and the plain loop here the tail;
 * small tensors in heap arrays (a layer's bias) run the plain loop throughout, since a vector load that has seen a
 * heap segment slows every later one (see {@link VectorFloatLoops}). The plain loop computes each element with the
 * same float operations in the same order as a vector lane, so an update gives the same bits wherever its tensors
 * live. Large parameters (AlexNet's 4096×4096 layer is 64 MB, and the update reads and writes it with its state) are
 * split into fixed chunks on the intra-op pool; each element's update is independent, so results do not depend on
 * the thread count. A guarded update reads its flag (the last input) when it runs and changes nothing when it is not 0.
 */
final class CpuUpdates {
    /** Elements per chunk: 256 KB of each tensor, so the thread hand-off is small next to the memory traffic. */
    private static final int CHUNK = 1 << 16;

    /** One SGD step's constants in float, as both loops use them. */
    record Sgd(float lr, float momentum, float keep, float weightDecay, boolean useMomentum, boolean nesterov) {
        static Sgd of(SgdUpdateOp op) {
            return new Sgd((float) op.lr(), (float) op.momentum(), 1f - (float) op.dampening(),
                    (float) op.weightDecay(), op.momentum() != 0, op.nesterov());
        }
    }

    /** One Adam step's constants in float: l2 is coupled weight decay, decay AdamW's factor 1 − lr·wd (else 1). */
    record Adam(float lr, float beta1, float beta2, float eps, float l2, float decay, float c1, float c2) {
        /** The constants of {@code op} at step count {@code step} (read from the op's step tensor when it runs). */
        static Adam of(AdamUpdateOp op, double step) {
            float lr = (float) op.lr();
            float wd = (float) op.weightDecay();
            return new Adam(lr, (float) op.beta1(), (float) op.beta2(), (float) op.eps(), op.decoupled() ? 0f : wd,
                    op.decoupled() ? 1f - lr * wd : 1f, (float) (1 - Math.pow(op.beta1(), step)),
                    (float) (1 - Math.pow(op.beta2(), step)));
        }
    }

    private final IntraOpPool pool;

    CpuUpdates(IntraOpPool pool) {
        this.pool = pool;
    }

    /** Calls body(from, to) over [0, n) in chunks of {@link #CHUNK} elements on the pool. */
    private void forChunks(long n, Range body) {
        int chunks = Math.toIntExact(Math.max(1, Math.ceilDiv(n, CHUNK)));
        pool.forEach(chunks, c -> body.run((long) c * CHUNK, Math.min(n, (long) (c + 1) * CHUNK)));
    }

    @FunctionalInterface
    private interface Range {
        void run(long from, long to);
    }

    /** The tensor's elements as a segment from element 0. */
    private static MemorySegment segment(Tensor t) {
        return ((HostStorage) t.storage()).segment().asSlice(t.offset() * 4, t.size() * 4);
    }

    /** Whether the vector loop may run: the Vector API is there and every segment is off-heap. */
    private static boolean vector(MemorySegment... segments) {
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

    /** Whether a guarded update's flag, {@code in}'s last input, says to skip it: read now, as a replay must. */
    private static boolean skipped(boolean guarded, Tensor[] in) {
        return guarded && segment(in[in.length - 1]).getAtIndex(JAVA_FLOAT, 0) != 0f;
    }

    Kernel<SgdUpdateOp> sgd() {
        return (op, in, out) -> {
            if (skipped(op.guarded(), in)) {
                KernelTrace.path("skipped");
                return;
            }
            MemorySegment p = segment(in[0]);
            MemorySegment g = segment(in[1]);
            MemorySegment v = segment(in[2]);
            Sgd s = Sgd.of(op);
            boolean vector = vector(p, g, v);
            KernelTrace.path(vector ? "vector" : "plain");
            forChunks(in[0].size(), (from, to) -> {
                long i = vector ? VectorUpdates.sgd(s, p, g, v, from, to) : from;
                for (; i < to; i++) {
                    float pi = p.getAtIndex(JAVA_FLOAT, i);
                    float gi = g.getAtIndex(JAVA_FLOAT, i) + pi * s.weightDecay();
                    if (s.useMomentum()) {
                        float vi = v.getAtIndex(JAVA_FLOAT, i) * s.momentum() + gi * s.keep();
                        v.setAtIndex(JAVA_FLOAT, i, vi);
                        gi = s.nesterov() ? gi + vi * s.momentum() : vi;
                    }
                    p.setAtIndex(JAVA_FLOAT, i, pi - gi * s.lr());
                }
            });
        };
    }

    Kernel<AdamUpdateOp> adam() {
        return (op, in, out) -> {
            if (skipped(op.guarded(), in)) {
                KernelTrace.path("skipped");
                return;
            }
            MemorySegment p = segment(in[0]);
            MemorySegment g = segment(in[1]);
            MemorySegment m = segment(in[2]);
            MemorySegment v = segment(in[3]);
            Adam a = Adam.of(op, segment(in[4]).getAtIndex(JAVA_FLOAT, 0)); // the step count, read now
            boolean vector = vector(p, g, m, v);
            KernelTrace.path(vector ? "vector" : "plain");
            forChunks(in[0].size(), (from, to) -> {
                long i = vector ? VectorUpdates.adam(a, p, g, m, v, from, to) : from;
                for (; i < to; i++) {
                    float pi = p.getAtIndex(JAVA_FLOAT, i);
                    float gi = g.getAtIndex(JAVA_FLOAT, i) + pi * a.l2();
                    pi = pi * a.decay();
                    float mi = m.getAtIndex(JAVA_FLOAT, i) * a.beta1() + gi * (1f - a.beta1());
                    float vi = v.getAtIndex(JAVA_FLOAT, i) * a.beta2() + gi * gi * (1f - a.beta2());
                    m.setAtIndex(JAVA_FLOAT, i, mi);
                    v.setAtIndex(JAVA_FLOAT, i, vi);
                    float step = mi / a.c1() / ((float) Math.sqrt(vi / a.c2()) + a.eps()) * a.lr();
                    p.setAtIndex(JAVA_FLOAT, i, pi - step);
                }
            });
        };
    }
}

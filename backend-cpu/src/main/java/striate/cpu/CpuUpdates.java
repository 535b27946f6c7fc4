package striate.cpu;

import static java.lang.foreign.ValueLayout.JAVA_FLOAT;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
import striate.op.AdamUpdateOp;
import striate.op.Kernel;
import striate.op.SgdUpdateOp;
import striate.reference.ReferenceBackend;
import striate.tensor.HostStorage;
import striate.tensor.Tensor;

/**
 * The fused optimizer updates on float32, in place and in one pass over the off-heap memory of param, grad and
 * state (no copies to arrays): Vector API over full vectors, scalar tail. Formulas on {@link SgdUpdateOp} and
 * {@link AdamUpdateOp}; computed in float. Non-contiguous or non-float tensors go to the reference kernels.
 * Large parameters (AlexNet's 4096×4096 layer is 64 MB, and the update reads and writes it with its state) are
 * split into fixed chunks on the intra-op pool; each element's update is independent, so results do not depend
 * on the thread count. Registered only when the JVM has the Vector API module.
 */
final class CpuUpdates {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    /** Elements per chunk: 256 KB of each tensor, so the thread hand-off is small next to the memory traffic. */
    private static final int CHUNK = 1 << 16;

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

    private static boolean fast(Tensor[] in) {
        for (Tensor t : in) {
            // Native memory only: small tensors (a bias) may be heap segments, and a vector load site that has seen
            // one compiles to a slow generic load for every later caller in the process (see VectorFloatLoops).
            if (!HostFloats.isF32(t) || !t.isContiguous() || !segment(t).isNative()) {
                return false;
            }
        }
        return true;
    }

    private static MemorySegment segment(Tensor t) {
        return ((HostStorage) t.storage()).segment().asSlice(t.offset() * 4, t.size() * 4);
    }

    Kernel<SgdUpdateOp> sgd() {
        return (op, in, out) -> {
            if (!fast(in)) {
                ReferenceBackend.KERNELS.get(op).run(op, in, out);
                return;
            }
            MemorySegment p = segment(in[0]);
            MemorySegment g = segment(in[1]);
            MemorySegment v = segment(in[2]);
            long n = in[0].size();
            float lr = (float) op.lr();
            float mom = (float) op.momentum();
            float damp = 1f - (float) op.dampening();
            float wd = (float) op.weightDecay();
            boolean momentum = op.momentum() != 0;
            forChunks(n, (from, to) -> {
                long i = from;
                for (long bound = from + S.loopBound(to - from); i < bound; i += S.length()) {
                    long at = i * 4;
                    FloatVector pi = FloatVector.fromMemorySegment(S, p, at, ByteOrder.nativeOrder());
                    FloatVector gi = FloatVector.fromMemorySegment(S, g, at, ByteOrder.nativeOrder()).add(pi.mul(wd));
                    if (momentum) {
                        FloatVector vi = FloatVector.fromMemorySegment(S, v, at, ByteOrder.nativeOrder())
                                .mul(mom).add(gi.mul(damp));
                        vi.intoMemorySegment(v, at, ByteOrder.nativeOrder());
                        gi = op.nesterov() ? gi.add(vi.mul(mom)) : vi;
                    }
                    pi.sub(gi.mul(lr)).intoMemorySegment(p, at, ByteOrder.nativeOrder());
                }
                for (; i < to; i++) {
                    float pi = p.getAtIndex(JAVA_FLOAT, i);
                    float gi = g.getAtIndex(JAVA_FLOAT, i) + wd * pi;
                    if (momentum) {
                        float vi = mom * v.getAtIndex(JAVA_FLOAT, i) + damp * gi;
                        v.setAtIndex(JAVA_FLOAT, i, vi);
                        gi = op.nesterov() ? gi + mom * vi : vi;
                    }
                    p.setAtIndex(JAVA_FLOAT, i, pi - lr * gi);
                }
            });
        };
    }

    Kernel<AdamUpdateOp> adam() {
        return (op, in, out) -> {
            if (!fast(in)) {
                ReferenceBackend.KERNELS.get(op).run(op, in, out);
                return;
            }
            MemorySegment p = segment(in[0]);
            MemorySegment g = segment(in[1]);
            MemorySegment m = segment(in[2]);
            MemorySegment v = segment(in[3]);
            long n = in[0].size();
            float lr = (float) op.lr();
            float b1 = (float) op.beta1();
            float b2 = (float) op.beta2();
            float eps = (float) op.eps();
            float wd = (float) op.weightDecay();
            float decay = op.decoupled() ? 1f - lr * wd : 1f; // AdamW: param ·= 1 − lr·wd
            float l2 = op.decoupled() ? 0f : wd;
            float c1 = (float) (1 - Math.pow(op.beta1(), op.step()));
            float c2 = (float) (1 - Math.pow(op.beta2(), op.step()));
            forChunks(n, (from, to) -> {
                long i = from;
                for (long bound = from + S.loopBound(to - from); i < bound; i += S.length()) {
                    long at = i * 4;
                    FloatVector pi = FloatVector.fromMemorySegment(S, p, at, ByteOrder.nativeOrder());
                    FloatVector gi = FloatVector.fromMemorySegment(S, g, at, ByteOrder.nativeOrder()).add(pi.mul(l2));
                    pi = pi.mul(decay);
                    FloatVector mi = FloatVector.fromMemorySegment(S, m, at, ByteOrder.nativeOrder())
                            .mul(b1).add(gi.mul(1f - b1));
                    FloatVector vi = FloatVector.fromMemorySegment(S, v, at, ByteOrder.nativeOrder())
                            .mul(b2).add(gi.mul(gi).mul(1f - b2));
                    mi.intoMemorySegment(m, at, ByteOrder.nativeOrder());
                    vi.intoMemorySegment(v, at, ByteOrder.nativeOrder());
                    FloatVector step = mi.div(c1).div(vi.div(c2).lanewise(VectorOperators.SQRT).add(eps)).mul(lr);
                    pi.sub(step).intoMemorySegment(p, at, ByteOrder.nativeOrder());
                }
                for (; i < to; i++) {
                    float pi = p.getAtIndex(JAVA_FLOAT, i);
                    float gi = g.getAtIndex(JAVA_FLOAT, i) + l2 * pi;
                    pi *= decay;
                    float mi = b1 * m.getAtIndex(JAVA_FLOAT, i) + (1f - b1) * gi;
                    float vi = b2 * v.getAtIndex(JAVA_FLOAT, i) + (1f - b2) * gi * gi;
                    m.setAtIndex(JAVA_FLOAT, i, mi);
                    v.setAtIndex(JAVA_FLOAT, i, vi);
                    p.setAtIndex(JAVA_FLOAT, i,
                            pi - lr * (mi / c1) / ((float) Math.sqrt(vi / c2) + eps));
                }
            });
        };
    }
}

package striate.cpu;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The full vectors of {@link CpuUpdates}' SGD and Adam steps on off-heap segments: each lane computes what the plain
 * loop computes for its element, in the same order. Loaded only when the JVM has the Vector API module.
 */
final class VectorUpdates {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final ByteOrder ORDER = ByteOrder.nativeOrder();

    private VectorUpdates() {
    }

    /** SGD over the whole vectors of elements [from, to); returns the first element left for the plain loop. */
    static long sgd(CpuUpdates.Sgd s, MemorySegment p, MemorySegment g, MemorySegment v, long from, long to) {
        long i = from;
        for (long bound = from + S.loopBound(to - from); i < bound; i += S.length()) {
            long at = i * 4;
            FloatVector pi = FloatVector.fromMemorySegment(S, p, at, ORDER);
            FloatVector gi = FloatVector.fromMemorySegment(S, g, at, ORDER).add(pi.mul(s.weightDecay()));
            if (s.useMomentum()) {
                FloatVector vi = FloatVector.fromMemorySegment(S, v, at, ORDER).mul(s.momentum()).add(gi.mul(s.keep()));
                vi.intoMemorySegment(v, at, ORDER);
                gi = s.nesterov() ? gi.add(vi.mul(s.momentum())) : vi;
            }
            pi.sub(gi.mul(s.lr())).intoMemorySegment(p, at, ORDER);
        }
        return i;
    }

    /** Adam over the whole vectors of elements [from, to); returns the first element left for the plain loop. */
    static long adam(CpuUpdates.Adam a, MemorySegment p, MemorySegment g, MemorySegment m, MemorySegment v, long from,
                     long to) {
        long i = from;
        for (long bound = from + S.loopBound(to - from); i < bound; i += S.length()) {
            long at = i * 4;
            FloatVector pi = FloatVector.fromMemorySegment(S, p, at, ORDER);
            FloatVector gi = FloatVector.fromMemorySegment(S, g, at, ORDER).add(pi.mul(a.l2()));
            pi = pi.mul(a.decay());
            FloatVector mi = FloatVector.fromMemorySegment(S, m, at, ORDER).mul(a.beta1()).add(gi.mul(1f - a.beta1()));
            FloatVector vi = FloatVector.fromMemorySegment(S, v, at, ORDER).mul(a.beta2())
                    .add(gi.mul(gi).mul(1f - a.beta2()));
            mi.intoMemorySegment(m, at, ORDER);
            vi.intoMemorySegment(v, at, ORDER);
            FloatVector step = mi.div(a.c1()).div(vi.div(a.c2()).lanewise(VectorOperators.SQRT).add(a.eps()))
                    .mul(a.lr());
            pi.sub(step).intoMemorySegment(p, at, ORDER);
        }
        return i;
    }
}

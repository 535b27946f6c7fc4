package striate.cpu;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import striate.op.Kernel;
import striate.op.RandomUniformOp;
import striate.tensor.DType;
import striate.tensor.HostStorage;

/**
 * Uniform draws (dropout masks, RReLU slopes) in fixed chunks on the intra-op threads. Element i is the op's
 * counter-based value for i ({@link RandomUniformOp#valueAt}) rounded to the output type, as on every backend, so
 * the numbers depend neither on the thread count nor on the backend.
 */
final class CpuRandom {
    private static final int CHUNK = 1 << 14;

    private CpuRandom() {
    }

    static Kernel<RandomUniformOp> uniform(IntraOpPool pool) {
        return (op, in, out) -> {
            MemorySegment y = ((HostStorage) out.storage()).segment();
            long y0 = out.offset();
            long n = out.size();
            boolean f32 = out.dtype() == DType.F32;
            pool.forEach(Math.toIntExact(Math.max(1, Math.ceilDiv(n, CHUNK))), c -> {
                for (long i = (long) c * CHUNK; i < Math.min(n, (long) (c + 1) * CHUNK); i++) {
                    if (f32) {
                        y.setAtIndex(ValueLayout.JAVA_FLOAT, y0 + i, (float) op.valueAt(i));
                    } else {
                        y.setAtIndex(ValueLayout.JAVA_DOUBLE, y0 + i, op.valueAt(i));
                    }
                }
            });
        };
    }
}

package striate.cpu;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import striate.op.Kernel;
import striate.op.RandomDraw;
import striate.op.RandomNormalOp;
import striate.op.RandomUniformOp;
import striate.tensor.DType;
import striate.tensor.HostStorage;
import striate.tensor.Narrowing;
import striate.tensor.Tensor;

/**
 * Uniform and normal draws (dropout masks, RReLU slopes, latents) in fixed chunks on the intra-op threads. Element i is the op's
 * counter-based value for i ({@link RandomUniformOp#valueAt}) rounded to the output type, as on every backend, so
 * the numbers depend neither on the thread count nor on the backend.
 */
final class CpuRandom {
    private static final int CHUNK = 1 << 14;

    private CpuRandom() {
    }

    /** The kernel of both draws ({@link RandomUniformOp}, {@link RandomNormalOp}). */
    static <O extends RandomDraw> Kernel<O> draw(IntraOpPool pool) {
        return (op, in, out) -> fill(pool, out, seed(op, in), op);
    }

    /** Writes every element of {@code out} in chunks on the pool. */
    private static void fill(IntraOpPool pool, Tensor out, long seed, RandomDraw draw) {
        MemorySegment y = ((HostStorage) out.storage()).segment();
        long y0 = out.offset();
        long n = out.size();
        Store store = store(out.dtype());
        pool.forEach(Math.toIntExact(Math.max(1, Math.ceilDiv(n, CHUNK))), c -> {
            for (long i = (long) c * CHUNK; i < Math.min(n, (long) (c + 1) * CHUNK); i++) {
                store.at(y, y0 + i, draw.valueAt(seed, i));
            }
        });
    }

    /** The seed a draw uses: its own, or advanced by its stream's value (a float32 scalar read now). */
    private static long seed(RandomDraw op, Tensor[] in) {
        return op.streamed()
                ? op.seedAt(((HostStorage) in[0].storage()).segment().getAtIndex(ValueLayout.JAVA_FLOAT, in[0].offset()))
                : op.seed();
    }

    /** Writes one value, rounded to the output's type, at an element index. */
    @FunctionalInterface
    private interface Store {
        void at(MemorySegment y, long i, double v);
    }

    private static Store store(DType type) {
        return switch (type) {
            case F32 -> (y, i, v) -> y.setAtIndex(ValueLayout.JAVA_FLOAT, i, (float) v);
            case F64 -> (y, i, v) -> y.setAtIndex(ValueLayout.JAVA_DOUBLE, i, v);
            case BF16 -> (y, i, v) -> y.setAtIndex(ValueLayout.JAVA_SHORT, i, Narrowing.toBFloat16(v));
            case F16 -> (y, i, v) -> y.setAtIndex(ValueLayout.JAVA_SHORT, i, Narrowing.toFloat16(v));
            case I32 -> throw new IllegalArgumentException("RandomUniformOp: uniform draws are floating; the op "
                    + "refuses int32 outputs before any kernel runs");
        };
    }
}

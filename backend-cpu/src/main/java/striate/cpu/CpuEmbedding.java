package striate.cpu;

import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import striate.backend.HostCopy;
import striate.op.BinaryFn;
import striate.op.EmbeddingBackwardOp;
import striate.op.EmbeddingOp;
import striate.op.Kernel;
import striate.op.Op;
import striate.tensor.HostStorage;
import striate.tensor.Tensor;

/**
 * Float32 embedding lookup and its weight gradient. Forward: each position's row is one bulk copy from the weight,
 * positions in fixed chunks on the intra-op pool. Backward (deterministic): the positions are sorted by id (a stable
 * counting sort, so each id's positions stay in order), then output rows in fixed chunks: each row is zeroed and its
 * positions' dy rows are added in position order ({@link FloatLoops}), so every sum has one order whatever the thread
 * count; the padding row stays zero. Ids are read in place (strided ids are gathered) and checked before any work; a
 * strided dy (the text models' channels-first view) is gathered into native memory for the run.
 */
final class CpuEmbedding {
    /** Floats per chunk of output rows. */
    private static final int CHUNK = 1 << 14;
    private final IntraOpPool pool;
    private final FloatLoops loops = FloatLoops.best();

    CpuEmbedding(IntraOpPool pool) {
        this.pool = pool;
    }

    /** The ids in row-major order, each checked to lie in [0, rows); the error names the first that does not. */
    private static int[] ids(Op op, Tensor t, long rows) {
        int[] ids = new int[Math.toIntExact(t.size())];
        if (t.isContiguous()) {
            MemorySegment.copy(((HostStorage) t.storage()).segment(), JAVA_INT, t.offset() * 4, ids, 0, ids.length);
        } else {
            HostCopy.copy(t, MemorySegment.ofArray(ids));
        }
        for (int p = 0; p < ids.length; p++) {
            if (ids[p] < 0 || ids[p] >= rows) {
                throw EmbeddingOp.outOfRange(op, t.shape(), p, ids[p], rows);
            }
        }
        return ids;
    }

    /** Runs body(from, to) over [0, count) items of {@code width} floats, in chunks of about {@link #CHUNK} floats. */
    private void forChunks(int count, int width, Range body) {
        int per = Math.max(1, CHUNK / Math.max(1, width));
        int chunks = Math.max(1, Math.ceilDiv(count, per));
        pool.forEach(chunks, c -> body.run(c * per, Math.min(count, (c + 1) * per)));
    }

    @FunctionalInterface
    private interface Range {
        void run(int from, int to);
    }

    /** (weight [v, d], ids [...]) → y [..., d], y[p] = weight[ids[p]]. */
    Kernel<EmbeddingOp> forward() {
        return (op, in, out) -> {
            int[] ids = ids(op, in[1], in[0].dim(0));
            FloatRegion w = FloatRegion.of(in[0]);
            MemorySegment y = ((HostStorage) out.storage()).segment();
            long d = in[0].dim(1);
            forChunks(ids.length, (int) d, (from, to) -> {
                for (int p = from; p < to; p++) {
                    MemorySegment.copy(w.segment(), (w.offset() + ids[p] * d) * 4, y, (out.offset() + p * d) * 4,
                            d * 4);
                }
            });
        };
    }

    /** (dy [..., d], ids [...]) → dweight [v, d]: dy's rows summed per id in position order, the padding row zero. */
    Kernel<EmbeddingBackwardOp> backward() {
        return (op, in, out) -> {
            int v = Math.toIntExact(op.numWeights());
            int[] ids = ids(op, in[1], v);
            int[] start = new int[v + 1]; // positions of id r: order[start[r]] .. order[start[r + 1] − 1]
            for (int id : ids) {
                start[id + 1]++;
            }
            for (int r = 0; r < v; r++) {
                start[r + 1] += start[r];
            }
            int[] next = Arrays.copyOf(start, v);
            int[] order = new int[ids.length];
            for (int p = 0; p < ids.length; p++) {
                order[next[ids[p]]++] = p;
            }
            try (Arena arena = Arena.ofShared()) {
                rowSums(op, nativeRegion(in[0], arena), start, order, out);
            }
        };
    }

    /**
     * t's elements in row-major order in native memory: its own storage when contiguous, else gathered into arena
     * (a heap copy would send the vector loops to their scalar form).
     */
    private static FloatRegion nativeRegion(Tensor t, Arena arena) {
        if (t.isContiguous()) {
            return FloatRegion.of(t);
        }
        MemorySegment gathered = arena.allocate(t.size() * 4, 64);
        HostCopy.copy(t, gathered);
        return new FloatRegion(gathered, 0);
    }

    /** dweight's rows r: zero, then dy's rows order[start[r]] .. order[start[r + 1] − 1] added in that order. */
    private void rowSums(EmbeddingBackwardOp op, FloatRegion dy, int[] start, int[] order, Tensor out) {
        int v = Math.toIntExact(op.numWeights());
        MemorySegment y = ((HostStorage) out.storage()).segment();
        int d = Math.toIntExact(out.dim(1));
        forChunks(v, d, (from, to) -> {
            MemorySegment rows = y.asSlice((out.offset() + (long) from * d) * 4, (long) (to - from) * d * 4);
            rows.fill((byte) 0);
            for (int r = from; r < to; r++) {
                if (r == op.paddingIdx()) {
                    continue;
                }
                long at = out.offset() + (long) r * d;
                for (int k = start[r]; k < start[r + 1]; k++) {
                    long src = dy.offset() + (long) order[k] * d;
                    loops.binary(BinaryFn.ADD, y, at, dy.segment(), src, false, y, at, d);
                }
            }
        });
    }
}

package striate.cuda;

import static striate.cuda.CudaBackend.contiguous;
import static striate.cuda.CudaBackend.of;
import static striate.cuda.CudaBackend.pointer;

import striate.op.EmbeddingBackwardOp;
import striate.op.EmbeddingOp;
import striate.op.Op;
import striate.tensor.Tensor;

/**
 * Embedding lookup and its weight gradient (kernels/src/main/cuda/embedding.cu). The gradient is deterministic without
 * float atomics: one block per output row, whose warps add the dy rows of that row's positions in position order (a
 * ballot over the ids), so a sum never depends on scheduling. The kernels flag the first id outside [0, v); the flag
 * is read back (one 4-byte copy, a sync) and becomes the reference's error naming the position and the value.
 */
final class CudaEmbedding {
    static final int THREADS = 256; // EMBEDDING_THREADS in embedding.cu
    private static final int MAX_BLOCKS = 1 << 16;
    private static final int NONE = Integer.MAX_VALUE;

    private CudaEmbedding() {
    }

    static void forward(EmbeddingOp op, Tensor[] in, Tensor out) {
        CudaElementwise.requireF32(op.name(), in[0]);
        Tensor w = contiguous(in[0]);
        Tensor ids = contiguous(in[1]);
        CudaBackend b = of(out);
        CudaStorage bad = b.flag(NONE);
        LaunchArgs args = new LaunchArgs().i64(ids.size()).i64(w.dim(1)).i32(CudnnSoftmax.toInt(w.dim(0)))
                .ptr(w).ptr(ids).ptr(pointer(out)).ptr(bad.pointer(0)); // w and ids held: they may be copies made here
        b.gpu().launch(Symbols.EMBEDDING, out.size(), args);
        b.check(bad, position -> check(op, position, in[1], w.dim(0)));
    }

    static void backward(EmbeddingBackwardOp op, Tensor[] in, Tensor out) {
        CudaElementwise.requireF32(op.name(), in[0]);
        Tensor dy = contiguous(in[0]);
        Tensor ids = contiguous(in[1]);
        int v = CudnnSoftmax.toInt(op.numWeights());
        if (v == 0) { // no rows (a launch of no blocks is refused): nothing to write, and any id is out of range
            if (in[1].size() > 0) {
                check(op, 0, in[1], v);
            }
            return;
        }
        CudaBackend b = of(out);
        CudaStorage bad = b.flag(NONE);
        LaunchArgs args = new LaunchArgs().i32(CudnnSoftmax.toInt(ids.size())).i32(CudnnSoftmax.toInt(dy.dim(-1)))
                .i32(v).i32(op.paddingIdx()).ptr(dy).ptr(ids).ptr(pointer(out)) // dy and ids held: copies made here
                .ptr(bad.pointer(0));
        b.gpu().launch(Symbols.EMBEDDING_BACKWARD, Math.min(v, MAX_BLOCKS), THREADS, args);
        b.check(bad, position -> check(op, position, in[1], v));
    }

    /** The reference's error for the first bad position, if the kernel flagged one. */
    private static void check(Op op, int position, Tensor ids, long rows) {
        if (position != NONE) {
            throw EmbeddingOp.outOfRange(op, ids.shape(), position, ids.toIntArray()[position], rows);
        }
    }
}

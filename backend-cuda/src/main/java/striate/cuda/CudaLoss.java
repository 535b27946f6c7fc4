package striate.cuda;

import static striate.cuda.CudaBackend.contiguous;
import static striate.cuda.CudaBackend.of;
import static striate.cuda.CudaBackend.pointer;

import striate.op.CrossEntropyBackwardOp;
import striate.op.CrossEntropyOp;
import striate.tensor.Tensor;

/**
 * Cross-entropy from logits and its gradient (kernels/src/main/cuda/loss.cu), one block per row of logits [n, c].
 * The kernels flag a target outside [0, c) (the op's ignored index aside: loss 0, a zero gradient row); the forward's
 * flag is read back (one 4-byte copy, a sync) and becomes the same error the reference gives. The backward reads the
 * forward's targets, so its flag is not read: a second wait per step would stop the host from queueing the rest of
 * backward and the update ahead of the GPU. (A bad target there only misses its −1 term; it indexes nothing.)
 */
final class CudaLoss {
    static final int THREADS = 256; // LOSS_THREADS in loss.cu
    private static final int MAX_BLOCKS = 1 << 16;

    private CudaLoss() {
    }

    static void crossEntropy(CrossEntropyOp op, Tensor[] in, Tensor out) {
        run(op, Symbols.CROSS_ENTROPY, in[0], in[1], null, out);
    }

    static void crossEntropyBackward(CrossEntropyBackwardOp op, Tensor[] in, Tensor out) {
        run(op.forward(), Symbols.CROSS_ENTROPY_BACKWARD, in[0], in[1], contiguous(in[2]), out);
    }

    private static void run(CrossEntropyOp op, String kernel, Tensor logits, Tensor target, Tensor dy, Tensor out) {
        CudaElementwise.requireF32(op.name(), logits);
        Tensor x = contiguous(logits);
        Tensor t = contiguous(target);
        int n = CudnnSoftmax.toInt(x.dim(0));
        int c = CudnnSoftmax.toInt(x.dim(1));
        if (n == 0) {
            return;
        }
        CudaBackend b = of(out);
        CudaStorage bad = b.flag(Integer.MAX_VALUE); // the lowest bad row, or this
        boolean ignoring = op.ignoreIndex() != CrossEntropyOp.NO_IGNORE;
        LaunchArgs args = new LaunchArgs().i32(n).i32(c).i32(ignoring ? 1 : 0).i32(op.ignoreIndex())
                .ptr(x).ptr(t); // held until the launch has queued: x and t may be copies made here
        if (dy != null) {
            args.ptr(dy);
        }
        args.ptr(pointer(out)).ptr(bad.pointer(0));
        b.gpu().launch(kernel, Math.min(n, MAX_BLOCKS), THREADS, args);
        if (dy != null) { // the backward's labels are the forward's, which its check read: no second wait for the GPU
            bad.close(); // stream-ordered: the kernel writes it before any later use of the block
            return;
        }
        b.check(bad, row -> {
            if (row != Integer.MAX_VALUE) {
                throw op.outOfRange(row, t.toIntArray()[row], c);
            }
        });
    }
}

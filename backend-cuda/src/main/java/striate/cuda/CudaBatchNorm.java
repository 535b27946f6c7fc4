package striate.cuda;

import static striate.cuda.CudaBackend.contiguous;
import static striate.cuda.CudaBackend.of;
import static striate.cuda.CudaBackend.pointer;

import striate.op.BatchNormBackwardOp;
import striate.op.BatchNormOp;
import striate.tensor.Tensor;

/**
 * Training-mode batch norm, forward and backward (kernels/src/main/cuda/batchnorm.cu): one launch each, one block per
 * channel that reduces the channel in double and then writes it, so results are deterministic. x [n, c, ...] is read
 * as [n, c, s]; strided inputs are made dense on the device first; outputs are the ops' [x.size + 2c] layouts.
 */
final class CudaBatchNorm {
    static final int THREADS = 256; // BN_THREADS in batchnorm.cu
    private static final int MAX_BLOCKS = 1 << 16;

    private CudaBatchNorm() {
    }

    /** (n, c, s) of x [n, c, ...] as the kernels take them. */
    private static LaunchArgs dims(Tensor x) {
        long n = x.dim(0);
        long c = x.dim(1);
        return new LaunchArgs().i64(n).i64(c).i64(x.size() / Math.max(1, n * c));
    }

    private static LaunchArgs inputs(String op, LaunchArgs args, Tensor... in) {
        for (Tensor t : in) {
            CudaElementwise.requireF32(op, t);
            args.ptr(contiguous(t)); // the dense copy is held until the launch
        }
        return args;
    }

    private static void launch(String kernel, Tensor x, Tensor out, LaunchArgs args) {
        int blocks = (int) Math.min(x.dim(1), MAX_BLOCKS);
        if (blocks > 0) {
            of(out).gpu().launch(kernel, blocks, THREADS, args.ptr(pointer(out)));
        }
    }

    static void forward(BatchNormOp op, Tensor[] in, Tensor out) {
        launch(Symbols.BATCH_NORM, in[0], out, inputs(op.name(), dims(in[0]).f64(op.eps()), in[0], in[1], in[2]));
    }

    static void backward(BatchNormBackwardOp op, Tensor[] in, Tensor out) {
        launch(Symbols.BATCH_NORM_BACKWARD, in[1], out, inputs(op.name(), dims(in[1]), in[0], in[1], in[2], in[3],
                in[4]));
    }
}

package striate.cuda;

import static striate.cuda.CudaBackend.contiguous;
import static striate.cuda.CudaBackend.of;

import jcuda.driver.CUdeviceptr;
import striate.op.KMaxPoolBackwardOp;
import striate.op.KMaxPoolOp;
import striate.op.Pool2dBackwardOp;
import striate.op.Pool2dOp;
import striate.op.PoolMode;
import striate.op.PoolParams;
import striate.tensor.Tensor;

/**
 * 2-D max/average pooling, its gradient, and k-max pooling (kernels/src/main/cuda/pool.cu). Our own kernels rather
 * than cuDNN's: the op's contract (the first maximum of a window takes the gradient, or its first NaN; the backward
 * op gets x, not y) is exactly what they implement, and their gradients gather per input element, so they are
 * deterministic (max pooling's finds each window's maximum once first, into scratch, rather than once per cell under
 * the window).
 */
final class CudaPool {
    private CudaPool() {
    }

    static void pool2d(Pool2dOp op, Tensor[] in, Tensor out) {
        CudaElementwise.requireF32(op.name(), in[0]);
        Tensor x = contiguous(in[0]);
        String kernel = op.mode() == PoolMode.MAX ? Symbols.MAX_POOL : Symbols.AVG_POOL;
        LaunchArgs args = new LaunchArgs().i64(out.size()).struct(window(op.params(), x, out)).ptr(x)
                .ptr(out);
        of(out).gpu().launch(kernel, out.size(), args);
    }

    static void pool2dBackward(Pool2dBackwardOp op, Tensor[] in, Tensor out) {
        CudaElementwise.requireF32(op.name(), in[0]);
        Tensor dy = contiguous(in[1]);
        int[] window = window(op.params(), in[0], dy); // x's shape: average pooling's gradient never reads x
        if (op.mode() == PoolMode.MAX) {
            maxPool2dBackward(op, window, contiguous(in[0]), dy, out);
            return;
        }
        LaunchArgs args = new LaunchArgs().i64(out.size()).struct(window).ptr(dy).ptr(out);
        of(out).gpu().launch(Symbols.AVG_POOL_BACKWARD, out.size(), args);
    }

    /**
     * Max pooling's gradient in two passes: each window's argmax (an int per window, in scratch from the caching
     * allocator, freed in stream order), then each dx cell gathers dy from the windows that chose it.
     */
    private static void maxPool2dBackward(Pool2dBackwardOp op, int[] window, Tensor x, Tensor dy, Tensor out) {
        if (x.dim(2) * x.dim(3) >= Integer.MAX_VALUE || dy.dim(2) * dy.dim(3) >= Integer.MAX_VALUE) {
            throw new UnsupportedOperationException(op.name() + " on cuda takes input and output planes of fewer than "
                    + "2^31 cells (int indices), got " + x.dim(2) + " x " + x.dim(3) + " → " + dy.dim(2) + " x "
                    + dy.dim(3));
        }
        CudaDevice gpu = of(out).gpu();
        CachingAllocator.Block<CUdeviceptr> argmax = gpu.allocator().allocate(Math.max(1, dy.size()) * Integer.BYTES);
        try {
            gpu.launch(Symbols.MAX_POOL_ARGMAX, dy.size(), new LaunchArgs().i64(dy.size()).struct(window)
                    .ptr(x).ptr(argmax.handle()));
            gpu.launch(Symbols.MAX_POOL_BACKWARD, out.size(), new LaunchArgs().i64(out.size()).struct(window)
                    .ptr(argmax.handle()).ptr(dy).ptr(out));
        } finally {
            gpu.allocator().free(argmax);
        }
    }

    /** The {@code Pool} struct of pool.cu: h, w, oh, ow, kh, kw, sh, sw, ph, pw, include_pad. */
    static int[] window(PoolParams p, Tensor x, Tensor y) {
        return new int[] {toInt(x.dim(2)), toInt(x.dim(3)), toInt(y.dim(2)), toInt(y.dim(3)), p.kernelH(), p.kernelW(),
            p.strideH(), p.strideW(), p.padH(), p.padW(), p.countIncludePad() ? 1 : 0};
    }

    static void kMaxPool(KMaxPoolOp op, Tensor[] in, Tensor out) {
        CudaElementwise.requireF32(op.name(), in[0]);
        Tensor x = contiguous(in[0]);
        long[] s = x.shape().aroundAxis(op.axis());
        long lines = s[0] * s[2];
        LaunchArgs args = new LaunchArgs().i64(lines).i64(s[2]).i32(toInt(s[1])).i32(op.k()).ptr(x)
                .ptr(out);
        of(out).gpu().launch(Symbols.KMAX_POOL, lines, args);
    }

    static void kMaxPoolBackward(KMaxPoolBackwardOp op, Tensor[] in, Tensor out) {
        CudaElementwise.requireF32(op.name(), in[0]);
        Tensor x = contiguous(in[0]);
        Tensor dy = contiguous(in[1]);
        long[] s = x.shape().aroundAxis(op.axis());
        long lines = s[0] * s[2];
        LaunchArgs args = new LaunchArgs().i64(lines).i64(s[2]).i32(toInt(s[1])).i32(op.k()).ptr(x)
                .ptr(dy).ptr(out);
        of(out).gpu().launch(Symbols.KMAX_POOL_BACKWARD, lines, args);
    }

    private static int toInt(long v) {
        return CudnnSoftmax.toInt(v);
    }
}

package striate.cuda;

import striate.op.CastOp;
import striate.op.Kernel;
import striate.op.Op;
import striate.tensor.DType;
import striate.tensor.Tensor;

/**
 * A float32 CUDA kernel serving bfloat16 and float16 tensors, as {@code CpuWidened} does on the CPU: each 2-byte
 * input is cast to a dense float32 copy on the device (exactly), the float32 kernel computes, and its float32 result
 * is rounded once, to nearest even, into the 2-byte output. Float32 work goes straight to the kernel. A kernel that
 * also computes in the 2-byte types itself (cuBLAS's and cuDNN's products, {@link #nativeWhen}) gets the inputs it
 * declares it takes as they are, and the widening serves the rest (e.g. a bfloat16 operand beside a float32 one).
 * Output shape and every input's shape are the op's own; the temporaries go back to the allocator after the call
 * (stream-ordered, so the queued kernels still see them).
 */
final class CudaWidened<O extends Op> implements Kernel<O> {
    /** Which low-precision calls a kernel computes itself, without widening. */
    @FunctionalInterface
    interface Native<O extends Op> {
        boolean test(O op, Tensor[] in, Tensor out);
    }

    private final Kernel<O> kernel;
    private final Native<? super O> serves;
    private final Kernel<CastOp> cast;

    CudaWidened(Kernel<O> kernel, Native<? super O> serves, Kernel<CastOp> cast) {
        this.kernel = kernel;
        this.serves = serves;
        this.cast = cast;
    }

    /** {@code float32} serves every bfloat16 and float16 call by widening. */
    static <O extends Op> CudaWidened<O> widened(Kernel<O> float32) {
        return new CudaWidened<>(float32, (op, in, out) -> false, CudaElementwise::cast);
    }

    /** {@code kernel} computes the 2-byte calls {@code serves} accepts itself; widening serves the others. */
    static <O extends Op> CudaWidened<O> nativeWhen(Kernel<O> kernel, Native<? super O> serves) {
        return new CudaWidened<>(kernel, serves, CudaElementwise::cast);
    }

    /** Every input and the output are one 2-byte type: what cuBLAS's and cuDNN's low-precision calls take. */
    static boolean oneLowType(Op op, Tensor[] in, Tensor out) {
        if (out == null || !out.dtype().isLowPrecision()) {
            return false;
        }
        for (Tensor t : in) {
            if (t.dtype() != out.dtype()) {
                return false;
            }
        }
        return true;
    }

    /** True when some input or the output is bfloat16 or float16. */
    static boolean touchesLowPrecision(Tensor[] in, Tensor out) {
        if (out != null && out.dtype().isLowPrecision()) {
            return true;
        }
        for (Tensor t : in) {
            if (t.dtype().isLowPrecision()) {
                return true;
            }
        }
        return false;
    }

    @Override
    public void run(O op, Tensor[] in, Tensor out) {
        if (!touchesLowPrecision(in, out) || serves.test(op, in, out)) {
            kernel.run(op, in, out);
            return;
        }
        Tensor[] wide = new Tensor[in.length];
        for (int i = 0; i < in.length; i++) {
            wide[i] = in[i].dtype().isLowPrecision() ? convert(in[i], DType.F32) : in[i];
        }
        boolean narrowOut = out != null && out.dtype().isLowPrecision();
        Tensor y = narrowOut ? Tensor.output(out.backend(), out.shape(), DType.F32) : out;
        try {
            kernel.run(op, wide, y);
            if (narrowOut) {
                cast.run(new CastOp(out.dtype()), new Tensor[] {y}, out);
            }
        } finally {
            for (int i = 0; i < in.length; i++) {
                if (wide[i] != in[i]) {
                    release(wide[i]);
                }
            }
            if (y != out) {
                release(y);
            }
        }
    }

    /** A dense copy of {@code x} in {@code to}. */
    private Tensor convert(Tensor x, DType to) {
        Tensor y = Tensor.output(x.backend(), x.shape(), to);
        cast.run(new CastOp(to), new Tensor[] {x}, y);
        return y;
    }

    /** Gives a temporary's device memory back now (host temporaries, in tests on the host, go to the collector). */
    private static void release(Tensor t) {
        if (t.storage() instanceof CudaStorage s) {
            s.close();
        }
    }
}

package striate.cpu;

import striate.op.CastOp;
import striate.op.Kernel;
import striate.op.Op;
import striate.tensor.DType;
import striate.tensor.Tensor;

/**
 * A float32 kernel serving bfloat16 and float16 tensors: each low-precision input is widened to a dense float32
 * copy (exactly), the float32 kernel computes (a matmul or convolution accumulates its products in float32, as
 * tensor cores do), and its float32 result is rounded to nearest-even into the low-precision output. These are the
 * numerics of mixed precision on the CPU, not its speed: two more passes over the data and no 2-byte arithmetic.
 * Float32 inputs go straight to the float32 kernel. Output shape and every input's shape are the op's own.
 */
final class CpuWidened<O extends Op> implements Kernel<O> {
    private final Kernel<O> float32;
    private final Kernel<CastOp> cast = CpuCopy.cast();

    CpuWidened(Kernel<O> float32) {
        this.float32 = float32;
    }

    @Override
    public void run(O op, Tensor[] in, Tensor out) {
        if (out == null || !out.dtype().isLowPrecision()) {
            float32.run(op, in, out);
            return;
        }
        Tensor[] wide = new Tensor[in.length];
        for (int i = 0; i < in.length; i++) {
            wide[i] = in[i].dtype().isLowPrecision() ? convert(in[i], DType.F32) : in[i];
        }
        Tensor y = Tensor.output(out.backend(), out.shape(), DType.F32);
        float32.run(op, wide, y);
        cast.run(new CastOp(out.dtype()), new Tensor[] {y}, out);
    }

    /** A dense copy of {@code x} in {@code to}. */
    private Tensor convert(Tensor x, DType to) {
        Tensor y = Tensor.output(x.backend(), x.shape(), to);
        cast.run(new CastOp(to), new Tensor[] {x}, y);
        return y;
    }
}

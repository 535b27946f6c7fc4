package striate.reference;

import striate.op.CastOp;
import striate.op.CatOp;
import striate.op.CopyOp;
import striate.op.PadOp;
import striate.tensor.DType;
import striate.tensor.Tensor;

/**
 * Reference copies: a view made dense, converted to another type, placed inside a zero border, or several joined
 * along an axis.
 */
final class ReferenceCopy {
    private ReferenceCopy() {
    }

    static void copy(CopyOp op, Tensor[] in, Tensor out) {
        out.copyFrom(in[0].toDoubleArray());
    }

    /**
     * A cast to bfloat16 or float16 goes through float32 (two roundings from float64 or int32), as PyTorch's casts
     * and the CUDA kernels do; the reference's computed results round once ({@code Narrowing}).
     */
    static void cast(CastOp op, Tensor[] in, Tensor out) {
        double[] v = in[0].toDoubleArray();
        if (out.dtype() == DType.BF16 || out.dtype() == DType.F16) {
            for (int i = 0; i < v.length; i++) {
                v[i] = (float) v[i];
            }
        }
        out.copyFrom(v);
    }

    static void pad(PadOp op, Tensor[] in, Tensor out) {
        out.copyFrom(new double[Math.toIntExact(out.size())]); // the border is zero; output memory starts undefined
        Tensor inner = out;
        for (int a = 0; a < in[0].rank(); a++) {
            inner = inner.slice(a, op.before()[a], op.before()[a] + in[0].dim(a));
        }
        inner.copyFrom(in[0].toDoubleArray());
    }

    /** Input i, seen as [outer, d_i, inner], goes to [outer, start_i + [0, d_i), inner] of y [outer, Σ d_i, inner]. */
    static void cat(CatOp op, Tensor[] in, Tensor out) {
        long[] around = out.shape().aroundAxis(op.axis());
        int outer = Math.toIntExact(around[0]);
        int inner = Math.toIntExact(around[2]);
        int row = Math.toIntExact(around[1]) * inner; // one outer index's run of y
        double[] y = new double[Math.toIntExact(out.size())];
        int start = 0;
        for (Tensor x : in) {
            double[] v = x.toDoubleArray();
            int run = Math.toIntExact(x.shape().aroundAxis(op.axis())[1]) * inner;
            for (int o = 0; o < outer; o++) {
                System.arraycopy(v, o * run, y, o * row + start, run);
            }
            start += run;
        }
        out.copyFrom(y);
    }
}

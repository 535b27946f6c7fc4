package striate.cpu;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import striate.backend.CopyPlan;
import striate.backend.HostCopy;
import striate.op.CastOp;
import striate.op.CatOp;
import striate.op.CopyOp;
import striate.op.Kernel;
import striate.op.PadOp;
import striate.tensor.BFloat16;
import striate.tensor.DType;
import striate.tensor.HostStorage;
import striate.tensor.Tensor;

/**
 * The copy-like ops in host memory, for every dtype: a view made dense ({@link CopyOp}), converted to another type
 * ({@link CastOp}: through double, as the reference converts, so float → int32 truncates toward zero and a value
 * going to bfloat16 or float16 is rounded to float32, then to nearest-even in 2 bytes), placed
 * inside a zero border ({@link PadOp}) or several joined along an axis ({@link CatOp}: each input copied into its
 * slice of the output). They walk the views as the copy primitive does ({@link HostCopy} along a
 * {@link CopyPlan}: size-1 axes dropped, axes dense on both sides merged, a run dense on both sides one bulk copy),
 * so copies move bits: values, NaN payloads and signed zeros come out as they went in.
 */
final class CpuCopy {
    private CpuCopy() {
    }

    static Kernel<CopyOp> copy() {
        return (op, in, out) -> HostCopy.copy(in[0], out);
    }

    static Kernel<CatOp> cat() {
        return (op, in, out) -> {
            int axis = out.shape().axis(op.axis());
            long start = 0;
            for (Tensor x : in) {
                long d = x.dim(axis);
                HostCopy.copy(x, out.slice(axis, start, start + d));
                start += d;
            }
        };
    }

    static Kernel<CastOp> cast() {
        return (op, in, out) -> {
            Tensor src = in[0];
            MemorySegment x = segment(src);
            MemorySegment y = segment(out);
            DType from = src.dtype();
            DType to = out.dtype();
            CopyPlan plan = CopyPlan.of(src.shape().dims(), src.strides(), src.offset(),
                    out.shape().contiguousStrides(), out.offset());
            if (plan.run() > 1 || plan.rank() == 0) {
                long n = plan.run();
                plan.forEach(0, (xi, yi) -> {
                    for (long t = 0; t < n; t++) {
                        write(y, to, yi + t, read(x, from, xi + t));
                    }
                });
            } else { // the innermost axis is strided in the source
                int last = plan.rank() - 1;
                long n = plan.dims()[last];
                long xs = plan.srcStrides()[last];
                long ys = plan.dstStrides()[last];
                plan.forEach(1, (xi, yi) -> {
                    for (long t = 0; t < n; t++) {
                        write(y, to, yi + t * ys, read(x, from, xi + t * xs));
                    }
                });
            }
        };
    }

    /** y = 0 everywhere, then x into the interior: y[before + i] = x[i] along every axis. */
    static Kernel<PadOp> pad() {
        return (op, in, out) -> {
            Tensor src = in[0];
            MemorySegment y = segment(out);
            int bytes = out.dtype().bytes();
            y.asSlice(out.offset() * bytes, out.size() * bytes).fill((byte) 0);
            long[] strides = out.shape().contiguousStrides();
            long at = out.offset();
            for (int a = 0; a < strides.length; a++) {
                at += op.before()[a] * strides[a];
            }
            HostCopy.copy(segment(src), src.offset(), src.strides(), y, at, strides, src.shape().dims(), bytes);
        };
    }

    private static MemorySegment segment(Tensor t) {
        return ((HostStorage) t.storage()).segment();
    }

    private static double read(MemorySegment s, DType type, long i) {
        return switch (type) {
            case F32 -> s.getAtIndex(ValueLayout.JAVA_FLOAT_UNALIGNED, i);
            case F64 -> s.getAtIndex(ValueLayout.JAVA_DOUBLE_UNALIGNED, i);
            case I32 -> s.getAtIndex(ValueLayout.JAVA_INT_UNALIGNED, i);
            case BF16 -> BFloat16.toFloat(s.getAtIndex(ValueLayout.JAVA_SHORT_UNALIGNED, i));
            case F16 -> Float.float16ToFloat(s.getAtIndex(ValueLayout.JAVA_SHORT_UNALIGNED, i));
        };
    }

    private static void write(MemorySegment s, DType type, long i, double v) {
        switch (type) {
            case F32 -> s.setAtIndex(ValueLayout.JAVA_FLOAT_UNALIGNED, i, (float) v);
            case F64 -> s.setAtIndex(ValueLayout.JAVA_DOUBLE_UNALIGNED, i, v);
            case I32 -> s.setAtIndex(ValueLayout.JAVA_INT_UNALIGNED, i, (int) v);
            case BF16 -> s.setAtIndex(ValueLayout.JAVA_SHORT_UNALIGNED, i, BFloat16.fromFloat((float) v));
            case F16 -> s.setAtIndex(ValueLayout.JAVA_SHORT_UNALIGNED, i, Float.floatToFloat16((float) v));
        }
    }
}

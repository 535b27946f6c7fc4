package striate.cpu;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import striate.op.CastOp;
import striate.op.CopyOp;
import striate.op.Kernel;
import striate.op.PadOp;
import striate.tensor.DType;
import striate.tensor.HostStorage;
import striate.tensor.Tensor;

/**
 * Copies in host memory, for every dtype: a view made dense ({@link CopyOp}), converted to another type
 * ({@link CastOp}: through double, as the reference converts, so float → int32 truncates toward zero) or placed
 * inside a zero border ({@link PadOp}); and the gather that hands the float kernels a strided view as one run of
 * memory ({@link FloatRegion}). Axes of size 1 are dropped and neighbouring axes that are dense on both sides merged,
 * so most copies are a few long runs; a run dense on both sides is one bulk copy, other runs go element by element.
 * Copies move bits: values, NaN payloads and signed zeros come out as they went in.
 */
final class CpuCopy {
    private CpuCopy() {
    }

    static Kernel<CopyOp> copy() {
        return (op, in, out) -> copy(in[0], segment(out), out.offset(), out.shape().contiguousStrides());
    }

    static Kernel<CastOp> cast() {
        return (op, in, out) -> {
            MemorySegment x = segment(in[0]);
            MemorySegment y = segment(out);
            DType from = in[0].dtype();
            DType to = out.dtype();
            forEachRun(in[0], out.offset(), out.shape().contiguousStrides(), (xi, yi, n, xs, ys) -> {
                for (long t = 0; t < n; t++) {
                    write(y, to, yi + t * ys, read(x, from, xi + t * xs));
                }
            });
        };
    }

    /** y = 0 everywhere, then x into the interior: y[before + i] = x[i] along every axis. */
    static Kernel<PadOp> pad() {
        return (op, in, out) -> {
            MemorySegment y = segment(out);
            long bytes = out.dtype().bytes();
            y.asSlice(out.offset() * bytes, out.size() * bytes).fill((byte) 0);
            long[] strides = out.shape().contiguousStrides();
            long at = out.offset();
            for (int a = 0; a < strides.length; a++) {
                at += op.before()[a] * strides[a];
            }
            copy(in[0], y, at, strides);
        };
    }

    /** A float32 tensor's elements in row-major order, in a new array. */
    static float[] gather(Tensor t) {
        float[] values = new float[Math.toIntExact(t.size())];
        copy(t, MemorySegment.ofArray(values), 0, t.shape().contiguousStrides());
        return values;
    }

    /** Copies src's elements to dst from element {@code at}, laid out by {@code strides} (src's shape, src's dtype). */
    static void copy(Tensor src, MemorySegment dst, long at, long[] strides) {
        MemorySegment x = segment(src);
        long bytes = src.dtype().bytes();
        forEachRun(src, at, strides, (xi, yi, n, xs, ys) -> {
            if (xs == 1 && ys == 1) {
                MemorySegment.copy(x, xi * bytes, dst, yi * bytes, n * bytes);
            } else if (bytes == 4) {
                for (long t = 0; t < n; t++) {
                    dst.setAtIndex(ValueLayout.JAVA_INT_UNALIGNED, yi + t * ys,
                            x.getAtIndex(ValueLayout.JAVA_INT_UNALIGNED, xi + t * xs));
                }
            } else {
                for (long t = 0; t < n; t++) {
                    dst.setAtIndex(ValueLayout.JAVA_LONG_UNALIGNED, yi + t * ys,
                            x.getAtIndex(ValueLayout.JAVA_LONG_UNALIGNED, xi + t * xs));
                }
            }
        });
    }

    /** One run along the innermost (merged) axis: n elements from xi and yi, xs and ys apart. */
    private interface Run {
        void copy(long xi, long yi, long n, long xs, long ys);
    }

    /** Calls {@code run} for every run of src in row-major order, with where it goes in a dst laid out by strides. */
    private static void forEachRun(Tensor src, long dstAt, long[] dstStrides, Run run) {
        if (src.size() == 0) {
            return;
        }
        long[] shape = src.shape().dims();
        long[] srcStrides = src.strides();
        int rank = 0;
        long[] dims = new long[shape.length];
        long[] xs = new long[shape.length];
        long[] ys = new long[shape.length];
        for (int a = 0; a < shape.length; a++) {
            if (shape[a] == 1) {
                continue;
            }
            if (rank > 0 && xs[rank - 1] == srcStrides[a] * shape[a] && ys[rank - 1] == dstStrides[a] * shape[a]) {
                dims[rank - 1] *= shape[a]; // dense across the two axes on both sides: one axis
                xs[rank - 1] = srcStrides[a];
                ys[rank - 1] = dstStrides[a];
            } else {
                dims[rank] = shape[a];
                xs[rank] = srcStrides[a];
                ys[rank] = dstStrides[a];
                rank++;
            }
        }
        if (rank == 0) { // one element
            run.copy(src.offset(), dstAt, 1, 1, 1);
            return;
        }
        int inner = rank - 1;
        long[] index = new long[inner];
        long xi = src.offset();
        long yi = dstAt;
        while (true) {
            run.copy(xi, yi, dims[inner], xs[inner], ys[inner]);
            int a = inner - 1;
            for (; a >= 0; a--) { // advance the outer index, row-major
                xi += xs[a];
                yi += ys[a];
                if (++index[a] < dims[a]) {
                    break;
                }
                xi -= xs[a] * dims[a];
                yi -= ys[a] * dims[a];
                index[a] = 0;
            }
            if (a < 0) {
                return;
            }
        }
    }

    private static MemorySegment segment(Tensor t) {
        return ((HostStorage) t.storage()).segment();
    }

    private static double read(MemorySegment s, DType type, long i) {
        return switch (type) {
            case F32 -> s.getAtIndex(ValueLayout.JAVA_FLOAT_UNALIGNED, i);
            case F64 -> s.getAtIndex(ValueLayout.JAVA_DOUBLE_UNALIGNED, i);
            case I32 -> s.getAtIndex(ValueLayout.JAVA_INT_UNALIGNED, i);
        };
    }

    private static void write(MemorySegment s, DType type, long i, double v) {
        switch (type) {
            case F32 -> s.setAtIndex(ValueLayout.JAVA_FLOAT_UNALIGNED, i, (float) v);
            case F64 -> s.setAtIndex(ValueLayout.JAVA_DOUBLE_UNALIGNED, i, v);
            case I32 -> s.setAtIndex(ValueLayout.JAVA_INT_UNALIGNED, i, (int) v);
        }
    }
}

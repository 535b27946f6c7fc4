package striate.cpu;

import java.util.Arrays;
import striate.op.Kernel;
import striate.op.ReduceFn;
import striate.op.ReduceOp;
import striate.reference.ReferenceBackend;
import striate.tensor.Tensor;

/**
 * Float32 sum and max over any set of axes in one pass over the input, in row-major order with double
 * accumulators (the same order every run, whatever the thread count). The innermost axis is a tight loop:
 * a row sum when it is reduced, an element-wise accumulate when it is kept.
 */
final class CpuReduce {
    private CpuReduce() {
    }

    static Kernel<ReduceOp> kernel() {
        return (op, in, out) -> {
            Tensor t = in[0];
            if (!HostFloats.isF32(t) || t.rank() == 0) {
                ReferenceBackend.KERNELS.get(op).run(op, in, out);
                return;
            }
            float[] x = HostFloats.read(t);
            int rank = t.rank();
            boolean[] reduced = op.reducedAxes(rank);
            long[] keptStrides = op.keptShape(t.shape()).contiguousStrides();
            int[] dims = new int[rank];
            int[] outStride = new int[rank];
            for (int a = 0; a < rank; a++) {
                dims[a] = Math.toIntExact(t.dim(a));
                outStride[a] = reduced[a] ? 0 : (int) keptStrides[a];
            }
            boolean max = op.fn() == ReduceFn.MAX;
            double[] acc = new double[Math.toIntExact(out.size())];
            Arrays.fill(acc, max ? Double.NEGATIVE_INFINITY : 0);
            int inner = dims[rank - 1];
            int innerStride = outStride[rank - 1];
            int[] index = new int[rank];
            int rows = inner == 0 ? 0 : x.length / inner;
            for (int r = 0; r < rows; r++) {
                int o = 0;
                for (int a = 0; a < rank - 1; a++) {
                    o += index[a] * outStride[a];
                }
                int base = r * inner;
                if (innerStride == 0) {
                    double s = acc[o];
                    for (int j = 0; j < inner; j++) {
                        s = max ? Math.max(s, x[base + j]) : s + x[base + j];
                    }
                    acc[o] = s;
                } else {
                    for (int j = 0; j < inner; j++) {
                        acc[o + j] = max ? Math.max(acc[o + j], x[base + j]) : acc[o + j] + x[base + j];
                    }
                }
                for (int a = rank - 2; a >= 0; a--) {
                    if (++index[a] < dims[a]) {
                        break;
                    }
                    index[a] = 0;
                }
            }
            float[] y = new float[acc.length];
            for (int i = 0; i < y.length; i++) {
                y[i] = (float) acc[i];
            }
            HostFloats.write(out, y);
        };
    }
}

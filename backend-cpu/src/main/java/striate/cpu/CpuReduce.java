package striate.cpu;

import java.util.Arrays;
import striate.op.Kernel;
import striate.op.ReduceFn;
import striate.op.ReduceOp;
import striate.reference.ReferenceBackend;
import striate.tensor.Tensor;

/**
 * Float32 sum and max over any set of axes in one pass over the input, in row-major order with double
 * accumulators (the same order every run, whatever the thread count). Neighbouring axes that are both reduced
 * or both kept are merged first; the innermost axis is then a tight loop: a row sum when it is reduced, an
 * element-wise accumulate when it is kept.
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
            boolean[] reducedAxes = op.reducedAxes(t.rank());
            // Merge neighbouring axes that are both reduced or both kept: [64, 6, 28, 28] over (0, 2, 3) becomes
            // [64, 6, 784] over (0, 2), so the inner loop runs over 784 elements instead of 28.
            int[] dimsBuf = new int[t.rank()];
            boolean[] reducedBuf = new boolean[t.rank()];
            int rank = 0;
            for (int a = 0; a < t.rank(); a++) {
                int d = Math.toIntExact(t.dim(a));
                if (rank > 0 && reducedBuf[rank - 1] == reducedAxes[a]) {
                    dimsBuf[rank - 1] *= d;
                } else {
                    dimsBuf[rank] = d;
                    reducedBuf[rank] = reducedAxes[a];
                    rank++;
                }
            }
            int[] dims = Arrays.copyOf(dimsBuf, rank);
            int[] outStride = new int[rank];
            for (int a = rank - 1, stride = 1; a >= 0; a--) {
                outStride[a] = reducedBuf[a] ? 0 : stride;
                stride *= reducedBuf[a] ? 1 : dims[a];
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
                    acc[o] = max ? Math.max(acc[o], rowMax(x, base, inner)) : acc[o] + rowSum(x, base, inner);
                } else if (max) {
                    for (int j = 0; j < inner; j++) {
                        acc[o + j] = Math.max(acc[o + j], x[base + j]);
                    }
                } else {
                    for (int j = 0; j < inner; j++) {
                        acc[o + j] += x[base + j];
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

    /** Sum of x[base, base + n) in double, four interleaved partial sums (a fixed order) for instruction overlap. */
    private static double rowSum(float[] x, int base, int n) {
        double s0 = 0;
        double s1 = 0;
        double s2 = 0;
        double s3 = 0;
        int j = 0;
        for (; j + 4 <= n; j += 4) {
            s0 += x[base + j];
            s1 += x[base + j + 1];
            s2 += x[base + j + 2];
            s3 += x[base + j + 3];
        }
        for (; j < n; j++) {
            s0 += x[base + j];
        }
        return (s0 + s1) + (s2 + s3);
    }

    private static double rowMax(float[] x, int base, int n) {
        double m = Double.NEGATIVE_INFINITY;
        for (int j = 0; j < n; j++) {
            m = Math.max(m, x[base + j]);
        }
        return m;
    }
}

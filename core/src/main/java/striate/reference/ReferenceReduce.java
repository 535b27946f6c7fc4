package striate.reference;

import java.util.Arrays;
import striate.op.ReduceFn;
import striate.op.ReduceOp;
import striate.tensor.Shape;
import striate.tensor.Tensor;

/** The reference reduction: sum or max over any set of axes, in double, visiting the input in row-major order. */
final class ReferenceReduce {
    private ReferenceReduce() {
    }

    static void reduce(ReduceOp op, Tensor[] in, Tensor out) {
        Shape xs = in[0].shape();
        double[] x = in[0].toDoubleArray();
        boolean[] reduced = op.reducedAxes(xs.rank());
        long[] keptStrides = op.keptShape(xs).contiguousStrides();
        double[] acc = new double[Math.toIntExact(out.size())];
        Arrays.fill(acc, op.fn() == ReduceFn.MAX ? Double.NEGATIVE_INFINITY : 0);
        long[] index = new long[xs.rank()];
        for (double v : x) {
            int o = 0;
            for (int a = 0; a < index.length; a++) {
                if (!reduced[a]) {
                    o += (int) (index[a] * keptStrides[a]);
                }
            }
            acc[o] = op.fn() == ReduceFn.MAX ? Math.max(acc[o], v) : acc[o] + v;
            for (int a = index.length - 1; a >= 0; a--) {
                if (++index[a] < xs.dim(a)) {
                    break;
                }
                index[a] = 0;
            }
        }
        out.copyFrom(acc);
    }
}

package striate.cpu;

import static java.lang.foreign.ValueLayout.JAVA_FLOAT;

import java.lang.foreign.MemorySegment;
import striate.op.CrossEntropyBackwardOp;
import striate.op.CrossEntropyOp;
import striate.op.Kernel;
import striate.op.LogSoftmaxOp;
import striate.op.SoftmaxOp;
import striate.reference.ReferenceBackend;
import striate.tensor.HostStorage;
import striate.tensor.Tensor;

/**
 * Float32 softmax, log-softmax over the last axis and the fused softmax + cross-entropy (forward and backward),
 * one row per step straight on the tensors' memory, rows split in fixed chunks over the intra-op threads. Each
 * row's max and log-sum-exp are accumulated in double, as the reference does, so results match it closely; the
 * fused backward writes (softmax − one-hot) · dy in one pass. Other axes and types use the reference kernels.
 */
final class CpuSoftmax {
    private static final int ROWS_PER_TASK = 64;
    private final IntraOpPool pool;

    CpuSoftmax(IntraOpPool pool) {
        this.pool = pool;
    }

    /** Runs body(row) for every row in [0, rows), in fixed chunks. */
    private void forRows(int rows, java.util.function.IntConsumer body) {
        int tasks = (rows + ROWS_PER_TASK - 1) / ROWS_PER_TASK;
        pool.forEach(Math.max(1, tasks), t -> {
            for (int r = t * ROWS_PER_TASK; r < Math.min(rows, (t + 1) * ROWS_PER_TASK); r++) {
                body.accept(r);
            }
        });
    }

    /** Max and log Σ exp(x − max) of row [at, at + d) of x. */
    private static double[] maxAndLogSum(MemorySegment x, long at, int d) {
        double max = Double.NEGATIVE_INFINITY;
        for (int j = 0; j < d; j++) {
            max = Math.max(max, x.getAtIndex(JAVA_FLOAT, at + j));
        }
        double sum = 0;
        for (int j = 0; j < d; j++) {
            sum += Math.exp(x.getAtIndex(JAVA_FLOAT, at + j) - max);
        }
        return new double[] {max, Math.log(sum)};
    }

    private static boolean lastAxis(Tensor x, int axis) {
        return x.shape().axis(axis) == x.rank() - 1;
    }

    Kernel<SoftmaxOp> softmax() {
        return (op, in, out) -> {
            if (!HostFloats.isF32(in[0]) || in[0].rank() == 0 || !lastAxis(in[0], op.axis())) {
                ReferenceBackend.KERNELS.get(op).run(op, in, out);
                return;
            }
            rows(in[0], out, false);
        };
    }

    Kernel<LogSoftmaxOp> logSoftmax() {
        return (op, in, out) -> {
            if (!HostFloats.isF32(in[0]) || in[0].rank() == 0 || !lastAxis(in[0], op.axis())) {
                ReferenceBackend.KERNELS.get(op).run(op, in, out);
                return;
            }
            rows(in[0], out, true);
        };
    }

    private void rows(Tensor in, Tensor out, boolean log) {
        FloatRegion x = FloatRegion.of(in);
        MemorySegment y = ((HostStorage) out.storage()).segment();
        int d = Math.toIntExact(in.dim(in.rank() - 1));
        int rows = Math.toIntExact(in.size() / Math.max(1, d));
        forRows(rows, r -> {
            long at = x.offset() + (long) r * d;
            long yAt = out.offset() + (long) r * d;
            double[] ml = maxAndLogSum(x.segment(), at, d);
            for (int j = 0; j < d; j++) {
                double z = x.segment().getAtIndex(JAVA_FLOAT, at + j) - ml[0] - ml[1];
                y.setAtIndex(JAVA_FLOAT, yAt + j, (float) (log ? z : Math.exp(z)));
            }
        });
    }

    /** loss[r] = log Σ exp(x[r]) − x[r, target[r]] for logits x [n, c]. */
    Kernel<CrossEntropyOp> crossEntropy() {
        return (op, in, out) -> {
            if (!HostFloats.isF32(in[0])) {
                ReferenceBackend.KERNELS.get(op).run(op, in, out);
                return;
            }
            int c = Math.toIntExact(in[0].dim(1));
            int[] target = CrossEntropyOp.classIndices(in[1], c);
            FloatRegion x = FloatRegion.of(in[0]);
            MemorySegment y = ((HostStorage) out.storage()).segment();
            forRows(target.length, r -> {
                long at = x.offset() + (long) r * c;
                double[] ml = maxAndLogSum(x.segment(), at, c);
                double logp = x.segment().getAtIndex(JAVA_FLOAT, at + target[r]) - ml[0] - ml[1];
                y.setAtIndex(JAVA_FLOAT, out.offset() + r, (float) -logp);
            });
        };
    }

    /** dx[r, j] = (softmax(x[r])[j] − [j = target[r]]) · dy[r]. */
    Kernel<CrossEntropyBackwardOp> crossEntropyBackward() {
        return (op, in, out) -> {
            if (!HostFloats.isF32(in[0]) || !HostFloats.isF32(in[2])) {
                ReferenceBackend.KERNELS.get(op).run(op, in, out);
                return;
            }
            int c = Math.toIntExact(in[0].dim(1));
            int[] target = CrossEntropyOp.classIndices(in[1], c);
            float[] dy = HostFloats.read(in[2]);
            FloatRegion x = FloatRegion.of(in[0]);
            MemorySegment y = ((HostStorage) out.storage()).segment();
            forRows(target.length, r -> {
                long at = x.offset() + (long) r * c;
                long yAt = out.offset() + (long) r * c;
                double[] ml = maxAndLogSum(x.segment(), at, c);
                for (int j = 0; j < c; j++) {
                    double p = Math.exp(x.segment().getAtIndex(JAVA_FLOAT, at + j) - ml[0] - ml[1]);
                    y.setAtIndex(JAVA_FLOAT, yAt + j, (float) ((p - (j == target[r] ? 1 : 0)) * dy[r]));
                }
            });
        };
    }
}

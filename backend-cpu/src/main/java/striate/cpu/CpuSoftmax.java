package striate.cpu;

import static java.lang.foreign.ValueLayout.JAVA_FLOAT;

import java.lang.foreign.MemorySegment;
import striate.op.CrossEntropyBackwardOp;
import striate.op.CrossEntropyOp;
import striate.op.Kernel;
import striate.op.LogSoftmaxOp;
import striate.op.SoftmaxOp;
import striate.tensor.HostStorage;
import striate.tensor.Tensor;

/**
 * Float32 softmax and log-softmax along any axis, and the fused softmax + cross-entropy (forward and backward), one
 * line per step straight on the tensors' memory (a row when the axis is the last one), lines split in fixed chunks
 * over the intra-op threads. Each line's max and log-sum-exp are accumulated in double, as the reference does, so
 * results match it closely; the fused backward writes (softmax − one-hot) · dy in one pass. Rows whose target is the
 * op's ignored index get loss 0 and a zero gradient row.
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

    /** Max and log Σ exp(x − max) of the line x[at + j·stride], j in [0, d). */
    private static double[] maxAndLogSum(MemorySegment x, long at, int d, int stride) {
        double max = Double.NEGATIVE_INFINITY;
        for (int j = 0; j < d; j++) {
            max = Math.max(max, x.getAtIndex(JAVA_FLOAT, at + (long) j * stride));
        }
        double sum = 0;
        for (int j = 0; j < d; j++) {
            sum += Math.exp(x.getAtIndex(JAVA_FLOAT, at + (long) j * stride) - max);
        }
        return new double[] {max, Math.log(sum)};
    }

    Kernel<SoftmaxOp> softmax() {
        return (op, in, out) -> lines(in[0], op.axis(), out, false);
    }

    Kernel<LogSoftmaxOp> logSoftmax() {
        return (op, in, out) -> lines(in[0], op.axis(), out, true);
    }

    /** (Log-)softmax of every [outer, d, inner] line along axis: contiguous rows when axis is the last one. */
    private void lines(Tensor in, int axis, Tensor out, boolean log) {
        FloatRegion x = FloatRegion.of(in);
        MemorySegment y = ((HostStorage) out.storage()).segment();
        long[] around = in.shape().aroundAxis(axis);
        int d = Math.toIntExact(around[1]);
        int inner = Math.toIntExact(around[2]);
        forRows(Math.toIntExact(around[0] * inner), line -> {
            long start = (long) (line / inner) * d * inner + line % inner; // element j of the line: start + j·inner
            long at = x.offset() + start;
            long yAt = out.offset() + start;
            double[] ml = maxAndLogSum(x.segment(), at, d, inner);
            for (int j = 0; j < d; j++) {
                double z = x.segment().getAtIndex(JAVA_FLOAT, at + (long) j * inner) - ml[0] - ml[1];
                y.setAtIndex(JAVA_FLOAT, yAt + (long) j * inner, (float) (log ? z : Math.exp(z)));
            }
        });
    }

    /** loss[r] = log Σ exp(x[r]) − x[r, target[r]] for logits x [n, c]; 0 where the target is ignored. */
    Kernel<CrossEntropyOp> crossEntropy() {
        return (op, in, out) -> {
            int c = Math.toIntExact(in[0].dim(1));
            int[] target = op.classIndices(in[1], c);
            FloatRegion x = FloatRegion.of(in[0]);
            MemorySegment y = ((HostStorage) out.storage()).segment();
            forRows(target.length, r -> {
                if (op.ignores(target[r])) {
                    y.setAtIndex(JAVA_FLOAT, out.offset() + r, 0f);
                    return;
                }
                long at = x.offset() + (long) r * c;
                double[] ml = maxAndLogSum(x.segment(), at, c, 1);
                double logp = x.segment().getAtIndex(JAVA_FLOAT, at + target[r]) - ml[0] - ml[1];
                y.setAtIndex(JAVA_FLOAT, out.offset() + r, (float) -logp);
            });
        };
    }

    /** dx[r, j] = (softmax(x[r])[j] − [j = target[r]]) · dy[r]; a zero row where the target is ignored. */
    Kernel<CrossEntropyBackwardOp> crossEntropyBackward() {
        return (op, in, out) -> {
            int c = Math.toIntExact(in[0].dim(1));
            CrossEntropyOp forward = op.forward();
            int[] target = forward.classIndices(in[1], c);
            float[] dy = HostFloats.read(in[2]);
            FloatRegion x = FloatRegion.of(in[0]);
            MemorySegment y = ((HostStorage) out.storage()).segment();
            forRows(target.length, r -> {
                long at = x.offset() + (long) r * c;
                long yAt = out.offset() + (long) r * c;
                if (forward.ignores(target[r])) {
                    y.asSlice(yAt * 4, (long) c * 4).fill((byte) 0);
                    return;
                }
                double[] ml = maxAndLogSum(x.segment(), at, c, 1);
                for (int j = 0; j < c; j++) {
                    double p = Math.exp(x.segment().getAtIndex(JAVA_FLOAT, at + j) - ml[0] - ml[1]);
                    y.setAtIndex(JAVA_FLOAT, yAt + j, (float) ((p - (j == target[r] ? 1 : 0)) * dy[r]));
                }
            });
        };
    }
}

package striate.cpu;

import static java.lang.foreign.ValueLayout.JAVA_FLOAT;

import java.lang.foreign.MemorySegment;
import striate.op.BatchNormBackwardOp;
import striate.op.BatchNormOp;
import striate.op.Kernel;
import striate.tensor.HostStorage;
import striate.tensor.Tensor;

/**
 * Training-mode batch norm, forward and backward, fused (formulas on {@link BatchNormOp} and
 * {@link BatchNormBackwardOp}): x [n, c, ...] is read as [n, c, s], each channel's n runs of s elements where they
 * lie. Channels go in groups, fixed by s, whose runs in one image make a block of at least {@link #ROW_BLOCK}
 * elements, and every pass reads a group image by image, each image's block in one stream (the DCGAN's 7×7 and
 * 14×14 maps give runs of 49 and 196 floats, too short to stream one channel at a time). Forward: the channels'
 * sums, then their squared deviations about the means (two reductions in double), then y = (x − mean)·(weight·invstd)
 * + bias in one pass. Backward: Σ dy and Σ dy·(x − mean) in one reduction, then dx = a·dy + b·(x − mean) + shift in
 * one pass. The inner loops are {@link FloatLoops}' (Vector API on off-heap memory). A group is one task, and each
 * channel's sums have one order whatever the grouping, so results do not depend on the thread count. Strided inputs
 * are gathered.
 */
final class CpuBatchNorm {
    /** Elements of one image a group of channels covers at least: several channels when the maps are small. */
    static final int ROW_BLOCK = 512;

    private final IntraOpPool pool;
    private final FloatLoops loops = FloatLoops.best();

    CpuBatchNorm(IntraOpPool pool) {
        this.pool = pool;
    }

    Kernel<BatchNormOp> forward() {
        return this::forward;
    }

    Kernel<BatchNormBackwardOp> backward() {
        return this::backward;
    }

    /** x [n, c, ...] as [n, c, s]; channel ch's run i starts at (i·c + ch)·s. */
    private record Layout(int n, int c, int s) {
        static Layout of(Tensor x) {
            int n = Math.toIntExact(x.dim(0));
            int c = Math.toIntExact(x.dim(1));
            return new Layout(n, c, Math.toIntExact(x.size() / Math.max(1, (long) n * c)));
        }

        /** Values per channel. */
        long m() {
            return (long) n * s;
        }

        long first(int ch) {
            return (long) ch * s;
        }

        long stride() {
            return (long) c * s;
        }
    }

    /** A task's channels: {@code count} of them from {@code from}. */
    private interface Group {
        void run(int from, int count);
    }

    /** Runs every group of channels, one task each: ROW_BLOCK / s channels (at least one), the last group shorter. */
    private void forGroups(Layout l, Group group) {
        int perTask = Math.min(l.c(), Math.max(1, Math.ceilDiv(ROW_BLOCK, Math.max(1, l.s()))));
        pool.forEach(Math.ceilDiv(l.c(), perTask), task -> {
            int from = task * perTask;
            group.run(from, Math.min(perTask, l.c() - from));
        });
    }

    private void forward(BatchNormOp op, Tensor[] in, Tensor out) {
        Layout l = Layout.of(in[0]);
        FloatRegion x = FloatRegion.of(in[0]);
        float[] w = HostFloats.read(in[1]);
        float[] b = HostFloats.read(in[2]);
        MemorySegment y = ((HostStorage) out.storage()).segment();
        long yi = out.offset();
        long size = in[0].size();
        double m = l.m();
        forGroups(l, (from, count) -> {
            long xAt = x.offset() + l.first(from);
            long yAt = yi + l.first(from);
            double[] mean = new double[count];
            double[] var = new double[count];
            loops.channelSums(x.segment(), xAt, l.s(), l.n(), l.stride(), count, mean);
            for (int j = 0; j < count; j++) {
                mean[j] /= m;
            }
            loops.channelSquaresAbout(mean, x.segment(), xAt, l.s(), l.n(), l.stride(), count, var);
            float[] scale = new float[count];
            for (int j = 0; j < count; j++) {
                double invstd = 1 / Math.sqrt(var[j] / m + op.eps());
                scale[j] = (float) (w[from + j] * invstd);
                y.setAtIndex(JAVA_FLOAT, yi + size + from + j, (float) mean[j]);
                y.setAtIndex(JAVA_FLOAT, yi + size + l.c() + from + j, (float) invstd);
            }
            for (int i = 0; i < l.n(); i++) {
                for (int j = 0; j < count; j++) {
                    long run = i * l.stride() + l.first(j);
                    loops.normalize(mean[j], scale[j], b[from + j], x.segment(), xAt + run, y, yAt + run,
                            l.s());
                }
            }
        });
    }

    private void backward(BatchNormBackwardOp op, Tensor[] in, Tensor out) {
        Layout l = Layout.of(in[1]);
        FloatRegion dy = FloatRegion.of(in[0]);
        FloatRegion x = FloatRegion.of(in[1]);
        float[] mean = HostFloats.read(in[2]);
        float[] invstd = HostFloats.read(in[3]);
        float[] w = HostFloats.read(in[4]);
        MemorySegment d = ((HostStorage) out.storage()).segment();
        long di = out.offset();
        long size = in[1].size();
        double m = l.m();
        forGroups(l, (from, count) -> {
            long gAt = dy.offset() + l.first(from);
            long xAt = x.offset() + l.first(from);
            long dAt = di + l.first(from);
            double[] means = new double[count];
            for (int j = 0; j < count; j++) {
                means[j] = mean[from + j];
            }
            double[] db = new double[count];
            double[] dot = new double[count];
            loops.channelSumsAndDotsAbout(means, dy.segment(), gAt, x.segment(), xAt, l.s(), l.n(), l.stride(), count,
                    db, dot);
            float[] a = new float[count];
            float[] coef = new float[count];
            float[] shift = new float[count];
            for (int j = 0; j < count; j++) {
                int ch = from + j;
                double r = invstd[ch];
                double dw = dot[j] * r;
                double scale = w[ch] * r; // dx = scale·(dy − db/m − x̂·dw/m), x̂ = (x − mean)·r
                a[j] = (float) scale;
                coef[j] = (float) (-scale * r * dw / m);
                shift[j] = (float) (-scale * db[j] / m);
                d.setAtIndex(JAVA_FLOAT, di + size + ch, (float) dw);
                d.setAtIndex(JAVA_FLOAT, di + size + l.c() + ch, (float) db[j]);
            }
            for (int i = 0; i < l.n(); i++) {
                for (int j = 0; j < count; j++) {
                    long run = i * l.stride() + l.first(j);
                    loops.normalizeBackward(a[j], dy.segment(), gAt + run, coef[j], x.segment(), xAt + run,
                            mean[from + j], shift[j], d, dAt + run, l.s());
                }
            }
        });
    }
}

package striate.cpu;

import static java.lang.foreign.ValueLayout.JAVA_FLOAT;

import java.lang.foreign.MemorySegment;
import java.util.function.IntConsumer;
import striate.op.BatchNormBackwardOp;
import striate.op.BatchNormOp;
import striate.op.Kernel;
import striate.tensor.HostStorage;
import striate.tensor.Tensor;

/**
 * Training-mode batch norm, forward and backward, fused (formulas on {@link BatchNormOp} and
 * {@link BatchNormBackwardOp}): x [n, c, ...] is read as [n, c, s], each channel's n runs of s elements where they
 * lie. Forward: the channel's sum, then its squared deviations about the mean (two reductions in double), then
 * y = (x − mean)·(weight·invstd) + bias in one pass. Backward: Σ dy and Σ dy·(x − mean) in one reduction, then
 * dx = a·dy + b·(x − mean) + shift in one pass. The inner loops are {@link FloatLoops}' (Vector API on off-heap
 * memory). Channels are grouped into tasks of about {@link #CHUNK} elements, fixed by shape, and each channel's sums
 * run on one thread in a fixed order, so results do not depend on the thread count. Strided inputs are gathered.
 */
final class CpuBatchNorm {
    /** Elements one task covers at least when channels are small: several channels per task. */
    static final int CHUNK = 16_384;

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

    /** Runs channel(ch) for every channel, whole channels per task, several when they are small. */
    private void forChannels(Layout l, IntConsumer channel) {
        int perTask = (int) Math.max(1, CHUNK / Math.max(1, l.m()));
        pool.forEach(Math.ceilDiv(l.c(), perTask), task -> {
            for (int ch = task * perTask; ch < Math.min(l.c(), (task + 1) * perTask); ch++) {
                channel.accept(ch);
            }
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
        forChannels(l, ch -> {
            long xAt = x.offset() + l.first(ch);
            long yAt = yi + l.first(ch);
            double mean = loops.sumRows(x.segment(), xAt, l.s(), l.n(), l.stride()) / m;
            double var = loops.sumSquaresAbout(mean, x.segment(), xAt, l.s(), l.n(), l.stride()) / m;
            double invstd = 1 / Math.sqrt(var + op.eps());
            float scale = (float) (w[ch] * invstd);
            for (int i = 0; i < l.n(); i++) {
                loops.normalize((float) mean, scale, b[ch], x.segment(), xAt + i * l.stride(), y,
                        yAt + i * l.stride(), l.s());
            }
            y.setAtIndex(JAVA_FLOAT, yi + size + ch, (float) mean);
            y.setAtIndex(JAVA_FLOAT, yi + size + l.c() + ch, (float) invstd);
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
        forChannels(l, ch -> {
            long gAt = dy.offset() + l.first(ch);
            long xAt = x.offset() + l.first(ch);
            long dAt = di + l.first(ch);
            double db = loops.sumRows(dy.segment(), gAt, l.s(), l.n(), l.stride());
            double r = invstd[ch];
            double dw = loops.dotAbout(mean[ch], dy.segment(), gAt, x.segment(), xAt, l.s(), l.n(), l.stride()) * r;
            double a = w[ch] * r; // dx = a·(dy − db/m − x̂·dw/m), x̂ = (x − mean)·r
            float coef = (float) (-a * r * dw / m);
            float shift = (float) (-a * db / m);
            for (int i = 0; i < l.n(); i++) {
                loops.normalizeBackward((float) a, dy.segment(), gAt + i * l.stride(), coef, x.segment(),
                        xAt + i * l.stride(), mean[ch], shift, d, dAt + i * l.stride(), l.s());
            }
            d.setAtIndex(JAVA_FLOAT, di + size + ch, (float) dw);
            d.setAtIndex(JAVA_FLOAT, di + size + l.c() + ch, (float) db);
        });
    }
}

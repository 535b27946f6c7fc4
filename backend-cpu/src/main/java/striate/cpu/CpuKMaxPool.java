package striate.cpu;

import static java.lang.foreign.ValueLayout.JAVA_FLOAT;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import striate.op.KMaxPoolBackwardOp;
import striate.op.KMaxPoolOp;
import striate.op.Kernel;
import striate.tensor.HostStorage;
import striate.tensor.Tensor;

/**
 * Float32 k-max pooling (Kalchbrenner et al., 2014) along one axis, the reference's semantics: x viewed as
 * [outer, d, inner], each of the outer·inner lines keeps its k largest values in their original order, and of equal
 * values the earlier ones first (the reference's stable sort). Per line: the k-th largest value t comes from a sorted
 * copy (Float.compare's order, as the reference's Double.compare on the same values), then one pass in order keeps
 * every value above t and the first k − (count above t) values equal to t. Backward finds the same positions from x
 * and writes dy there, zero elsewhere. Lines go in fixed chunks on the intra-op pool; nothing is summed, so the result
 * does not depend on the thread count.
 */
final class CpuKMaxPool {
    /** Line elements per chunk of work. */
    private static final int CHUNK = 1 << 14;
    private final IntraOpPool pool;

    CpuKMaxPool(IntraOpPool pool) {
        this.pool = pool;
    }

    /** x [outer, d, inner] as outer, d, inner. */
    private static int[] split(Tensor x, int axis) {
        long[] a = x.shape().aroundAxis(axis);
        return new int[] {Math.toIntExact(a[0]), Math.toIntExact(a[1]), Math.toIntExact(a[2])};
    }

    /**
     * The positions along the line that k-max pooling keeps, ascending, into {@code keep}; {@code line} holds the
     * line's d values and {@code sorted} is scratch of the same length.
     */
    static void positions(float[] line, float[] sorted, int k, int[] keep) {
        int d = line.length;
        System.arraycopy(line, 0, sorted, 0, d);
        Arrays.sort(sorted);
        float t = sorted[d - k]; // the k-th largest
        int above = 0;
        for (float v : line) {
            if (Float.compare(v, t) > 0) {
                above++;
            }
        }
        int equal = k - above; // how many of the values equal to t are kept: the earliest ones
        int n = 0;
        for (int j = 0; j < d && n < k; j++) {
            int c = Float.compare(line[j], t);
            if (c > 0 || (c == 0 && equal-- > 0)) {
                keep[n++] = j;
            }
        }
    }

    /** Runs body(line) for every [outer, inner] line, lines in fixed chunks of about {@link #CHUNK} elements. */
    private void forLines(int lines, int d, LineBody body) {
        int per = Math.max(1, CHUNK / Math.max(1, d));
        int chunks = Math.max(1, Math.ceilDiv(lines, per));
        pool.forEach(chunks, c -> {
            Scratch s = new Scratch(new float[d], new float[d], new int[d]);
            for (int line = c * per; line < Math.min(lines, (c + 1) * per); line++) {
                body.run(line, s);
            }
        });
    }

    private record Scratch(float[] line, float[] sorted, int[] keep) {
    }

    @FunctionalInterface
    private interface LineBody {
        void run(int line, Scratch s);
    }

    /** Reads line {@code line} of x [outer, d, inner] into s.line and finds its kept positions. */
    private static void find(FloatRegion x, int[] s3, int line, int k, Scratch s) {
        int d = s3[1];
        int inner = s3[2];
        long base = x.offset() + (long) (line / inner) * d * inner + line % inner;
        for (int j = 0; j < d; j++) {
            s.line[j] = x.segment().getAtIndex(JAVA_FLOAT, base + (long) j * inner);
        }
        positions(s.line, s.sorted, k, s.keep);
    }

    /** x [..., d, ...] → y [..., k, ...]: each line's k largest values in their original order. */
    Kernel<KMaxPoolOp> forward() {
        return (op, in, out) -> {
            int[] s3 = split(in[0], op.axis());
            int k = op.k();
            int inner = s3[2];
            FloatRegion x = FloatRegion.of(in[0]);
            MemorySegment y = ((HostStorage) out.storage()).segment();
            forLines(s3[0] * inner, s3[1], (line, s) -> {
                find(x, s3, line, k, s);
                long base = out.offset() + (long) (line / inner) * k * inner + line % inner;
                for (int j = 0; j < k; j++) {
                    y.setAtIndex(JAVA_FLOAT, base + (long) j * inner, s.line[s.keep[j]]);
                }
            });
        };
    }

    /** (x [..., d, ...], dy [..., k, ...]) → dx: dy at the positions the forward kept, zero elsewhere. */
    Kernel<KMaxPoolBackwardOp> backward() {
        return (op, in, out) -> {
            int[] s3 = split(in[0], op.axis());
            int k = op.k();
            int d = s3[1];
            int inner = s3[2];
            FloatRegion x = FloatRegion.of(in[0]);
            FloatRegion dy = FloatRegion.of(in[1]);
            MemorySegment dx = ((HostStorage) out.storage()).segment();
            forLines(s3[0] * inner, d, (line, s) -> {
                find(x, s3, line, k, s);
                long xBase = out.offset() + (long) (line / inner) * d * inner + line % inner;
                long yBase = dy.offset() + (long) (line / inner) * k * inner + line % inner;
                for (int j = 0; j < d; j++) {
                    dx.setAtIndex(JAVA_FLOAT, xBase + (long) j * inner, 0f);
                }
                for (int j = 0; j < k; j++) {
                    float g = dy.segment().getAtIndex(JAVA_FLOAT, yBase + (long) j * inner);
                    dx.setAtIndex(JAVA_FLOAT, xBase + (long) s.keep[j] * inner, g);
                }
            });
        };
    }
}

package striate.cpu;

import java.util.Arrays;
import striate.backend.KernelTrace;
import striate.op.Kernel;
import striate.op.PoolMode;
import striate.op.PoolParams;
import striate.op.Pool2dBackwardOp;
import striate.op.Pool2dOp;
import striate.tensor.Tensor;

/**
 * Float32 max and average pooling over groups of [h, w] planes, each group one task that reads its planes from
 * and writes them to the tensors' memory in one copy each way (no serial whole-tensor copy; groups of about
 * {@link #GROUP_ELEMENTS} input elements, so LeNet's 28×28 planes don't pay a task and three copies each).
 * Groups are fixed by shape, and planes are independent, so results do not depend on the thread count. Same
 * semantics as the reference: padded cells never win a max, a NaN wins over any number, the gradient goes to the
 * window's first NaN or else its first maximum, and
 * AVG's divisor honours countIncludePad. A task's planes are copied into per-thread {@link Scratch} arrays, reused from
 * call to call.
 */
final class CpuPool2d {
    /** Input elements one task pools at least (whole planes; one plane when a plane is larger). */
    private static final int GROUP_ELEMENTS = 1 << 14;
    private static final int X = 0;
    private static final int Y = 1;
    private static final int DX = 2;

    private final IntraOpPool pool;
    private final Scratch scratch = new Scratch(3); // a task's planes: X and Y forward; X, Y (as dy) and DX backward

    CpuPool2d(IntraOpPool pool) {
        this.pool = pool;
    }

    Kernel<Pool2dOp> forward() {
        return (op, in, out) -> {
            KernelTrace.path(isMax2x2(op.mode(), op.params()) ? "max 2x2" : "windows");
            FloatRegion x = FloatRegion.of(in[0]);
            int planes = Math.toIntExact(in[0].dim(0) * in[0].dim(1));
            int h = (int) in[0].dim(2);
            int w = (int) in[0].dim(3);
            int oh = (int) out.dim(2);
            int ow = (int) out.dim(3);
            int group = planesPerGroup(h * w);
            pool.forEach(Math.ceilDiv(planes, group), task -> { // a group of planes in, the same planes out
                int first = task * group;
                int count = Math.min(group, planes - first);
                float[] xp = scratch.floats(X, count * h * w);
                x.read((long) first * h * w, xp, count * h * w);
                float[] y = scratch.floats(Y, count * oh * ow);
                for (int i = 0; i < count; i++) {
                    plane(op.mode(), op.params(), xp, i * h * w, h, w, y, i * oh * ow, oh, ow, null, null);
                }
                HostFloats.writeRange(out, (long) first * oh * ow, y, count * oh * ow);
            });
        };
    }

    Kernel<Pool2dBackwardOp> backward() {
        return (op, in, out) -> {
            KernelTrace.path(isMax2x2(op.mode(), op.params()) ? "max 2x2" : "windows");
            FloatRegion x = FloatRegion.of(in[0]);
            FloatRegion dy = FloatRegion.of(in[1]);
            int planes = Math.toIntExact(in[0].dim(0) * in[0].dim(1));
            int h = (int) in[0].dim(2);
            int w = (int) in[0].dim(3);
            int oh = (int) in[1].dim(2);
            int ow = (int) in[1].dim(3);
            int group = planesPerGroup(h * w);
            pool.forEach(Math.ceilDiv(planes, group), task -> {
                int first = task * group;
                int count = Math.min(group, planes - first);
                float[] xp = scratch.floats(X, count * h * w);
                float[] dyp = scratch.floats(Y, count * oh * ow);
                float[] dxp = scratch.floats(DX, count * h * w);
                x.read((long) first * h * w, xp, count * h * w);
                dy.read((long) first * oh * ow, dyp, count * oh * ow);
                Arrays.fill(dxp, 0, count * h * w, 0f); // the windows add into it
                for (int i = 0; i < count; i++) {
                    plane(op.mode(), op.params(), xp, i * h * w, h, w, null, i * oh * ow, oh, ow, dyp, dxp);
                }
                HostFloats.writeRange(out, (long) first * h * w, dxp, count * h * w);
            });
        };
    }

    /** Planes per task: about {@link #GROUP_ELEMENTS} input elements' worth, at least one. */
    private static int planesPerGroup(int planeElements) {
        return Math.max(1, GROUP_ELEMENTS / Math.max(1, planeElements));
    }

    /**
     * LeNet's 2×2 stride-2 max pool without padding: the window's four cells in row-major order, the first NaN wins,
     * else the first maximum (as in the general loop, {@link #takes}). Forward into y when dy is null; otherwise
     * scatters dy into dx.
     */
    private static void max2x2(float[] x, int xo, int w, float[] y, int yo, int oh, int ow, float[] dy, float[] dx) {
        for (int oy = 0; oy < oh; oy++) {
            int r0 = xo + 2 * oy * w;
            int r1 = r0 + w;
            int yi = yo + oy * ow;
            if (dy == null) {
                int done = Sgemm.VECTOR_API ? VectorPool.max2x2Row(x, r0, r1, y, yi, ow) : 0;
                yi += done;
                for (int ox = done; ox < ow; ox++, yi++) { // Math.max compiles branch-free; compares would mispredict
                    int i = r0 + 2 * ox;
                    int j = r1 + 2 * ox;
                    y[yi] = Math.max(Math.max(x[i], x[i + 1]), Math.max(x[j], x[j + 1]));
                }
                continue;
            }
            for (int ox = 0; ox < ow; ox++, yi++) {
                int i = r0 + 2 * ox;
                int j = r1 + 2 * ox;
                int best = i; // the first cell holding the maximum (or NaN): a later one wins only when it takes it
                float m = x[i];
                best = takes(x[i + 1], m) ? i + 1 : best; // int selects and Math.max compile without branches
                m = Math.max(m, x[i + 1]); // Math.max keeps a NaN, so m is NaN once a NaN has won
                best = takes(x[j], m) ? j : best;
                m = Math.max(m, x[j]);
                best = takes(x[j + 1], m) ? j + 1 : best;
                dx[best] += dy[yi];
            }
        }
    }

    /**
     * Whether a later cell {@code v} takes a max-pooling window from the value {@code best} that holds it: it is
     * greater, or the window's first NaN. A NaN wins over any number, as in Math.max, so a window holding NaN pools
     * to NaN as in PyTorch; its first NaN takes the gradient (PyTorch's kernels give it to the last). Ties keep the
     * earlier cell.
     */
    private static boolean takes(float v, float best) {
        return !(v <= best) && best == best;
    }

    /** Whether this is LeNet's pooling, which {@link #max2x2} serves. */
    private static boolean isMax2x2(PoolMode mode, PoolParams p) {
        return mode == PoolMode.MAX && p.kernelH() == 2 && p.kernelW() == 2 && p.strideH() == 2 && p.strideW() == 2
                && p.padH() == 0 && p.padW() == 0;
    }

    /** Forward into y when dy is null; otherwise scatters dy into dx. */
    private static void plane(PoolMode mode, PoolParams p, float[] x, int xo, int h, int w, float[] y, int yo,
                              int oh, int ow, float[] dy, float[] dx) {
        if (isMax2x2(mode, p)) {
            max2x2(x, xo, w, y, yo, oh, ow, dy, dx);
            return;
        }
        for (int oy = 0; oy < oh; oy++) {
            int y0 = oy * p.strideH() - p.padH();
            int ys = Math.max(0, y0);
            int ye = Math.min(h, y0 + p.kernelH());
            for (int ox = 0; ox < ow; ox++) {
                int x0 = ox * p.strideW() - p.padW();
                int xs = Math.max(0, x0);
                int xe = Math.min(w, x0 + p.kernelW());
                int yi = yo + oy * ow + ox;
                if (mode == PoolMode.MAX) {
                    int best = -1;
                    float bestValue = Float.NEGATIVE_INFINITY;
                    for (int iy = ys; iy < ye; iy++) {
                        for (int ix = xs; ix < xe; ix++) {
                            int xi = xo + iy * w + ix;
                            if (best < 0 || takes(x[xi], bestValue)) {
                                best = xi;
                                bestValue = x[xi];
                            }
                        }
                    }
                    if (dy == null) {
                        y[yi] = bestValue;
                    } else {
                        dx[best] += dy[yi];
                    }
                } else {
                    int count = p.countIncludePad()
                            ? (Math.min(y0 + p.kernelH(), h + p.padH()) - y0) * (Math.min(x0 + p.kernelW(), w + p.padW()) - x0)
                            : (ye - ys) * (xe - xs);
                    if (dy == null) {
                        float s = 0;
                        for (int iy = ys; iy < ye; iy++) {
                            for (int ix = xs; ix < xe; ix++) {
                                s += x[xo + iy * w + ix];
                            }
                        }
                        y[yi] = s / count;
                    } else {
                        float g = dy[yi] / count;
                        for (int iy = ys; iy < ye; iy++) {
                            for (int ix = xs; ix < xe; ix++) {
                                dx[xo + iy * w + ix] += g;
                            }
                        }
                    }
                }
            }
        }
    }
}

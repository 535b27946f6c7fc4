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
     * LeNet's 2×2 stride-2 max pool without padding: the window's four cells in row-major order, the first maximum
     * wins, and a NaN wins over any number (the window's first NaN), as in the general loop. Forward into y when dy is
     * null; otherwise scatters dy into dx.
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
                int best = i; // the first cell holding the maximum: a later one wins only when strictly greater
                float m = x[i];
                best = x[i + 1] > m ? i + 1 : best; // int selects and Math.max compile without branches
                m = Math.max(m, x[i + 1]);
                best = x[j] > m ? j : best;
                m = Math.max(m, x[j]);
                best = x[j + 1] > m ? j + 1 : best;
                m = Math.max(m, x[j + 1]); // NaN when any cell is: Math.max keeps NaN
                if (m != m) { // rare, so well predicted: the first NaN takes the window
                    best = firstNaN(x, i, w, 0, 2, 0, 2); // cells i, i + 1, j = i + w, j + 1
                }
                dx[best] += dy[yi];
            }
        }
    }

    /** The index of the first NaN, row-major, of the window [ys, ye) × [xs, xe) of the plane at xo; one must be NaN. */
    private static int firstNaN(float[] x, int xo, int w, int ys, int ye, int xs, int xe) {
        for (int iy = ys; iy < ye; iy++) {
            for (int ix = xs; ix < xe; ix++) {
                int xi = xo + iy * w + ix;
                if (x[xi] != x[xi]) {
                    return xi;
                }
            }
        }
        throw new IllegalStateException("no NaN in the window");
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
                    // the first maximum, and then, when a cell is NaN (rare), the first NaN: a NaN wins over any number,
                    // as in Math.max, so the window pools to NaN as in PyTorch (whose kernels give the gradient to
                    // the last NaN)
                    int best = -1;
                    float bestValue = Float.NEGATIVE_INFINITY;
                    boolean nan = false;
                    for (int iy = ys; iy < ye; iy++) {
                        for (int ix = xs; ix < xe; ix++) {
                            int xi = xo + iy * w + ix;
                            float v = x[xi];
                            nan |= v != v;
                            if (best < 0 || v > bestValue) {
                                best = xi;
                                bestValue = v;
                            }
                        }
                    }
                    if (nan) {
                        best = firstNaN(x, xo, w, ys, ye, xs, xe);
                        bestValue = x[best];
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

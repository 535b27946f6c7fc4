package striate.reference;

import striate.op.PoolMode;
import striate.op.PoolParams;
import striate.op.Pool2dBackwardOp;
import striate.op.Pool2dOp;
import striate.tensor.Tensor;

/**
 * Reference kernels for 2-D max and average pooling. Max: padded cells never win, a NaN wins over any number (so
 * a window holding NaN pools to NaN, as Math.max and PyTorch's max pooling let NaN through), and the gradient goes
 * to the window's first NaN (PyTorch's kernels give it to the last), else to its first maximum (row-major). Avg:
 * the divisor counts padded cells when countIncludePad.
 */
final class ReferencePool2d {
    private ReferencePool2d() {
    }

    /** Calls {@code body(window index, input index or -1 for padding)} for every cell of every window. */
    private interface Visit {
        void at(int yi, int xi);
    }

    private static void forEachCell(PoolParams p, long[] xs, long[] ys, Visit body) {
        int planes = (int) (xs[0] * xs[1]);
        int h = (int) xs[2];
        int w = (int) xs[3];
        int oh = (int) ys[2];
        int ow = (int) ys[3];
        for (int pl = 0; pl < planes; pl++) {
            for (int oy = 0; oy < oh; oy++) {
                for (int ox = 0; ox < ow; ox++) {
                    int yi = (pl * oh + oy) * ow + ox;
                    for (int ky = 0; ky < p.kernelH(); ky++) {
                        int iy = oy * p.strideH() - p.padH() + ky;
                        for (int kx = 0; kx < p.kernelW(); kx++) {
                            int ix = ox * p.strideW() - p.padW() + kx;
                            boolean inside = iy >= 0 && iy < h && ix >= 0 && ix < w;
                            body.at(yi, inside ? (pl * h + iy) * w + ix : -1);
                        }
                    }
                }
            }
        }
    }

    /** Per window: the input index of its first NaN, else of its first maximum. */
    private static int[] argmax(double[] x, PoolParams p, long[] xs, long[] ys, int windows) {
        int[] best = new int[windows];
        java.util.Arrays.fill(best, -1);
        forEachCell(p, xs, ys, (yi, xi) -> {
            if (xi >= 0 && (best[yi] < 0 || beats(x[xi], x[best[yi]]))) {
                best[yi] = xi;
            }
        });
        return best;
    }

    /** Whether a later cell {@code v} takes a window from {@code best}: it is greater, or the first NaN. */
    private static boolean beats(double v, double best) {
        return v > best || Double.isNaN(v) && !Double.isNaN(best);
    }

    private static int[] divisors(PoolParams p, long[] xs, long[] ys, int windows) {
        int[] count = new int[windows];
        forEachCell(p, xs, ys, (yi, xi) -> {
            if (xi >= 0 || p.countIncludePad()) {
                count[yi]++;
            }
        });
        return count;
    }

    static void forward(Pool2dOp op, Tensor[] in, Tensor out) {
        double[] x = in[0].toDoubleArray();
        long[] xs = in[0].shape().dims();
        long[] ys = out.shape().dims();
        int windows = Math.toIntExact(out.size());
        double[] y = new double[windows];
        if (op.mode() == PoolMode.MAX) {
            int[] best = argmax(x, op.params(), xs, ys, windows);
            for (int i = 0; i < windows; i++) {
                y[i] = x[best[i]];
            }
        } else {
            int[] count = divisors(op.params(), xs, ys, windows);
            forEachCell(op.params(), xs, ys, (yi, xi) -> y[yi] += xi >= 0 ? x[xi] : 0);
            for (int i = 0; i < windows; i++) {
                y[i] /= count[i];
            }
        }
        out.copyFrom(y);
    }

    static void backward(Pool2dBackwardOp op, Tensor[] in, Tensor out) {
        double[] x = in[0].toDoubleArray();
        double[] dy = in[1].toDoubleArray();
        long[] xs = in[0].shape().dims();
        long[] ys = in[1].shape().dims();
        int windows = dy.length;
        double[] dx = new double[x.length];
        if (op.mode() == PoolMode.MAX) {
            int[] best = argmax(x, op.params(), xs, ys, windows);
            for (int i = 0; i < windows; i++) {
                dx[best[i]] += dy[i];
            }
        } else {
            int[] count = divisors(op.params(), xs, ys, windows);
            forEachCell(op.params(), xs, ys, (yi, xi) -> {
                if (xi >= 0) {
                    dx[xi] += dy[yi] / count[yi];
                }
            });
        }
        out.copyFrom(dx);
    }
}

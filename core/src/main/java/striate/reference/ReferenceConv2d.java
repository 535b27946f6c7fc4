package striate.reference;

import striate.op.Conv2dBackwardDataOp;
import striate.op.Conv2dBackwardFilterOp;
import striate.op.Conv2dOp;
import striate.op.ConvParams;
import striate.op.UnaryFn;
import striate.tensor.Tensor;

/**
 * Reference kernels for 2-D convolution, forward and both backward ops: one direct loop nest over every (x, w, y)
 * tap, grouped, strided, padded and dilated; x [n, c, h, w], w [k, c/groups, kh, kw], y [n, k, oh, ow].
 */
final class ReferenceConv2d {
    private ReferenceConv2d() {
    }

    /** The loop nest all three conv kernels share: calls {@code body} for every (x, w, y) index triple. */
    private interface Visit {
        void at(int xi, int wi, int yi);
    }

    private static void forEachTap(ConvParams p, long[] xs, long[] ws, long[] ys, Visit body) {
        int n = (int) xs[0];
        int c = (int) xs[1];
        int h = (int) xs[2];
        int w = (int) xs[3];
        int k = (int) ws[0];
        int cg = (int) ws[1];
        int kh = (int) ws[2];
        int kw = (int) ws[3];
        int oh = (int) ys[2];
        int ow = (int) ys[3];
        int kg = k / p.groups();
        for (int b = 0; b < n; b++) {
            for (int o = 0; o < k; o++) {
                int g = o / kg;
                for (int oy = 0; oy < oh; oy++) {
                    for (int ox = 0; ox < ow; ox++) {
                        int yi = ((b * k + o) * oh + oy) * ow + ox;
                        for (int ci = 0; ci < cg; ci++) {
                            int ch = g * cg + ci;
                            for (int ky = 0; ky < kh; ky++) {
                                int iy = oy * p.strideH() - p.padH() + ky * p.dilationH();
                                if (iy < 0 || iy >= h) {
                                    continue;
                                }
                                for (int kx = 0; kx < kw; kx++) {
                                    int ix = ox * p.strideW() - p.padW() + kx * p.dilationW();
                                    if (ix < 0 || ix >= w) {
                                        continue;
                                    }
                                    body.at(((b * c + ch) * h + iy) * w + ix, ((o * cg + ci) * kh + ky) * kw + kx, yi);
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    static void forward(Conv2dOp op, Tensor[] in, Tensor out) {
        double[] x = in[0].toDoubleArray();
        double[] w = in[1].toDoubleArray();
        double[] y = new double[Math.toIntExact(out.size())];
        forEachTap(op.params(), in[0].shape().dims(), in[1].shape().dims(), out.shape().dims(),
                (xi, wi, yi) -> y[yi] += x[xi] * w[wi]);
        double[] b = op.bias() ? in[2].toDoubleArray() : null;
        long plane = out.dim(2) * out.dim(3);
        for (int i = 0; i < y.length; i++) {
            double v = b == null ? y[i] : y[i] + b[(int) (i / plane % b.length)];
            y[i] = op.relu() ? UnaryFn.RELU.apply(v) : v;
        }
        out.copyFrom(y);
    }

    static void backwardData(Conv2dBackwardDataOp op, Tensor[] in, Tensor out) {
        double[] dy = in[0].toDoubleArray();
        double[] w = in[1].toDoubleArray();
        double[] dx = new double[Math.toIntExact(out.size())];
        forEachTap(op.params(), op.inputShape().dims(), in[1].shape().dims(), in[0].shape().dims(),
                (xi, wi, yi) -> dx[xi] += dy[yi] * w[wi]);
        out.copyFrom(dx);
    }

    static void backwardFilter(Conv2dBackwardFilterOp op, Tensor[] in, Tensor out) {
        double[] x = in[0].toDoubleArray();
        double[] dy = in[1].toDoubleArray();
        double[] dw = new double[Math.toIntExact(out.size())];
        forEachTap(op.params(), in[0].shape().dims(), op.weightShape().dims(), in[1].shape().dims(),
                (xi, wi, yi) -> dw[wi] += x[xi] * dy[yi]);
        out.copyFrom(dw);
    }
}

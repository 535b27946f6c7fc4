package striate.cpu;

import static java.lang.foreign.ValueLayout.JAVA_FLOAT;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import striate.op.BinaryFn;
import striate.op.UnaryFn;

/** {@link FloatLoops} as plain loops: every function, computed in double and rounded, as the reference does. */
class ScalarFloatLoops implements FloatLoops {
    @Override
    public void unary(UnaryFn fn, MemorySegment x, long xi, MemorySegment y, long yi, int n) {
        for (int t = 0; t < n; t++) {
            y.setAtIndex(JAVA_FLOAT, yi + t, (float) fn.apply(x.getAtIndex(JAVA_FLOAT, xi + t)));
        }
    }

    @Override
    public void affine(float scale, float shift, MemorySegment x, long xi, MemorySegment y, long yi, int n) {
        for (int t = 0; t < n; t++) {
            y.setAtIndex(JAVA_FLOAT, yi + t, scale * x.getAtIndex(JAVA_FLOAT, xi + t) + shift);
        }
    }

    @Override
    public void power(double exponent, MemorySegment x, long xi, MemorySegment y, long yi, int n) {
        for (int t = 0; t < n; t++) {
            y.setAtIndex(JAVA_FLOAT, yi + t, (float) Math.pow(x.getAtIndex(JAVA_FLOAT, xi + t), exponent));
        }
    }

    @Override
    public void binary(BinaryFn fn, MemorySegment a, long ai, MemorySegment b, long bi, boolean bOne,
                       MemorySegment y, long yi, int n) {
        int step = bOne ? 0 : 1;
        for (int t = 0; t < n; t++) {
            float v = (float) fn.apply(a.getAtIndex(JAVA_FLOAT, ai + t), b.getAtIndex(JAVA_FLOAT, bi + (long) t * step));
            y.setAtIndex(JAVA_FLOAT, yi + t, v);
        }
    }

    @Override
    public void where(MemorySegment c, long ci, boolean cOne, MemorySegment a, long ai, boolean aOne, MemorySegment b,
                      long bi, boolean bOne, MemorySegment y, long yi, int n) {
        long cs = cOne ? 0 : 1;
        long as = aOne ? 0 : 1;
        long bs = bOne ? 0 : 1;
        for (int t = 0; t < n; t++) {
            boolean pick = c.getAtIndex(JAVA_FLOAT, ci + t * cs) != 0;
            y.setAtIndex(JAVA_FLOAT, yi + t, pick ? a.getAtIndex(JAVA_FLOAT, ai + t * as)
                    : b.getAtIndex(JAVA_FLOAT, bi + t * bs));
        }
    }

    @Override
    public void biasRelu(float bias, boolean relu, MemorySegment y, long yi, int n) {
        for (int t = 0; t < n; t++) {
            float v = y.getAtIndex(JAVA_FLOAT, yi + t) + bias;
            y.setAtIndex(JAVA_FLOAT, yi + t, relu && v <= 0 ? 0 : v); // NaN stays NaN, as UnaryFn.RELU
        }
    }

    @Override
    public double sum(MemorySegment x, long xi, int n) {
        double s0 = 0; // four interleaved partial sums (a fixed order) for instruction overlap
        double s1 = 0;
        double s2 = 0;
        double s3 = 0;
        int t = 0;
        for (; t + 4 <= n; t += 4) {
            s0 += x.getAtIndex(JAVA_FLOAT, xi + t);
            s1 += x.getAtIndex(JAVA_FLOAT, xi + t + 1);
            s2 += x.getAtIndex(JAVA_FLOAT, xi + t + 2);
            s3 += x.getAtIndex(JAVA_FLOAT, xi + t + 3);
        }
        for (; t < n; t++) {
            s0 += x.getAtIndex(JAVA_FLOAT, xi + t);
        }
        return (s0 + s1) + (s2 + s3);
    }

    @Override
    public double sumRows(MemorySegment x, long xi, int n, int rows, long stride) {
        double s = 0;
        for (int r = 0; r < rows; r++) {
            s += sum(x, xi + r * stride, n);
        }
        return s;
    }

    @Override
    public void leakyRelu(float slope, MemorySegment x, long xi, MemorySegment y, long yi, int n) {
        for (int t = 0; t < n; t++) {
            float v = x.getAtIndex(JAVA_FLOAT, xi + t);
            y.setAtIndex(JAVA_FLOAT, yi + t, v > 0 ? v : slope * v);
        }
    }

    @Override
    public void leakyReluBackward(float slope, MemorySegment dy, long dyi, MemorySegment x, long xi, MemorySegment dx,
                                  long dxi, int n) {
        for (int t = 0; t < n; t++) {
            float g = dy.getAtIndex(JAVA_FLOAT, dyi + t);
            dx.setAtIndex(JAVA_FLOAT, dxi + t, x.getAtIndex(JAVA_FLOAT, xi + t) > 0 ? g : slope * g);
        }
    }

    @Override
    public void channelSums(MemorySegment x, long xi, int n, int rows, long stride, int channels, double[] sums) {
        Arrays.fill(sums, 0, channels, 0);
        for (int r = 0; r < rows; r++) {
            for (int j = 0; j < channels; j++) {
                sums[j] += sum(x, xi + r * stride + (long) j * n, n);
            }
        }
    }

    @Override
    public void channelSquaresAbout(double[] means, MemorySegment x, long xi, int n, int rows, long stride,
                                    int channels, double[] squares) {
        Arrays.fill(squares, 0, channels, 0);
        for (int r = 0; r < rows; r++) {
            for (int j = 0; j < channels; j++) {
                long at = xi + r * stride + (long) j * n;
                for (int t = 0; t < n; t++) {
                    double d = x.getAtIndex(JAVA_FLOAT, at + t) - means[j];
                    squares[j] += d * d;
                }
            }
        }
    }

    @Override
    public void channelSumsAndDotsAbout(double[] means, MemorySegment dy, long dyi, MemorySegment x, long xi, int n,
                                        int rows, long stride, int channels, double[] sums, double[] dots) {
        Arrays.fill(sums, 0, channels, 0);
        Arrays.fill(dots, 0, channels, 0);
        for (int r = 0; r < rows; r++) {
            for (int j = 0; j < channels; j++) {
                long run = r * stride + (long) j * n;
                for (int t = 0; t < n; t++) {
                    double g = dy.getAtIndex(JAVA_FLOAT, dyi + run + t);
                    sums[j] += g;
                    dots[j] += g * (x.getAtIndex(JAVA_FLOAT, xi + run + t) - means[j]);
                }
            }
        }
    }

    @Override
    public void normalize(double mean, float scale, float shift, MemorySegment x, long xi, MemorySegment y, long yi,
                          int n) {
        for (int t = 0; t < n; t++) {
            y.setAtIndex(JAVA_FLOAT, yi + t, (float) (((double) x.getAtIndex(JAVA_FLOAT, xi + t) - mean) * scale
                    + shift));
        }
    }

    @Override
    public void normalizeBackward(float a, MemorySegment dy, long dyi, float b, MemorySegment x, long xi, float mean,
                                  float shift, MemorySegment dx, long dxi, int n) {
        for (int t = 0; t < n; t++) {
            double centred = (double) x.getAtIndex(JAVA_FLOAT, xi + t) - mean;
            dx.setAtIndex(JAVA_FLOAT, dxi + t, (float) ((double) a * dy.getAtIndex(JAVA_FLOAT, dyi + t)
                    + (double) b * centred + shift));
        }
    }

    @Override
    public int nextNonzero(MemorySegment x, long xi, int from, int to) {
        int t = from;
        while (t < to && x.getAtIndex(JAVA_FLOAT, xi + t) == 0) {
            t++;
        }
        return t;
    }

    @Override
    public double max(MemorySegment x, long xi, int n) {
        double m = Double.NEGATIVE_INFINITY;
        for (int t = 0; t < n; t++) {
            m = Math.max(m, x.getAtIndex(JAVA_FLOAT, xi + t));
        }
        return m;
    }

    @Override
    public void accumulate(boolean max, MemorySegment x, long xi, double[] acc, int ai, int n) {
        for (int t = 0; t < n; t++) {
            float v = x.getAtIndex(JAVA_FLOAT, xi + t);
            acc[ai + t] = max ? Math.max(acc[ai + t], v) : acc[ai + t] + v;
        }
    }
}

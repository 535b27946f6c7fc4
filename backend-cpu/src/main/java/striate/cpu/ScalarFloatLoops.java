package striate.cpu;

import static java.lang.foreign.ValueLayout.JAVA_FLOAT;

import java.lang.foreign.MemorySegment;
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
    public void biasRelu(float bias, boolean relu, MemorySegment y, long yi, int n) {
        for (int t = 0; t < n; t++) {
            float v = y.getAtIndex(JAVA_FLOAT, yi + t) + bias;
            y.setAtIndex(JAVA_FLOAT, yi + t, relu && !(v > 0) ? 0 : v); // NaN → 0, as UnaryFn.RELU
        }
    }
}

package striate.cpu;

import static java.lang.foreign.ValueLayout.JAVA_FLOAT;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import java.util.Arrays;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
import striate.op.BinaryFn;
import striate.op.UnaryFn;

/**
 * {@link FloatLoops} with the Vector API for the functions layers run on every step: exact for ReLU, STEP, NEG,
 * ABS, SQRT, affine, +, −, ×, ÷, GATE and LeakyReLU forward and backward; within a few float ulps for TANH_BACKWARD and SIGMOID_BACKWARD (in
 * float, not double) and within 2 for EXP, LOG, TANH, SIGMOID and ERF ({@link VectorMath}: the same bits interpreted
 * or compiled, as the JDK's vector math is not), which the conformance tolerances allow; batch norm's normalize and
 * its backward in float with fused multiply-adds, within a few ulps of the double definition. SIGN and LOG1P (in double,
 * as the reference), the other binary functions and the tails fall back to the plain loops, and so does heap memory (small outputs, gathered views):
 * the Vector API compiles loads and stores of native segments only, and takes a slow lane-by-lane path on heap
 * segments backed by long[] or float[]. Loaded only when the JVM has the module.
 */
final class VectorFloatLoops extends ScalarFloatLoops {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    /** Doubles in a vector of S's size: each float vector widens into two of them. */
    private static final VectorSpecies<Double> D = VectorSpecies.of(double.class, S.vectorShape());
    private static final ByteOrder ORDER = ByteOrder.nativeOrder();
    /** Elements per block of tanh and the sigmoid, whose exponentials wait in a float[] of this many. */
    private static final int BLOCK = 1024;

    private final ThreadLocal<double[]> accumulators = ThreadLocal.withInitial(() -> new double[0]);

    @Override
    public void unary(UnaryFn fn, MemorySegment x, long xi, MemorySegment y, long yi, int n) {
        if (fn == UnaryFn.SIGN || fn == UnaryFn.LOG1P || !(x.isNative() && y.isNative())) {
            super.unary(fn, x, xi, y, yi, n);
            return;
        }
        unaryNative(fn, x, xi, y, yi, n);
    }

    /** The vector loop, given native segments only: its loads never see a heap segment (see {@link #binary}). */
    private void unaryNative(UnaryFn fn, MemorySegment x, long xi, MemorySegment y, long yi, int n) {
        int t = switch (fn) {
            case EXP -> exp(x, xi, y, yi, n);
            case LOG -> log(x, xi, y, yi, n);
            case TANH -> tanh(x, xi, y, yi, n);
            case SIGMOID -> sigmoid(x, xi, y, yi, n);
            case ERF -> erf(x, xi, y, yi, n);
            default -> piecewise(fn, x, xi, y, yi, n);
        };
        super.unary(fn, x, xi + t, y, yi + t, n - t);
    }

    /**
     * y = fn(x) for the functions of one vector instruction or a few, over the full vectors; returns how many
     * elements it did. The transcendental functions have loops of their own below, one VectorMath step each: C2
     * inlines about one exp's worth of Vector API calls into a method (see {@link VectorMath}).
     */
    private static int piecewise(UnaryFn fn, MemorySegment x, long xi, MemorySegment y, long yi, int n) {
        FloatVector zero = FloatVector.zero(S);
        FloatVector one = FloatVector.broadcast(S, 1f);
        int t = 0;
        for (int end = S.loopBound(n); t < end; t += S.length()) {
            FloatVector v = FloatVector.fromMemorySegment(S, x, (xi + t) * 4, ORDER);
            FloatVector r = switch (fn) {
                case RELU -> v.blend(zero, v.compare(VectorOperators.LE, 0f)); // x <= 0 ? 0 : x (NaN stays)
                case STEP -> zero.blend(one, v.compare(VectorOperators.GT, 0f));
                case NEG -> v.neg();
                case ABS -> v.abs();
                case SQRT -> v.sqrt();
                // a function without a vector loop must be routed to the plain loop in unary(): fail loudly, not as sqrt
                default -> throw new IllegalStateException("no vector loop for " + fn);
            };
            r.intoMemorySegment(y, (yi + t) * 4, ORDER);
        }
        return t;
    }

    private static int exp(MemorySegment x, long xi, MemorySegment y, long yi, int n) {
        int t = 0;
        for (int end = S.loopBound(n); t < end; t += S.length()) {
            VectorMath.exp(FloatVector.fromMemorySegment(S, x, (xi + t) * 4, ORDER))
                    .intoMemorySegment(y, (yi + t) * 4, ORDER);
        }
        return t;
    }

    private static int log(MemorySegment x, long xi, MemorySegment y, long yi, int n) {
        int t = 0;
        for (int end = S.loopBound(n); t < end; t += S.length()) {
            VectorMath.log(FloatVector.fromMemorySegment(S, x, (xi + t) * 4, ORDER))
                    .intoMemorySegment(y, (yi + t) * 4, ORDER);
        }
        return t;
    }

    /**
     * tanh in VectorMath's two steps, a block at a time: the exponentials of a block into e, then the results from
     * them (the second loop reads each x before it writes that y, so x and y may be the same memory).
     */
    private static int tanh(MemorySegment x, long xi, MemorySegment y, long yi, int n) {
        int end = S.loopBound(n);
        float[] e = new float[Math.min(end, BLOCK)];
        for (int t = 0; t < end; t += BLOCK) {
            int m = Math.min(BLOCK, end - t);
            tanhExp(x, xi + t, e, m);
            tanh(x, xi + t, e, y, yi + t, m);
        }
        return end;
    }

    private static void tanhExp(MemorySegment x, long xi, float[] e, int m) {
        for (int t = 0; t < m; t += S.length()) {
            VectorMath.tanhExp(FloatVector.fromMemorySegment(S, x, (xi + t) * 4, ORDER)).intoArray(e, t);
        }
    }

    private static void tanh(MemorySegment x, long xi, float[] e, MemorySegment y, long yi, int m) {
        for (int t = 0; t < m; t += S.length()) {
            FloatVector v = FloatVector.fromMemorySegment(S, x, (xi + t) * 4, ORDER);
            VectorMath.tanh(v, FloatVector.fromArray(S, e, t)).intoMemorySegment(y, (yi + t) * 4, ORDER);
        }
    }

    /** The sigmoid as {@link #tanh(MemorySegment, long, MemorySegment, long, int)} does tanh. */
    private static int sigmoid(MemorySegment x, long xi, MemorySegment y, long yi, int n) {
        int end = S.loopBound(n);
        float[] e = new float[Math.min(end, BLOCK)];
        for (int t = 0; t < end; t += BLOCK) {
            int m = Math.min(BLOCK, end - t);
            sigmoidExp(x, xi + t, e, m);
            sigmoid(x, xi + t, e, y, yi + t, m);
        }
        return end;
    }

    private static void sigmoidExp(MemorySegment x, long xi, float[] e, int m) {
        for (int t = 0; t < m; t += S.length()) {
            VectorMath.sigmoidExp(FloatVector.fromMemorySegment(S, x, (xi + t) * 4, ORDER)).intoArray(e, t);
        }
    }

    private static void sigmoid(MemorySegment x, long xi, float[] e, MemorySegment y, long yi, int m) {
        for (int t = 0; t < m; t += S.length()) {
            FloatVector v = FloatVector.fromMemorySegment(S, x, (xi + t) * 4, ORDER);
            VectorMath.sigmoid(v, FloatVector.fromArray(S, e, t)).intoMemorySegment(y, (yi + t) * 4, ORDER);
        }
    }

    /** erf as {@link #tanh(MemorySegment, long, MemorySegment, long, int)} does tanh (GELU's). */
    private static int erf(MemorySegment x, long xi, MemorySegment y, long yi, int n) {
        int end = S.loopBound(n);
        float[] e = new float[Math.min(end, BLOCK)];
        for (int t = 0; t < end; t += BLOCK) {
            int m = Math.min(BLOCK, end - t);
            erfExp(x, xi + t, e, m);
            erf(x, xi + t, e, y, yi + t, m);
        }
        return end;
    }

    private static void erfExp(MemorySegment x, long xi, float[] e, int m) {
        for (int t = 0; t < m; t += S.length()) {
            VectorMath.erfExp(FloatVector.fromMemorySegment(S, x, (xi + t) * 4, ORDER)).intoArray(e, t);
        }
    }

    private static void erf(MemorySegment x, long xi, float[] e, MemorySegment y, long yi, int m) {
        for (int t = 0; t < m; t += S.length()) {
            FloatVector v = FloatVector.fromMemorySegment(S, x, (xi + t) * 4, ORDER);
            VectorMath.erf(v, FloatVector.fromArray(S, e, t)).intoMemorySegment(y, (yi + t) * 4, ORDER);
        }
    }

    @Override
    public void affine(float scale, float shift, MemorySegment x, long xi, MemorySegment y, long yi, int n) {
        if (!(x.isNative() && y.isNative())) {
            super.affine(scale, shift, x, xi, y, yi, n);
            return;
        }
        affineNative(scale, shift, x, xi, y, yi, n);
    }

    /** The vector loop, given native segments only: its loads never see a heap segment (see {@link #binary}). */
    private void affineNative(float scale, float shift, MemorySegment x, long xi, MemorySegment y, long yi, int n) {
        int t = 0;
        for (int end = S.loopBound(n); t < end; t += S.length()) {
            FloatVector v = FloatVector.fromMemorySegment(S, x, (xi + t) * 4, ORDER);
            v.mul(scale).add(shift).intoMemorySegment(y, (yi + t) * 4, ORDER);
        }
        super.affine(scale, shift, x, xi + t, y, yi + t, n - t);
    }

    @Override
    public void binary(BinaryFn fn, MemorySegment a, long ai, MemorySegment b, long bi, boolean bOne,
                       MemorySegment y, long yi, int n) {
        if (fn == BinaryFn.MAXIMUM || fn == BinaryFn.MINIMUM
                || !(a.isNative() && (bOne || b.isNative()) && y.isNative())) { // one b value is read once
            super.binary(fn, a, ai, b, bi, bOne, y, yi, n);
            return;
        }
        // One value of b is often a heap segment (a sum's gradient is a 4-byte tensor): it is read here and the loop
        // gets a native segment in its place, so its vector loads never see a heap one. A load site that has seen
        // one compiles to a slow generic load for every later call (benchmarks/RESULTS.md, heap segments).
        float one = bOne ? b.getAtIndex(JAVA_FLOAT, bi) : 0f;
        if (fn.isComparison()) {
            compare(fn, a, ai, bOne ? a : b, bi, bOne, one, y, yi, n);
        } else {
            loop(fn, a, ai, bOne ? a : b, bi, bOne, one, y, yi, n);
        }
    }

    /** y[i] = 1 where a[i] (fn) b[i] (or one) holds, else 0 (NaN compares false), on native segments. */
    private static void compare(BinaryFn fn, MemorySegment a, long ai, MemorySegment b, long bi, boolean bOne,
                                float one, MemorySegment y, long yi, int n) {
        FloatVector vOne = FloatVector.broadcast(S, one);
        FloatVector zero = FloatVector.zero(S);
        FloatVector ones = FloatVector.broadcast(S, 1f);
        int t = 0;
        for (int end = S.loopBound(n); t < end; t += S.length()) {
            FloatVector va = FloatVector.fromMemorySegment(S, a, (ai + t) * 4, ORDER);
            FloatVector vb = bOne ? vOne : FloatVector.fromMemorySegment(S, b, (bi + t) * 4, ORDER);
            VectorMask<Float> holds = switch (fn) { // constant operators: each arm compiles to one vector compare
                case GREATER -> va.compare(VectorOperators.GT, vb);
                case LESS -> va.compare(VectorOperators.LT, vb);
                default -> va.compare(VectorOperators.EQ, vb);
            };
            zero.blend(ones, holds).intoMemorySegment(y, (yi + t) * 4, ORDER);
        }
        for (; t < n; t++) {
            float va = a.getAtIndex(JAVA_FLOAT, ai + t);
            float vb = bOne ? one : b.getAtIndex(JAVA_FLOAT, bi + t);
            boolean holds = fn == BinaryFn.GREATER ? va > vb : fn == BinaryFn.LESS ? va < vb : va == vb;
            y.setAtIndex(JAVA_FLOAT, yi + t, holds ? 1f : 0f);
        }
    }

    /** y[i] = fn(a[i], b[i]), or fn(a[i], one) with {@code bOne}, on native segments. */
    private static void loop(BinaryFn fn, MemorySegment a, long ai, MemorySegment b, long bi, boolean bOne,
                             float one, MemorySegment y, long yi, int n) {
        FloatVector vOne = FloatVector.broadcast(S, one);
        int t = 0;
        for (int end = S.loopBound(n); t < end; t += S.length()) {
            FloatVector va = FloatVector.fromMemorySegment(S, a, (ai + t) * 4, ORDER);
            FloatVector vb = bOne ? vOne : FloatVector.fromMemorySegment(S, b, (bi + t) * 4, ORDER);
            FloatVector r = switch (fn) { // constant per loop: each arm compiles to one vector instruction
                case ADD -> va.add(vb);
                case SUB -> va.sub(vb);
                case MUL -> va.mul(vb);
                case GATE -> va.blend(0f, vb.compare(VectorOperators.GT, 0f).not()); // a where b > 0
                case TANH_BACKWARD -> va.mul(vb.neg().fma(vb, FloatVector.broadcast(S, 1f))); // a·(1 − b²)
                case SIGMOID_BACKWARD -> va.mul(vb.mul(vb.neg().add(1f))); // a·(b·(1 − b))
                default -> va.div(vb);
            };
            r.intoMemorySegment(y, (yi + t) * 4, ORDER);
        }
        for (; t < n; t++) { // the tail in float, as the vectors: like the double definition but for the last two
            float va = a.getAtIndex(JAVA_FLOAT, ai + t);
            float vb = bOne ? one : b.getAtIndex(JAVA_FLOAT, bi + t);
            float r = switch (fn) {
                case ADD -> va + vb;
                case SUB -> va - vb;
                case MUL -> va * vb;
                case GATE -> vb > 0 ? va : 0;
                case TANH_BACKWARD -> va * Math.fma(-vb, vb, 1f);
                case SIGMOID_BACKWARD -> va * (vb * (1f - vb));
                default -> va / vb;
            };
            y.setAtIndex(JAVA_FLOAT, yi + t, r);
        }
    }

    @Override
    public void where(MemorySegment c, long ci, boolean cOne, MemorySegment a, long ai, boolean aOne, MemorySegment b,
                      long bi, boolean bOne, MemorySegment y, long yi, int n) {
        if (!((cOne || c.isNative()) && (aOne || a.isNative()) && (bOne || b.isNative()) && y.isNative())) {
            super.where(c, ci, cOne, a, ai, aOne, b, bi, bOne, y, yi, n);
            return;
        }
        // One values are read here, so the loop's vector loads see native segments only (see binary).
        float c1 = cOne ? c.getAtIndex(JAVA_FLOAT, ci) : 0f;
        float a1 = aOne ? a.getAtIndex(JAVA_FLOAT, ai) : 0f;
        float b1 = bOne ? b.getAtIndex(JAVA_FLOAT, bi) : 0f;
        whereNative(cOne ? y : c, ci, cOne, c1, aOne ? y : a, ai, aOne, a1, bOne ? y : b, bi, bOne, b1, y, yi, n);
    }

    /** The vector loop of where, given native segments only; an operand marked one is its value instead. */
    private static void whereNative(MemorySegment c, long ci, boolean cOne, float c1, MemorySegment a, long ai,
                                    boolean aOne, float a1, MemorySegment b, long bi, boolean bOne, float b1,
                                    MemorySegment y, long yi, int n) {
        FloatVector vc1 = FloatVector.broadcast(S, c1);
        FloatVector va1 = FloatVector.broadcast(S, a1);
        FloatVector vb1 = FloatVector.broadcast(S, b1);
        int t = 0;
        for (int end = S.loopBound(n); t < end; t += S.length()) {
            FloatVector vc = cOne ? vc1 : FloatVector.fromMemorySegment(S, c, (ci + t) * 4, ORDER);
            FloatVector va = aOne ? va1 : FloatVector.fromMemorySegment(S, a, (ai + t) * 4, ORDER);
            FloatVector vb = bOne ? vb1 : FloatVector.fromMemorySegment(S, b, (bi + t) * 4, ORDER);
            vb.blend(va, vc.compare(VectorOperators.NE, 0f)).intoMemorySegment(y, (yi + t) * 4, ORDER); // NaN ≠ 0
        }
        for (; t < n; t++) {
            float vc = cOne ? c1 : c.getAtIndex(JAVA_FLOAT, ci + t);
            float va = aOne ? a1 : a.getAtIndex(JAVA_FLOAT, ai + t);
            float vb = bOne ? b1 : b.getAtIndex(JAVA_FLOAT, bi + t);
            y.setAtIndex(JAVA_FLOAT, yi + t, vc != 0 ? va : vb);
        }
    }

    @Override
    public void biasRelu(float bias, boolean relu, MemorySegment y, long yi, int n) {
        if (!y.isNative()) {
            super.biasRelu(bias, relu, y, yi, n);
            return;
        }
        biasReluNative(bias, relu, y, yi, n);
    }

    /** The vector loop, given native segments only: its loads never see a heap segment (see {@link #binary}). */
    private void biasReluNative(float bias, boolean relu, MemorySegment y, long yi, int n) {
        FloatVector zero = FloatVector.zero(S);
        int t = 0;
        for (int end = S.loopBound(n); t < end; t += S.length()) {
            FloatVector v = FloatVector.fromMemorySegment(S, y, (yi + t) * 4, ORDER).add(bias);
            (relu ? v.blend(zero, v.compare(VectorOperators.LE, 0f)) : v).intoMemorySegment(y, (yi + t) * 4, ORDER);
        }
        super.biasRelu(bias, relu, y, yi + t, n - t);
    }

    @Override
    public double sum(MemorySegment x, long xi, int n) {
        if (!x.isNative()) {
            return super.sum(x, xi, n);
        }
        return sumNative(x, xi, n);
    }

    /** The vector loop, given native segments only: its loads never see a heap segment (see {@link #binary}). */
    private double sumNative(MemorySegment x, long xi, int n) {
        DoubleVector lo = DoubleVector.zero(D); // the low and high halves of each float vector, widened
        DoubleVector hi = DoubleVector.zero(D);
        int t = 0;
        for (int end = S.loopBound(n); t < end; t += S.length()) {
            FloatVector v = FloatVector.fromMemorySegment(S, x, (xi + t) * 4, ORDER);
            lo = lo.add((DoubleVector) v.convertShape(VectorOperators.F2D, D, 0));
            hi = hi.add((DoubleVector) v.convertShape(VectorOperators.F2D, D, 1));
        }
        DoubleVector both = lo.add(hi);
        double s = 0;
        for (int i = 0; i < D.length(); i++) { // lanes in order: reduceLanes(ADD) leaves the order open
            s += both.lane(i);
        }
        for (; t < n; t++) {
            s += x.getAtIndex(JAVA_FLOAT, xi + t);
        }
        return s;
    }

    @Override
    public double sumRows(MemorySegment x, long xi, int n, int rows, long stride) {
        if (!x.isNative()) {
            return super.sumRows(x, xi, n, rows, stride);
        }
        return sumRowsNative(x, xi, n, rows, stride);
    }

    /**
     * The vector loop of sumRows, given native segments only: every run's full vectors go into the same two double
     * vectors, whose lanes are added in order once at the end, then every run's tail in run order.
     */
    private double sumRowsNative(MemorySegment x, long xi, int n, int rows, long stride) {
        DoubleVector lo = DoubleVector.zero(D);
        DoubleVector hi = DoubleVector.zero(D);
        int end = S.loopBound(n);
        for (int r = 0; r < rows; r++) {
            long at = xi + r * stride;
            for (int t = 0; t < end; t += S.length()) {
                FloatVector v = FloatVector.fromMemorySegment(S, x, (at + t) * 4, ORDER);
                lo = lo.add((DoubleVector) v.convertShape(VectorOperators.F2D, D, 0));
                hi = hi.add((DoubleVector) v.convertShape(VectorOperators.F2D, D, 1));
            }
        }
        DoubleVector both = lo.add(hi);
        double s = 0;
        for (int i = 0; i < D.length(); i++) { // lanes in order: reduceLanes(ADD) leaves the order open
            s += both.lane(i);
        }
        for (int r = 0; r < rows && end < n; r++) {
            long at = xi + r * stride;
            for (int t = end; t < n; t++) {
                s += x.getAtIndex(JAVA_FLOAT, at + t);
            }
        }
        return s;
    }

    @Override
    public void leakyRelu(float slope, MemorySegment x, long xi, MemorySegment y, long yi, int n) {
        if (!(x.isNative() && y.isNative())) {
            super.leakyRelu(slope, x, xi, y, yi, n);
            return;
        }
        leakyReluNative(slope, x, xi, y, yi, n);
    }

    /** The vector loop (a product and a blend, exact), given native segments only. */
    private void leakyReluNative(float slope, MemorySegment x, long xi, MemorySegment y, long yi, int n) {
        int t = 0;
        for (int end = S.loopBound(n); t < end; t += S.length()) {
            FloatVector v = FloatVector.fromMemorySegment(S, x, (xi + t) * 4, ORDER);
            v.mul(slope).blend(v, v.compare(VectorOperators.GT, 0f)).intoMemorySegment(y, (yi + t) * 4, ORDER);
        }
        super.leakyRelu(slope, x, xi + t, y, yi + t, n - t);
    }

    @Override
    public void leakyReluBackward(float slope, MemorySegment dy, long dyi, MemorySegment x, long xi, MemorySegment dx,
                                  long dxi, int n) {
        if (!(dy.isNative() && x.isNative() && dx.isNative())) {
            super.leakyReluBackward(slope, dy, dyi, x, xi, dx, dxi, n);
            return;
        }
        leakyReluBackwardNative(slope, dy, dyi, x, xi, dx, dxi, n);
    }

    /** The vector loop (a product and a blend, exact), given native segments only. */
    private void leakyReluBackwardNative(float slope, MemorySegment dy, long dyi, MemorySegment x, long xi,
                                         MemorySegment dx, long dxi, int n) {
        int t = 0;
        for (int end = S.loopBound(n); t < end; t += S.length()) {
            FloatVector g = FloatVector.fromMemorySegment(S, dy, (dyi + t) * 4, ORDER);
            VectorMask<Float> positive = FloatVector.fromMemorySegment(S, x, (xi + t) * 4, ORDER)
                    .compare(VectorOperators.GT, 0f);
            g.mul(slope).blend(g, positive).intoMemorySegment(dx, (dxi + t) * 4, ORDER);
        }
        super.leakyReluBackward(slope, dy, dyi + t, x, xi + t, dx, dxi + t, n - t);
    }

    /**
     * This thread's accumulators for {@code size} doubles, zeroed: the channel reductions keep each channel's two
     * double vectors (or four) here between its runs.
     */
    private double[] accumulators(int size) {
        double[] acc = accumulators.get();
        if (acc.length < size) {
            acc = new double[size];
            accumulators.set(acc);
        }
        Arrays.fill(acc, 0, size, 0);
        return acc;
    }

    @Override
    public void channelSums(MemorySegment x, long xi, int n, int rows, long stride, int channels, double[] sums) {
        if (!x.isNative()) {
            super.channelSums(x, xi, n, rows, stride, channels, sums);
            return;
        }
        channelSumsNative(x, xi, n, rows, stride, channels, sums);
    }

    /**
     * The vector loop of channelSums, given native segments only: each channel's full vectors go into two double
     * vectors of its own, kept in this thread's accumulators between its runs, its tails into a double in run order;
     * at the end the lanes in order, then the tails.
     */
    private void channelSumsNative(MemorySegment x, long xi, int n, int rows, long stride, int channels,
                                   double[] sums) {
        int dl = D.length();
        double[] acc = accumulators(2 * dl * channels);
        Arrays.fill(sums, 0, channels, 0);
        int end = S.loopBound(n);
        for (int r = 0; r < rows; r++) {
            for (int j = 0; j < channels; j++) {
                long at = xi + r * stride + (long) j * n;
                int a = 2 * dl * j;
                DoubleVector lo = DoubleVector.fromArray(D, acc, a);
                DoubleVector hi = DoubleVector.fromArray(D, acc, a + dl);
                for (int t = 0; t < end; t += S.length()) {
                    FloatVector v = FloatVector.fromMemorySegment(S, x, (at + t) * 4, ORDER);
                    lo = lo.add((DoubleVector) v.convertShape(VectorOperators.F2D, D, 0));
                    hi = hi.add((DoubleVector) v.convertShape(VectorOperators.F2D, D, 1));
                }
                lo.intoArray(acc, a);
                hi.intoArray(acc, a + dl);
                for (int t = end; t < n; t++) {
                    sums[j] += x.getAtIndex(JAVA_FLOAT, at + t);
                }
            }
        }
        for (int j = 0; j < channels; j++) {
            sums[j] += inOrder(acc, 2 * dl * j);
        }
    }

    @Override
    public void channelSquaresAbout(double[] means, MemorySegment x, long xi, int n, int rows, long stride,
                                    int channels, double[] squares) {
        if (!x.isNative()) {
            super.channelSquaresAbout(means, x, xi, n, rows, stride, channels, squares);
            return;
        }
        channelSquaresAboutNative(means, x, xi, n, rows, stride, channels, squares);
    }

    /** As {@link #channelSumsNative}, with the squared deviations about each channel's mean. */
    private void channelSquaresAboutNative(double[] means, MemorySegment x, long xi, int n, int rows, long stride,
                                           int channels, double[] squares) {
        int dl = D.length();
        double[] acc = accumulators(2 * dl * channels);
        Arrays.fill(squares, 0, channels, 0);
        int end = S.loopBound(n);
        for (int r = 0; r < rows; r++) {
            for (int j = 0; j < channels; j++) {
                long at = xi + r * stride + (long) j * n;
                int a = 2 * dl * j;
                DoubleVector m = DoubleVector.broadcast(D, means[j]);
                DoubleVector lo = DoubleVector.fromArray(D, acc, a);
                DoubleVector hi = DoubleVector.fromArray(D, acc, a + dl);
                for (int t = 0; t < end; t += S.length()) {
                    FloatVector v = FloatVector.fromMemorySegment(S, x, (at + t) * 4, ORDER);
                    DoubleVector d0 = ((DoubleVector) v.convertShape(VectorOperators.F2D, D, 0)).sub(m);
                    DoubleVector d1 = ((DoubleVector) v.convertShape(VectorOperators.F2D, D, 1)).sub(m);
                    lo = d0.fma(d0, lo);
                    hi = d1.fma(d1, hi);
                }
                lo.intoArray(acc, a);
                hi.intoArray(acc, a + dl);
                for (int t = end; t < n; t++) {
                    double d = x.getAtIndex(JAVA_FLOAT, at + t) - means[j];
                    squares[j] += d * d;
                }
            }
        }
        for (int j = 0; j < channels; j++) {
            squares[j] += inOrder(acc, 2 * dl * j);
        }
    }

    @Override
    public void channelSumsAndDotsAbout(double[] means, MemorySegment dy, long dyi, MemorySegment x, long xi, int n,
                                        int rows, long stride, int channels, double[] sums, double[] dots) {
        if (!(dy.isNative() && x.isNative())) {
            super.channelSumsAndDotsAbout(means, dy, dyi, x, xi, n, rows, stride, channels, sums, dots);
            return;
        }
        channelSumsAndDotsAboutNative(means, dy, dyi, x, xi, n, rows, stride, channels, sums, dots);
    }

    /** As {@link #channelSumsNative}, with four double vectors per channel: dy's halves, then dy·(x − mean)'s. */
    private void channelSumsAndDotsAboutNative(double[] means, MemorySegment dy, long dyi, MemorySegment x, long xi,
                                               int n, int rows, long stride, int channels, double[] sums,
                                               double[] dots) {
        int dl = D.length();
        double[] acc = accumulators(4 * dl * channels);
        Arrays.fill(sums, 0, channels, 0);
        Arrays.fill(dots, 0, channels, 0);
        int end = S.loopBound(n);
        for (int r = 0; r < rows; r++) {
            for (int j = 0; j < channels; j++) {
                long run = r * stride + (long) j * n;
                int a = 4 * dl * j;
                DoubleVector m = DoubleVector.broadcast(D, means[j]);
                DoubleVector sLo = DoubleVector.fromArray(D, acc, a);
                DoubleVector sHi = DoubleVector.fromArray(D, acc, a + dl);
                DoubleVector dLo = DoubleVector.fromArray(D, acc, a + 2 * dl);
                DoubleVector dHi = DoubleVector.fromArray(D, acc, a + 3 * dl);
                for (int t = 0; t < end; t += S.length()) {
                    FloatVector g = FloatVector.fromMemorySegment(S, dy, (dyi + run + t) * 4, ORDER);
                    FloatVector v = FloatVector.fromMemorySegment(S, x, (xi + run + t) * 4, ORDER);
                    DoubleVector g0 = (DoubleVector) g.convertShape(VectorOperators.F2D, D, 0);
                    DoubleVector g1 = (DoubleVector) g.convertShape(VectorOperators.F2D, D, 1);
                    sLo = sLo.add(g0);
                    sHi = sHi.add(g1);
                    dLo = ((DoubleVector) v.convertShape(VectorOperators.F2D, D, 0)).sub(m).fma(g0, dLo);
                    dHi = ((DoubleVector) v.convertShape(VectorOperators.F2D, D, 1)).sub(m).fma(g1, dHi);
                }
                sLo.intoArray(acc, a);
                sHi.intoArray(acc, a + dl);
                dLo.intoArray(acc, a + 2 * dl);
                dHi.intoArray(acc, a + 3 * dl);
                for (int t = end; t < n; t++) {
                    double g = dy.getAtIndex(JAVA_FLOAT, dyi + run + t);
                    sums[j] += g;
                    dots[j] += g * (x.getAtIndex(JAVA_FLOAT, xi + run + t) - means[j]);
                }
            }
        }
        for (int j = 0; j < channels; j++) {
            sums[j] += inOrder(acc, 4 * dl * j);
            dots[j] += inOrder(acc, 4 * dl * j + 2 * dl);
        }
    }

    /**
     * The lanes' sum in lane order of the two double vectors at acc[a], added lanewise first (reduceLanes(ADD) leaves
     * the order open).
     */
    private static double inOrder(double[] acc, int a) {
        DoubleVector both = DoubleVector.fromArray(D, acc, a).add(DoubleVector.fromArray(D, acc, a + D.length()));
        double s = 0;
        for (int i = 0; i < D.length(); i++) {
            s += both.lane(i);
        }
        return s;
    }

    @Override
    public void normalize(double mean, float scale, float shift, MemorySegment x, long xi, MemorySegment y, long yi,
                          int n) {
        if (!(x.isNative() && y.isNative())) {
            super.normalize(mean, scale, shift, x, xi, y, yi, n);
            return;
        }
        normalizeNative(mean, scale, shift, x, xi, y, yi, n);
    }

    /**
     * The vector loop in float given native segments only: the mean as a float32 head and the float32 rest of it,
     * subtracted one after the other ((x − head) is exact where x is near the mean), then one fused multiply-add.
     */
    private void normalizeNative(double mean, float scale, float shift, MemorySegment x, long xi, MemorySegment y,
                                 long yi, int n) {
        float head = (float) mean;
        float rest = (float) (mean - head);
        int t = 0;
        for (int end = S.loopBound(n); t < end; t += S.length()) {
            FloatVector.fromMemorySegment(S, x, (xi + t) * 4, ORDER).sub(head).sub(rest).fma(scale, shift)
                    .intoMemorySegment(y, (yi + t) * 4, ORDER);
        }
        super.normalize(mean, scale, shift, x, xi + t, y, yi + t, n - t);
    }

    @Override
    public void normalizeBackward(float a, MemorySegment dy, long dyi, float b, MemorySegment x, long xi, float mean,
                                  float shift, MemorySegment dx, long dxi, int n) {
        if (!(dy.isNative() && x.isNative() && dx.isNative())) {
            super.normalizeBackward(a, dy, dyi, b, x, xi, mean, shift, dx, dxi, n);
            return;
        }
        normalizeBackwardNative(a, dy, dyi, b, x, xi, mean, shift, dx, dxi, n);
    }

    /** The vector loop in float (two fused multiply-adds per vector), given native segments only. */
    private void normalizeBackwardNative(float a, MemorySegment dy, long dyi, float b, MemorySegment x, long xi,
                                         float mean, float shift, MemorySegment dx, long dxi, int n) {
        FloatVector va = FloatVector.broadcast(S, a);
        FloatVector vb = FloatVector.broadcast(S, b);
        FloatVector vShift = FloatVector.broadcast(S, shift);
        int t = 0;
        for (int end = S.loopBound(n); t < end; t += S.length()) {
            FloatVector g = FloatVector.fromMemorySegment(S, dy, (dyi + t) * 4, ORDER);
            FloatVector centred = FloatVector.fromMemorySegment(S, x, (xi + t) * 4, ORDER).sub(mean);
            centred.fma(vb, g.fma(va, vShift)).intoMemorySegment(dx, (dxi + t) * 4, ORDER);
        }
        super.normalizeBackward(a, dy, dyi + t, b, x, xi + t, mean, shift, dx, dxi + t, n - t);
    }

    @Override
    public double max(MemorySegment x, long xi, int n) {
        if (!x.isNative()) {
            return super.max(x, xi, n);
        }
        return maxNative(x, xi, n);
    }

    /** The vector loop, given native segments only: its loads never see a heap segment (see {@link #binary}). */
    private double maxNative(MemorySegment x, long xi, int n) {
        FloatVector m = FloatVector.broadcast(S, Float.NEGATIVE_INFINITY);
        int t = 0;
        for (int end = S.loopBound(n); t < end; t += S.length()) {
            m = m.max(FloatVector.fromMemorySegment(S, x, (xi + t) * 4, ORDER)); // as Math.max: NaN wins
        }
        double r = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < S.length(); i++) {
            r = Math.max(r, m.lane(i));
        }
        return Math.max(r, super.max(x, xi + t, n - t));
    }

    @Override
    public int nextNonzero(MemorySegment x, long xi, int from, int to) {
        if (!x.isNative()) {
            return super.nextNonzero(x, xi, from, to);
        }
        int t = from;
        for (int end = to - S.length(); t <= end; t += S.length()) {
            VectorMask<Float> nonzero = FloatVector.fromMemorySegment(S, x, (xi + t) * 4, ORDER)
                    .compare(VectorOperators.NE, 0f);
            if (nonzero.anyTrue()) {
                return t + nonzero.firstTrue();
            }
        }
        return super.nextNonzero(x, xi, t, to);
    }

    @Override
    public void accumulate(boolean max, MemorySegment x, long xi, double[] acc, int ai, int n) {
        if (!x.isNative()) {
            super.accumulate(max, x, xi, acc, ai, n);
            return;
        }
        accumulateNative(max, x, xi, acc, ai, n);
    }

    /** The vector loop, given native segments only: its loads never see a heap segment (see {@link #binary}). */
    private void accumulateNative(boolean max, MemorySegment x, long xi, double[] acc, int ai, int n) {
        int t = 0;
        for (int end = S.loopBound(n); t < end; t += S.length()) {
            FloatVector v = FloatVector.fromMemorySegment(S, x, (xi + t) * 4, ORDER);
            DoubleVector v0 = (DoubleVector) v.convertShape(VectorOperators.F2D, D, 0);
            DoubleVector v1 = (DoubleVector) v.convertShape(VectorOperators.F2D, D, 1);
            DoubleVector a0 = DoubleVector.fromArray(D, acc, ai + t);
            DoubleVector a1 = DoubleVector.fromArray(D, acc, ai + t + D.length());
            (max ? a0.max(v0) : a0.add(v0)).intoArray(acc, ai + t);
            (max ? a1.max(v1) : a1.add(v1)).intoArray(acc, ai + t + D.length());
        }
        super.accumulate(max, x, xi + t, acc, ai + t, n - t);
    }
}

package striate.cpu;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The full vectors of {@link CpuRecurrent}'s fused LSTM and GRU cells, one row of [n, h] at a time, on off-heap
 * segments (offsets in elements): each method does the columns [0, loopBound(h)) and returns the first column left
 * for the plain loop. Float arithmetic with {@link VectorMath}'s tanh and sigmoid (a few ulps from the reference's
 * double, the same bits interpreted or compiled), as {@link VectorFloatLoops} computes them. A row goes through
 * passes with one VectorMath step each (C2 inlines about one exp's worth of Vector API calls into a method: see
 * {@link VectorMath}): the exponentials of an activation into e (a float per column), then the activation from them,
 * partial results in the output's places while the row stays in cache. Loaded only when the JVM has the Vector API
 * module.
 */
final class VectorCells {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final ByteOrder ORDER = ByteOrder.nativeOrder();

    private VectorCells() {
    }

    private static FloatVector load(MemorySegment m, long at) {
        return FloatVector.fromMemorySegment(S, m, at * 4, ORDER);
    }

    private static void store(FloatVector v, MemorySegment m, long at) {
        v.intoMemorySegment(m, at * 4, ORDER);
    }

    /** 1 − v². */
    private static FloatVector oneMinusSquare(FloatVector v) {
        return v.neg().fma(v, FloatVector.broadcast(S, 1f));
    }

    /** v·(1 − v): a sigmoid's derivative from its output. */
    private static FloatVector sigmoidSlope(FloatVector v) {
        return v.mul(v.neg().add(1f));
    }

    /**
     * h' to y[h1], c' to y[c1] from gates at g (i, f, g, o blocks of h) and c at c0, an activation at a time.
     */
    static int lstm(MemorySegment gs, long g, MemorySegment cs, long c0, MemorySegment y, long h1, long c1, int h) {
        int end = S.loopBound(h);
        float[] e = new float[end];
        sigmoidExp(gs, g + h, e, end);
        sigmoidTimes(gs, g + h, e, cs, c0, y, c1, end); // f·c
        tanhExp(gs, g + 2L * h, e, end);
        tanh(gs, g + 2L * h, e, y, h1, end); // g
        sigmoidExp(gs, g, e, end);
        sigmoidFma(gs, g, e, y, h1, y, c1, y, c1, end); // c' = i·g + f·c
        tanhExp(y, c1, e, end);
        tanh(y, c1, e, y, h1, end);
        sigmoidExp(gs, g + 3L * h, e, end);
        sigmoidTimes(gs, g + 3L * h, e, y, h1, y, h1, end); // h' = o·tanh c'
        return end;
    }

    /**
     * dgates to out[dg] (four blocks of h), dc to out[dc] from dh at d[dh], dc' at d[dc1], gates at g, c at c0: the
     * activations into the output's places, then the gradients from them in a loop of their own (with the
     * activations in one loop body, C2 left vectors boxed).
     */
    static int lstmBackward(MemorySegment d, long dh, long dc1, MemorySegment gs, long g, MemorySegment cs, long c0,
                            MemorySegment out, long dg, long dc, int h) {
        int end = S.loopBound(h);
        float[] e = new float[end];
        for (int gate = 0; gate < 4; gate++) { // i, f, g, o
            long at = g + (long) gate * h;
            long to = dg + (long) gate * h;
            if (gate == 2) {
                tanhExp(gs, at, e, end);
                tanh(gs, at, e, out, to, end);
            } else {
                sigmoidExp(gs, at, e, end);
                sigmoid(gs, at, e, out, to, end);
            }
        }
        cellTanhExp(out, dg, h, cs, c0, e, end);
        cellTanh(out, dg, h, cs, c0, e, out, dc, end);
        lstmGradients(d, dh, dc1, cs, c0, out, dg, dc, h, end);
        return end;
    }

    /** The gradients from the activations {@link #lstmBackward} left in out, written over them. */
    private static void lstmGradients(MemorySegment d, long dh, long dc1, MemorySegment cs, long c0, MemorySegment out,
                                      long dg, long dc, int h, int end) {
        for (int j = 0; j < end; j += S.length()) {
            FloatVector i = load(out, dg + j);
            FloatVector f = load(out, dg + h + j);
            FloatVector gg = load(out, dg + 2L * h + j);
            FloatVector o = load(out, dg + 3L * h + j);
            FloatVector tc = load(out, dc + j);
            FloatVector dhv = load(d, dh + j);
            FloatVector dcv = dhv.mul(o).fma(oneMinusSquare(tc), load(d, dc1 + j)); // dc' + dh·o·(1 − tanh²c')
            store(dcv.mul(gg).mul(sigmoidSlope(i)), out, dg + j);
            store(dcv.mul(load(cs, c0 + j)).mul(sigmoidSlope(f)), out, dg + h + j);
            store(dcv.mul(i).mul(oneMinusSquare(gg)), out, dg + 2L * h + j);
            store(dhv.mul(tc).mul(sigmoidSlope(o)), out, dg + 3L * h + j);
            store(dcv.mul(f), out, dc + j);
        }
    }

    /** h' to y[y0] from xg at x, hg at hg0 (r, z, n blocks of h) and h at h0, an activation at a time. */
    static int gru(MemorySegment xs, long x, MemorySegment hgs, long hg0, MemorySegment hs, long h0, MemorySegment y,
                   long y0, int h) {
        int end = S.loopBound(h);
        float[] e = new float[end];
        sigmoidSumExp(xs, x, hgs, hg0, e, end);
        sigmoidSum(xs, x, hgs, hg0, e, y, y0, end); // r
        tanhFmaExp(y, y0, hgs, hg0 + 2L * h, xs, x + 2L * h, e, end);
        tanhFma(y, y0, hgs, hg0 + 2L * h, xs, x + 2L * h, e, y, y0, end); // n = tanh(xn + r·hn)
        sigmoidSumExp(xs, x + h, hgs, hg0 + h, e, end);
        gruOutput(xs, x + h, hgs, hg0 + h, e, hs, h0, y, y0, end);
        return end;
    }

    /**
     * dxg to out[dx], dhg to out[dhg] (three blocks of h each), dh to out[dh0] from dy at d[d0]: the activations into
     * dxg's places first, then the gradients from them (see {@link #lstmBackward}).
     */
    static int gruBackward(MemorySegment d, long d0, MemorySegment xs, long x, MemorySegment hgs, long hg0,
                           MemorySegment hs, long h0, MemorySegment out, long dx, long dhg, long dh0, int h) {
        int end = S.loopBound(h);
        float[] e = new float[end];
        sigmoidSumExp(xs, x, hgs, hg0, e, end);
        sigmoidSum(xs, x, hgs, hg0, e, out, dx, end); // r
        sigmoidSumExp(xs, x + h, hgs, hg0 + h, e, end);
        sigmoidSum(xs, x + h, hgs, hg0 + h, e, out, dx + h, end); // z
        tanhFmaExp(out, dx, hgs, hg0 + 2L * h, xs, x + 2L * h, e, end);
        tanhFma(out, dx, hgs, hg0 + 2L * h, xs, x + 2L * h, e, out, dx + 2L * h, end); // n
        gruGradients(d, d0, hgs, hg0, hs, h0, out, dx, dhg, dh0, h, end);
        return end;
    }

    /** The gradients from the activations {@link #gruBackward} left in out, written over them. */
    private static void gruGradients(MemorySegment d, long d0, MemorySegment hgs, long hg0, MemorySegment hs, long h0,
                                     MemorySegment out, long dx, long dhg, long dh0, int h, int end) {
        for (int j = 0; j < end; j += S.length()) {
            FloatVector r = load(out, dx + j);
            FloatVector z = load(out, dx + h + j);
            FloatVector n = load(out, dx + 2L * h + j);
            FloatVector dy = load(d, d0 + j);
            FloatVector dn = dy.mul(z.neg().add(1f)).mul(oneMinusSquare(n));
            FloatVector dz = dy.mul(load(hs, h0 + j).sub(n)).mul(sigmoidSlope(z));
            FloatVector dr = dn.mul(load(hgs, hg0 + 2L * h + j)).mul(sigmoidSlope(r));
            store(dr, out, dx + j);
            store(dz, out, dx + h + j);
            store(dn, out, dx + 2L * h + j);
            store(dr, out, dhg + j);
            store(dz, out, dhg + h + j);
            store(dn.mul(r), out, dhg + 2L * h + j);
            store(dy.mul(z), out, dh0 + j);
        }
    }

    /**
     * One row of a fused LSTM layer's step: the gates at y[a] (i, f, g, o blocks of h) hold h·W_hhᵀ ({@code hidden};
     * else nothing, from the zero state); x·W_ihᵀ at xs[x0] and the bias at bs[b0] are added and the sums activated
     * in place, then c' = f·c + i·g to y[c1] (c at cs[cp]) and h' = o·tanh c' to y[h1].
     */
    static int lstmLayer(MemorySegment xs, long x0, MemorySegment bs, long b0, MemorySegment cs, long cp, boolean hidden,
                         MemorySegment y, long a, long h1, long c1, int h) {
        int end = S.loopBound(h);
        float[] e = new float[end];
        for (int gate = 0; gate < 4; gate++) {
            long at = a + (long) gate * h;
            addTo(y, at, hidden, xs, x0 + (long) gate * h, bs, b0 + (long) gate * h, end);
            if (gate == 2) {
                tanhExp(y, at, e, end);
                tanh(y, at, e, y, at, end);
            } else {
                sigmoidExp(y, at, e, end);
                sigmoid(y, at, e, y, at, end);
            }
        }
        cellTo(y, a, h, cs, cp, y, c1, end);
        tanhExp(y, c1, e, end);
        tanh(y, c1, e, y, h1, end);
        times(y, a + 3L * h, y, h1, end);
        return end;
    }

    /** y = c' = i·g + f·c (see {@link #cell}). */
    private static void cellTo(MemorySegment act, long ai, int h, MemorySegment cs, long c0, MemorySegment y, long yi,
                               int end) {
        for (int j = 0; j < end; j += S.length()) {
            store(cell(act, ai + j, h, cs, c0 + j), y, yi + j);
        }
    }

    /** y = a·y. */
    private static void times(MemorySegment a, long ai, MemorySegment y, long yi, int end) {
        for (int j = 0; j < end; j += S.length()) {
            store(load(y, yi + j).mul(load(a, ai + j)), y, yi + j);
        }
    }

    /** y = (y, when {@code withY}) + a + b. */
    private static void addTo(MemorySegment y, long yi, boolean withY, MemorySegment a, long ai, MemorySegment b,
                              long bi, int end) {
        for (int j = 0; j < end; j += S.length()) {
            FloatVector v = load(a, ai + j).add(load(b, bi + j));
            store(withY ? v.add(load(y, yi + j)) : v, y, yi + j);
        }
    }

    /**
     * One row of a fused LSTM layer's backward step: dgates to out[dg] (four blocks of h) from dh = d[dh] + rec[dhr]
     * and dc = d[dc] + rec[dcr], the saved activations at ys[a], c_t at ys[ct] and c_{t−1} at cs[cp]; dc_{t−1} goes to
     * rec[dcr], over the dc it read. tanh c_t goes to o's place first.
     */
    static int lstmLayerBackward(MemorySegment d, long dh, long dc, MemorySegment rec, long dhr, long dcr,
                                 MemorySegment ys, long a, long ct, MemorySegment cs, long cp, MemorySegment out,
                                 long dg, int h) {
        int end = S.loopBound(h);
        float[] e = new float[end];
        tanhExp(ys, ct, e, end);
        tanh(ys, ct, e, out, dg + 3L * h, end);
        lstmLayerGradients(d, dh, dc, rec, dhr, dcr, ys, a, cs, cp, out, dg, h, end);
        return end;
    }

    /** The gradients of {@link #lstmLayerBackward}, tanh c_t read from o's place (a loop of its own, as C2 likes). */
    private static void lstmLayerGradients(MemorySegment d, long dh, long dc, MemorySegment rec, long dhr, long dcr,
                                           MemorySegment ys, long a, MemorySegment cs, long cp, MemorySegment out,
                                           long dg, int h, int end) {
        for (int j = 0; j < end; j += S.length()) {
            FloatVector i = load(ys, a + j);
            FloatVector f = load(ys, a + h + j);
            FloatVector gg = load(ys, a + 2L * h + j);
            FloatVector o = load(ys, a + 3L * h + j);
            FloatVector tc = load(out, dg + 3L * h + j);
            FloatVector dhv = load(d, dh + j).add(load(rec, dhr + j));
            FloatVector dcv = dhv.mul(o).fma(oneMinusSquare(tc), load(d, dc + j).add(load(rec, dcr + j)));
            store(dcv.mul(gg).mul(sigmoidSlope(i)), out, dg + j);
            store(dcv.mul(load(cs, cp + j)).mul(sigmoidSlope(f)), out, dg + h + j);
            store(dcv.mul(i).mul(oneMinusSquare(gg)), out, dg + 2L * h + j);
            store(dhv.mul(tc).mul(sigmoidSlope(o)), out, dg + 3L * h + j);
            store(dcv.mul(f), rec, dcr + j);
        }
    }

    /**
     * One row of a fused GRU layer's step: hg at y[g] (r, z, n blocks of h) holds h·W_hhᵀ ({@code hidden}; else
     * nothing, from the zero state), to which bhh at bhs[bh] is added in place; with x·W_ihᵀ at xs[x0] and bih at
     * bis[bi], r, z and n go to y[act] (blocks of h) and h' = n + z·(h − n) to y[h1] (h at hs[hp]).
     */
    static int gruLayer(MemorySegment xs, long x0, MemorySegment bis, long bi, MemorySegment bhs, long bh,
                        MemorySegment hs, long hp, boolean hidden, MemorySegment y, long g, long act, long h1, int h) {
        int end = S.loopBound(h);
        float[] e = new float[end];
        for (int gate = 0; gate < 3; gate++) {
            long gi = (long) gate * h;
            addTo(y, g + gi, hidden, bhs, bh + gi, end);
        }
        for (int gate = 0; gate < 2; gate++) { // r, z = σ(x + bih + hg)
            long gi = (long) gate * h;
            sum3(xs, x0 + gi, bis, bi + gi, y, g + gi, y, act + gi, end);
            sigmoidExp(y, act + gi, e, end);
            sigmoid(y, act + gi, e, y, act + gi, end);
        }
        long n = act + 2L * h;
        gruCandidate(xs, x0 + 2L * h, bis, bi + 2L * h, y, act, g + 2L * h, n, end); // for a moment in n's place
        tanhExp(y, n, e, end);
        tanh(y, n, e, y, n, end);
        interpolate(y, act + h, n, hs, hp, y, h1, end);
        return end;
    }

    /** y = (y, when {@code withY}) + b. */
    private static void addTo(MemorySegment y, long yi, boolean withY, MemorySegment b, long bi, int end) {
        for (int j = 0; j < end; j += S.length()) {
            FloatVector v = load(b, bi + j);
            store(withY ? v.add(load(y, yi + j)) : v, y, yi + j);
        }
    }

    /** y = a + b + c. */
    private static void sum3(MemorySegment a, long ai, MemorySegment b, long bi, MemorySegment c, long ci,
                             MemorySegment y, long yi, int end) {
        for (int j = 0; j < end; j += S.length()) {
            store(load(a, ai + j).add(load(b, bi + j)).add(load(c, ci + j)), y, yi + j);
        }
    }

    /** y[n] = x + b + r·hn, with r at y[r0] and hn at y[hn]: the GRU candidate's argument. */
    private static void gruCandidate(MemorySegment xs, long xi, MemorySegment bs, long bi, MemorySegment y, long r0,
                                     long hn, long n, int end) {
        for (int j = 0; j < end; j += S.length()) {
            FloatVector xn = load(xs, xi + j).add(load(bs, bi + j));
            store(load(y, r0 + j).fma(load(y, hn + j), xn), y, n + j);
        }
    }

    /** y = n + z·(h − n), z at zs[z0], n at zs[n0], h at hs[h0]. */
    private static void interpolate(MemorySegment zs, long z0, long n0, MemorySegment hs, long h0, MemorySegment y,
                                    long yi, int end) {
        for (int j = 0; j < end; j += S.length()) {
            FloatVector nn = load(zs, n0 + j);
            store(load(zs, z0 + j).fma(load(hs, h0 + j).sub(nn), nn), y, yi + j);
        }
    }

    /**
     * One row of a fused GRU layer's backward step: from dh = d[dh] + rec[r0], the saved r, z, n at ys[act], hn at
     * ys[hn] and h_{t−1} at hs[hp]: dxg to out[dx] and dhg to out[dhg] (three blocks of h each), and dh·z to rec[r0],
     * over the dh it read.
     */
    static int gruLayerBackward(MemorySegment d, long dh, MemorySegment rec, long r0, MemorySegment ys, long act,
                                long hn, MemorySegment hs, long hp, MemorySegment out, long dx, long dhg, int h) {
        int end = S.loopBound(h);
        for (int j = 0; j < end; j += S.length()) {
            FloatVector r = load(ys, act + j);
            FloatVector z = load(ys, act + h + j);
            FloatVector n = load(ys, act + 2L * h + j);
            FloatVector dv = load(d, dh + j).add(load(rec, r0 + j));
            FloatVector dn = dv.mul(z.neg().add(1f)).mul(oneMinusSquare(n));
            FloatVector dz = dv.mul(load(hs, hp + j).sub(n)).mul(sigmoidSlope(z));
            FloatVector dr = dn.mul(load(ys, hn + j)).mul(sigmoidSlope(r));
            store(dr, out, dx + j);
            store(dz, out, dx + h + j);
            store(dn, out, dx + 2L * h + j);
            store(dr, out, dhg + j);
            store(dz, out, dhg + h + j);
            store(dn.mul(r), out, dhg + 2L * h + j);
            store(dv.mul(z), rec, r0 + j);
        }
        return end;
    }

    // The passes with an activation, over columns [0, end): each ...Exp pass leaves the exponentials of its
    // activation's argument in e, and the pass of that name after it takes them from there. Input and output may be
    // the same memory (each vector is read before it is written).

    private static FloatVector exps(float[] e, int j) {
        return FloatVector.fromArray(S, e, j);
    }

    /** e for σ(a). */
    private static void sigmoidExp(MemorySegment a, long ai, float[] e, int end) {
        for (int j = 0; j < end; j += S.length()) {
            VectorMath.sigmoidExp(load(a, ai + j)).intoArray(e, j);
        }
    }

    /** e for σ(a + b). */
    private static void sigmoidSumExp(MemorySegment a, long ai, MemorySegment b, long bi, float[] e, int end) {
        for (int j = 0; j < end; j += S.length()) {
            VectorMath.sigmoidExp(load(a, ai + j).add(load(b, bi + j))).intoArray(e, j);
        }
    }

    /** e for tanh(a). */
    private static void tanhExp(MemorySegment a, long ai, float[] e, int end) {
        for (int j = 0; j < end; j += S.length()) {
            VectorMath.tanhExp(load(a, ai + j)).intoArray(e, j);
        }
    }

    /** e for tanh(a·b + c). */
    private static void tanhFmaExp(MemorySegment a, long ai, MemorySegment b, long bi, MemorySegment c, long ci,
                                   float[] e, int end) {
        for (int j = 0; j < end; j += S.length()) {
            VectorMath.tanhExp(load(a, ai + j).fma(load(b, bi + j), load(c, ci + j))).intoArray(e, j);
        }
    }

    /** e for tanh c' = tanh(i·g + f·c), from the activations i, f, g at act (blocks of h) and c at c0. */
    private static void cellTanhExp(MemorySegment act, long ai, int h, MemorySegment cs, long c0, float[] e,
                                    int end) {
        for (int j = 0; j < end; j += S.length()) {
            VectorMath.tanhExp(cell(act, ai + j, h, cs, c0 + j)).intoArray(e, j);
        }
    }

    /** c' = i·g + f·c at column j: i, f, g at act (blocks of h) and c at c. */
    private static FloatVector cell(MemorySegment act, long i, int h, MemorySegment cs, long c) {
        return load(act, i).fma(load(act, i + 2L * h), load(act, i + h).mul(load(cs, c)));
    }

    /** y = σ(a). */
    private static void sigmoid(MemorySegment a, long ai, float[] e, MemorySegment y, long yi, int end) {
        for (int j = 0; j < end; j += S.length()) {
            store(VectorMath.sigmoid(load(a, ai + j), exps(e, j)), y, yi + j);
        }
    }

    /** y = tanh(a). */
    private static void tanh(MemorySegment a, long ai, float[] e, MemorySegment y, long yi, int end) {
        for (int j = 0; j < end; j += S.length()) {
            store(VectorMath.tanh(load(a, ai + j), exps(e, j)), y, yi + j);
        }
    }

    /** y = σ(a)·b. */
    private static void sigmoidTimes(MemorySegment a, long ai, float[] e, MemorySegment b, long bi, MemorySegment y,
                                     long yi, int end) {
        for (int j = 0; j < end; j += S.length()) {
            store(VectorMath.sigmoid(load(a, ai + j), exps(e, j)).mul(load(b, bi + j)), y, yi + j);
        }
    }

    /** y = σ(a)·b + c, fused. */
    private static void sigmoidFma(MemorySegment a, long ai, float[] e, MemorySegment b, long bi, MemorySegment c,
                                   long ci, MemorySegment y, long yi, int end) {
        for (int j = 0; j < end; j += S.length()) {
            FloatVector s = VectorMath.sigmoid(load(a, ai + j), exps(e, j));
            store(s.fma(load(b, bi + j), load(c, ci + j)), y, yi + j);
        }
    }

    /** y = σ(a + b). */
    private static void sigmoidSum(MemorySegment a, long ai, MemorySegment b, long bi, float[] e, MemorySegment y,
                                   long yi, int end) {
        for (int j = 0; j < end; j += S.length()) {
            store(VectorMath.sigmoid(load(a, ai + j).add(load(b, bi + j)), exps(e, j)), y, yi + j);
        }
    }

    /** y = tanh(a·b + c), fused. */
    private static void tanhFma(MemorySegment a, long ai, MemorySegment b, long bi, MemorySegment c, long ci,
                                float[] e, MemorySegment y, long yi, int end) {
        for (int j = 0; j < end; j += S.length()) {
            store(VectorMath.tanh(load(a, ai + j).fma(load(b, bi + j), load(c, ci + j)), exps(e, j)), y, yi + j);
        }
    }

    /** y = tanh c' (see {@link #cell}). */
    private static void cellTanh(MemorySegment act, long ai, int h, MemorySegment cs, long c0, float[] e,
                                 MemorySegment y, long yi, int end) {
        for (int j = 0; j < end; j += S.length()) {
            store(VectorMath.tanh(cell(act, ai + j, h, cs, c0 + j), exps(e, j)), y, yi + j);
        }
    }

    /** The GRU's h' = n + z·(h − n), z = σ(xz + hz), with n at y (written over). */
    private static void gruOutput(MemorySegment xz, long xi, MemorySegment hz, long hi, float[] e, MemorySegment hs,
                                  long h0, MemorySegment y, long yi, int end) {
        for (int j = 0; j < end; j += S.length()) {
            FloatVector n = load(y, yi + j);
            FloatVector z = VectorMath.sigmoid(load(xz, xi + j).add(load(hz, hi + j)), exps(e, j));
            store(z.fma(load(hs, h0 + j).sub(n), n), y, yi + j);
        }
    }
}

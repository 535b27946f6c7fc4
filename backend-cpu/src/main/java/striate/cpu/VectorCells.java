package striate.cpu;

import static striate.cpu.VectorMath.sigmoid;
import static striate.cpu.VectorMath.tanh;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The full vectors of {@link CpuRecurrent}'s fused LSTM and GRU cells, one row of [n, h] at a time, on off-heap
 * segments (offsets in elements): each method does the columns [0, loopBound(h)) and returns the first column left
 * for the plain loop. Float arithmetic with {@link VectorMath}'s tanh and sigmoid (a few ulps from the reference's
 * double, the same bits interpreted or compiled), as {@link VectorFloatLoops} computes them. Loaded only when the JVM
 * has the Vector API module.
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

    /** h' to y[h1], c' to y[c1] from gates at g (i, f, g, o blocks of h) and c at c0. */
    static int lstm(MemorySegment gs, long g, MemorySegment cs, long c0, MemorySegment y, long h1, long c1, int h) {
        int j = 0;
        for (int end = S.loopBound(h); j < end; j += S.length()) {
            FloatVector i = sigmoid(load(gs, g + j));
            FloatVector f = sigmoid(load(gs, g + h + j));
            FloatVector gg = tanh(load(gs, g + 2L * h + j));
            FloatVector o = sigmoid(load(gs, g + 3L * h + j));
            FloatVector c = i.fma(gg, f.mul(load(cs, c0 + j))); // f·c + i·g
            store(o.mul(tanh(c)), y, h1 + j);
            store(c, y, c1 + j);
        }
        return j;
    }

    /**
     * dgates to out[dg] (four blocks of h), dc to out[dc] from dh at d[dh], dc' at d[dc1], gates at g, c at c0. Two
     * loops over the row, each in a method of its own: the activations into the output's places (the row stays in
     * cache), then the gradients from them. As one loop body, C2 left vectors boxed (an allocation per vector).
     */
    static int lstmBackward(MemorySegment d, long dh, long dc1, MemorySegment gs, long g, MemorySegment cs, long c0,
                            MemorySegment out, long dg, long dc, int h) {
        int end = S.loopBound(h);
        lstmActivations(gs, g, cs, c0, out, dg, dc, h, end);
        lstmGradients(d, dh, dc1, cs, c0, out, dg, dc, h, end);
        return end;
    }

    /** i, f, g, o to out[dg] (four blocks of h) and tanh(c') to out[dc], columns [0, end). */
    private static void lstmActivations(MemorySegment gs, long g, MemorySegment cs, long c0, MemorySegment out,
                                        long dg, long dc, int h, int end) {
        for (int j = 0; j < end; j += S.length()) {
            FloatVector i = sigmoid(load(gs, g + j));
            FloatVector f = sigmoid(load(gs, g + h + j));
            FloatVector gg = tanh(load(gs, g + 2L * h + j));
            store(i, out, dg + j);
            store(f, out, dg + h + j);
            store(gg, out, dg + 2L * h + j);
            store(sigmoid(load(gs, g + 3L * h + j)), out, dg + 3L * h + j);
            store(tanh(i.fma(gg, f.mul(load(cs, c0 + j)))), out, dc + j);
        }
    }

    /** The gradients from the activations {@link #lstmActivations} left in out, written over them. */
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

    /** h' to y[y0] from xg at x, hg at hg0 (r, z, n blocks of h) and h at h0. */
    static int gru(MemorySegment xs, long x, MemorySegment hgs, long hg0, MemorySegment hs, long h0, MemorySegment y,
                   long y0, int h) {
        int j = 0;
        for (int end = S.loopBound(h); j < end; j += S.length()) {
            FloatVector r = sigmoid(load(xs, x + j).add(load(hgs, hg0 + j)));
            FloatVector z = sigmoid(load(xs, x + h + j).add(load(hgs, hg0 + h + j)));
            FloatVector n = tanh(r.fma(load(hgs, hg0 + 2L * h + j), load(xs, x + 2L * h + j)));
            store(z.fma(load(hs, h0 + j).sub(n), n), y, y0 + j); // n + z·(h − n)
        }
        return j;
    }

    /**
     * dxg to out[dx], dhg to out[dhg] (three blocks of h each), dh to out[dh0] from dy at d[d0]: the activations into
     * dxg's places first, then the gradients from them, each loop a method of its own (see {@link #lstmBackward}).
     */
    static int gruBackward(MemorySegment d, long d0, MemorySegment xs, long x, MemorySegment hgs, long hg0,
                           MemorySegment hs, long h0, MemorySegment out, long dx, long dhg, long dh0, int h) {
        int end = S.loopBound(h);
        gruActivations(xs, x, hgs, hg0, out, dx, h, end);
        gruGradients(d, d0, hgs, hg0, hs, h0, out, dx, dhg, dh0, h, end);
        return end;
    }

    /** r, z, n to out[dx] (three blocks of h), columns [0, end). */
    private static void gruActivations(MemorySegment xs, long x, MemorySegment hgs, long hg0, MemorySegment out,
                                       long dx, int h, int end) {
        for (int j = 0; j < end; j += S.length()) {
            FloatVector r = sigmoid(load(xs, x + j).add(load(hgs, hg0 + j)));
            store(r, out, dx + j);
            store(sigmoid(load(xs, x + h + j).add(load(hgs, hg0 + h + j))), out, dx + h + j);
            store(tanh(r.fma(load(hgs, hg0 + 2L * h + j), load(xs, x + 2L * h + j))), out, dx + 2L * h + j);
        }
    }

    /** The gradients from the activations {@link #gruActivations} left in out, written over them. */
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
}

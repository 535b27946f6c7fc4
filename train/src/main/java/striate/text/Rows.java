package striate.text;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * The two operations word2vec spends its time in, on rows of flat row-major matrices (a row of length n starting
 * at an offset), with the Vector API: a dot product, and the fused output-layer step that adds g·w to the hidden
 * gradient while it adds g·h to w. Vectors of at most 256 bits: word2vec's rows are short (100 floats by default),
 * and wider vectors leave more to the final lane sum and the scalar tail. The dot product's lanes are summed by a
 * fixed tree of shuffles (lane i plus lane i ^ 4, then i ^ 2, then i ^ 1), not {@code reduceLanes}, whose order
 * differs between interpreted and compiled code: the same inputs give the same bits however warm the code is. A
 * tail of four or more past the last whole vector takes one 128-bit vector; what is left runs as a scalar loop.
 */
final class Rows {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED.length() > 8
            ? FloatVector.SPECIES_256 : FloatVector.SPECIES_PREFERRED;
    private static final VectorShuffle<Float> SWAP4 = VectorShuffle.fromOp(S, i -> i ^ 4);
    private static final VectorShuffle<Float> SWAP2 = VectorShuffle.fromOp(S, i -> i ^ 2);
    private static final VectorShuffle<Float> SWAP1 = VectorShuffle.fromOp(S, i -> i ^ 1);
    /** Four lanes for a tail of four or more past the last whole 256-bit vector (100 = 12·8 + 4). */
    private static final VectorSpecies<Float> H = FloatVector.SPECIES_128;
    private static final boolean HALF_TAIL = S.length() == 8;
    private static final VectorShuffle<Float> HALF_SWAP2 = VectorShuffle.fromOp(H, i -> i ^ 2);
    private static final VectorShuffle<Float> HALF_SWAP1 = VectorShuffle.fromOp(H, i -> i ^ 1);

    private Rows() {
    }

    /** Σ x[xi + j] · y[yi + j] for j < n: two vector sums (even and odd blocks) so the fmas overlap. */
    static float dot(float[] x, int xi, float[] y, int yi, int n) {
        int step = S.length();
        int whole = S.loopBound(n);
        float s = 0;
        int j = 0;
        if (whole > 0) {
            FloatVector even = FloatVector.zero(S);
            FloatVector odd = FloatVector.zero(S);
            for (; j + step < whole; j += 2 * step) {
                even = FloatVector.fromArray(S, x, xi + j).fma(FloatVector.fromArray(S, y, yi + j), even);
                odd = FloatVector.fromArray(S, x, xi + j + step).fma(FloatVector.fromArray(S, y, yi + j + step), odd);
            }
            if (j < whole) {
                even = FloatVector.fromArray(S, x, xi + j).fma(FloatVector.fromArray(S, y, yi + j), even);
                j += step;
            }
            FloatVector v = even.add(odd);
            if (S.length() >= 8) {
                v = v.add(v.rearrange(SWAP4));
            }
            if (S.length() >= 4) {
                v = v.add(v.rearrange(SWAP2));
            }
            if (S.length() >= 2) {
                v = v.add(v.rearrange(SWAP1));
            }
            s = v.lane(0);
        }
        if (HALF_TAIL && j + 4 <= n) {
            FloatVector t = FloatVector.fromArray(H, x, xi + j).mul(FloatVector.fromArray(H, y, yi + j));
            t = t.add(t.rearrange(HALF_SWAP2));
            t = t.add(t.rearrange(HALF_SWAP1));
            s += t.lane(0);
            j += 4;
        }
        for (; j < n; j++) {
            s += x[xi + j] * y[yi + j];
        }
        return s;
    }

    /**
     * One output row's step: dh += g · w[wi ..], then w[wi ..] += g · h[hi ..], for n elements; dh's update reads
     * w before w changes, as the tool's two loops do. h and w must not overlap.
     */
    static void step(float g, float[] w, int wi, float[] h, int hi, float[] dh, int n) {
        int whole = S.loopBound(n);
        int j = 0;
        if (whole > 0) {
            FloatVector vg = FloatVector.broadcast(S, g);
            for (; j < whole; j += S.length()) {
                FloatVector vw = FloatVector.fromArray(S, w, wi + j);
                vw.fma(vg, FloatVector.fromArray(S, dh, j)).intoArray(dh, j);
                FloatVector.fromArray(S, h, hi + j).fma(vg, vw).intoArray(w, wi + j);
            }
        }
        if (HALF_TAIL && j + 4 <= n) {
            FloatVector hg = FloatVector.broadcast(H, g);
            FloatVector vw = FloatVector.fromArray(H, w, wi + j);
            vw.fma(hg, FloatVector.fromArray(H, dh, j)).intoArray(dh, j);
            FloatVector.fromArray(H, h, hi + j).fma(hg, vw).intoArray(w, wi + j);
            j += 4;
        }
        for (; j < n; j++) {
            float wj = w[wi + j];
            dh[j] += g * wj;
            w[wi + j] = wj + g * h[hi + j];
        }
    }

    /** y[yi + j] += x[xi + j] for j < n. */
    static void add(float[] x, int xi, float[] y, int yi, int n) {
        int whole = S.loopBound(n);
        int j = 0;
        for (; j < whole; j += S.length()) {
            FloatVector.fromArray(S, y, yi + j).add(FloatVector.fromArray(S, x, xi + j)).intoArray(y, yi + j);
        }
        if (HALF_TAIL && j + 4 <= n) {
            FloatVector.fromArray(H, y, yi + j).add(FloatVector.fromArray(H, x, xi + j)).intoArray(y, yi + j);
            j += 4;
        }
        for (; j < n; j++) {
            y[yi + j] += x[xi + j];
        }
    }
}

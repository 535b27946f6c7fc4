package striate.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * The Vector API row of a 2×2 stride-2 max pool: V outputs from 2V inputs of each of the two rows, as a vertical
 * max of the rows and a max of the even and odd lanes (two-vector rearranges). {@code max} is Math.max's, so the
 * values equal the scalar loop's, NaN and signed zeros included. Only loaded when the JVM has the module.
 */
final class VectorPool {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int V = S.length();
    // lane j takes lane 2j (or 2j + 1) of the pair [lo, hi]; indexes past lo are "exceptional": they pick from hi
    private static final VectorShuffle<Float> EVEN = VectorShuffle.fromOp(S, j -> 2 * j < V ? 2 * j : 2 * j - 2 * V);
    private static final VectorShuffle<Float> ODD =
            VectorShuffle.fromOp(S, j -> 2 * j + 1 < V ? 2 * j + 1 : 2 * j + 1 - 2 * V);

    private VectorPool() {
    }

    /**
     * y[yi + ox] = max of x's 2×2 window at rows r0, r1 (row starts) and columns 2·ox, 2·ox + 1, for every ox in
     * [0, ow) when ow >= V (the last block overlaps the one before, recomputing a few outputs); returns how many
     * outputs it wrote, 0 when the row is shorter than a vector.
     */
    static int max2x2Row(float[] x, int r0, int r1, float[] y, int yi, int ow) {
        if (ow < V) {
            return 0;
        }
        for (int ox = 0; ; ox += V) {
            int at = Math.min(ox, ow - V);
            int i = 2 * at;
            FloatVector lo = FloatVector.fromArray(S, x, r0 + i).max(FloatVector.fromArray(S, x, r1 + i));
            FloatVector hi = FloatVector.fromArray(S, x, r0 + i + V).max(FloatVector.fromArray(S, x, r1 + i + V));
            lo.rearrange(EVEN, hi).max(lo.rearrange(ODD, hi)).intoArray(y, yi + at);
            if (at == ow - V) {
                return ow;
            }
        }
    }
}

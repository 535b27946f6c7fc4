package striate.cpu;

import jdk.incubator.vector.FloatVector;

/** Deterministic lane reductions for the Vector API kernels. */
final class Lanes {
    private Lanes() {
    }

    /**
     * The lanes' sum, left to right, through {@code lanes} (the vector's length, scratch). Not {@code reduceLanes(ADD)}: its order is unspecified and differs between
     * interpreted and compiled code, so a result would depend on how warm the thread's code was.
     */
    static float sum(FloatVector v, float[] lanes) {
        v.intoArray(lanes, 0);
        float s = 0;
        for (int i = 0; i < v.length(); i++) {
            s += lanes[i];
        }
        return s;
    }
}

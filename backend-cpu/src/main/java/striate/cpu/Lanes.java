package striate.cpu;

import jdk.incubator.vector.FloatVector;

/** Deterministic lane reductions for the Vector API kernels. */
final class Lanes {
    private Lanes() {
    }

    /**
     * The lanes' sum, left to right. Not {@code reduceLanes(ADD)}: its order is unspecified and differs between
     * interpreted and compiled code, so a result would depend on how warm the thread's code was.
     */
    static float sum(FloatVector v) {
        float s = 0;
        for (int i = 0; i < v.length(); i++) {
            s += v.lane(i);
        }
        return s;
    }
}

package striate.op;

import java.util.Arrays;
import striate.tensor.Shape;

/** A view of x with its axes reordered: y.dim(i) = x.dim(order[i]). */
public record PermuteOp(int[] order) implements ViewOp {
    public PermuteOp {
        order = order.clone();
    }

    @Override
    public Shape inferShape(Shape... in) {
        int rank = in[0].rank();
        boolean[] seen = new boolean[rank];
        if (order.length != rank) {
            throw mismatch("order " + Arrays.toString(order) + " for " + in[0], "a permutation of 0.." + (rank - 1));
        }
        long[] d = new long[rank];
        for (int i = 0; i < rank; i++) {
            int a = order[i];
            if (a < 0 || a >= rank || seen[a]) {
                throw mismatch("order " + Arrays.toString(order) + " for " + in[0], "a permutation of 0.." + (rank - 1));
            }
            seen[a] = true;
            d[i] = in[0].dim(a);
        }
        return Shape.of(d);
    }

    /** The permutation that undoes this one. */
    public int[] inverse() {
        int[] inv = new int[order.length];
        for (int i = 0; i < order.length; i++) {
            inv[order[i]] = i;
        }
        return inv;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PermuteOp p && Arrays.equals(p.order, order);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(order);
    }

    @Override
    public String toString() {
        return "PermuteOp" + Arrays.toString(order);
    }
}

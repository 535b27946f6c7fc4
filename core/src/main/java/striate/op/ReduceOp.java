package striate.op;

import java.util.Arrays;
import striate.tensor.Shape;

/**
 * Reduces x over {@code axes} (all axes when empty) with {@code fn}; reduced axes are kept as size 1 when
 * {@code keepDims}, dropped otherwise. Axes may be negative.
 */
public record ReduceOp(ReduceFn fn, int[] axes, boolean keepDims) implements Op {
    public ReduceOp {
        axes = axes.clone();
    }

    @Override
    public int arity() {
        return 1;
    }

    /** The reduced axes, normalized to [0, rank) and flagged per axis. */
    public boolean[] reducedAxes(int rank) {
        boolean[] reduced = new boolean[rank];
        if (axes.length == 0) {
            Arrays.fill(reduced, true);
        }
        for (int a : axes) {
            int n = a < 0 ? a + rank : a;
            if (n < 0 || n >= rank) {
                throw mismatch("axis " + a + " for rank " + rank, "an axis in [" + -rank + ", " + rank + ")");
            }
            if (reduced[n]) { // as PyTorch: "dim appears multiple times in the list of dims"
                throw mismatch("axis " + n + " given twice in " + Arrays.toString(axes), "each axis once");
            }
            reduced[n] = true;
        }
        return reduced;
    }

    /** The shape with reduced axes kept as 1: what the gradient is broadcast from. */
    public Shape keptShape(Shape x) {
        boolean[] reduced = reducedAxes(x.rank());
        long[] d = x.dims();
        for (int i = 0; i < d.length; i++) {
            if (reduced[i]) {
                d[i] = 1;
            }
        }
        return Shape.of(d);
    }

    @Override
    public Shape inferShape(Shape... in) {
        Shape x = in[0];
        boolean[] reduced = reducedAxes(x.rank());
        long[] d = x.dims();
        long[] out = new long[d.length];
        int n = 0;
        for (int i = 0; i < d.length; i++) {
            if (fn == ReduceFn.MAX && reduced[i] && d[i] == 0) {
                throw mismatch("an empty axis " + i + " in " + x, "a non-empty axis for MAX");
            }
            if (!reduced[i]) {
                out[n++] = d[i];
            } else if (keepDims) {
                out[n++] = 1;
            }
        }
        return Shape.of(Arrays.copyOf(out, n));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ReduceOp r && r.fn == fn && r.keepDims == keepDims && Arrays.equals(r.axes, axes);
    }

    @Override
    public int hashCode() {
        return fn.hashCode() * 31 + Arrays.hashCode(axes) + (keepDims ? 1 : 0);
    }

    @Override
    public String toString() {
        return "ReduceOp[" + fn + ", axes=" + Arrays.toString(axes) + ", keepDims=" + keepDims + "]";
    }
}

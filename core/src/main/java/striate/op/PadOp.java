package striate.op;

import java.util.Arrays;
import striate.tensor.Shape;

/** Zero padding: x [d0, d1, ...] → y [before0 + d0 + after0, ...]. The gradient of a slice. */
public record PadOp(long[] before, long[] after) implements Op {
    public PadOp {
        before = before.clone();
        after = after.clone();
        for (int i = 0; i < before.length; i++) {
            if (before[i] < 0 || (i < after.length && after[i] < 0)) {
                throw new IllegalArgumentException("PadOp: padding must be >= 0, got before "
                        + Arrays.toString(before) + " after " + Arrays.toString(after));
            }
        }
    }

    @Override
    public int arity() {
        return 1;
    }

    @Override
    public Shape inferShape(Shape... in) {
        if (before.length != in[0].rank() || after.length != in[0].rank()) {
            throw mismatch("padding for rank " + before.length + " on " + in[0], "one before/after pair per axis");
        }
        long[] d = in[0].dims();
        for (int i = 0; i < d.length; i++) {
            d[i] += before[i] + after[i];
        }
        return Shape.of(d);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PadOp p && Arrays.equals(p.before, before) && Arrays.equals(p.after, after);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(before) * 31 + Arrays.hashCode(after);
    }

    @Override
    public String toString() {
        return "PadOp[before=" + Arrays.toString(before) + ", after=" + Arrays.toString(after) + "]";
    }
}

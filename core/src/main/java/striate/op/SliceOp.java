package striate.op;

import striate.tensor.Shape;

/** A view of x restricted to [start, end) along {@code axis}. */
public record SliceOp(int axis, long start, long end) implements ViewOp {
    @Override
    public Shape inferShape(Shape... in) {
        long d = in[0].dim(axis);
        if (start < 0 || end > d || start > end) {
            throw mismatch("slice [" + start + ", " + end + ") of axis " + axis + " in " + in[0],
                    "0 <= start <= end <= " + d);
        }
        return in[0].withDim(axis, end - start);
    }
}

package striate.op;

import striate.tensor.Shape;

/** A broadcast view of x as {@code shape} (stride 0 along stretched axes); no data is copied. */
public record ExpandOp(Shape shape) implements ViewOp {
    @Override
    public Shape inferShape(Shape... in) {
        if (!in[0].broadcastsTo(shape)) {
            throw mismatch("expand of " + in[0] + " to " + shape, "a target that " + in[0] + " broadcasts to");
        }
        return shape;
    }
}

package striate.op;

import striate.tensor.Shape;

/** A view of x with another shape of the same size (a copy first when x's strides don't allow it). */
public record ReshapeOp(Shape shape) implements ViewOp {
    @Override
    public Shape inferShape(Shape... in) {
        if (in[0].size() != shape.size()) {
            throw mismatch("reshape of " + in[0] + " (" + in[0].size() + " elements) to " + shape,
                    "a shape with " + in[0].size() + " elements");
        }
        return shape;
    }
}

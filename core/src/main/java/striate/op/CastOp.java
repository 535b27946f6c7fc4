package striate.op;

import striate.tensor.DType;
import striate.tensor.Shape;

/** y = x converted to {@code to} (float → int32 truncates toward zero). */
public record CastOp(DType to) implements Op {
    @Override
    public int arity() {
        return 1;
    }

    @Override
    public Shape inferShape(Shape... in) {
        return in[0];
    }

    @Override
    public DType inferType(DType... in) {
        return to;
    }
}

package striate.op;

import striate.tensor.Shape;

/** y = fn(x), elementwise; any shape. */
public record UnaryOp(UnaryFn fn) implements Op {
    @Override
    public int arity() {
        return 1;
    }

    @Override
    public Shape inferShape(Shape... in) {
        return in[0];
    }

    @Override
    public String name() {
        return "UnaryOp(" + fn + ")";
    }
}

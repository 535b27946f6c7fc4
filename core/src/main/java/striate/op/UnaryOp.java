package striate.op;

import striate.tensor.DType;
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

    /** EXP, LOG, SQRT, SIGMOID, TANH, ERF and LOG1P need a floating-point input; NEG, ABS, SIGN, STEP and RELU keep integers. */
    @Override
    public DType inferType(DType... in) {
        return switch (fn) {
            case EXP, LOG, SQRT, SIGMOID, TANH, ERF, LOG1P -> requireFloating(in[0]);
            case NEG, ABS, SIGN, STEP, RELU -> in[0];
        };
    }

    @Override
    public String name() {
        return "UnaryOp(" + fn + ")";
    }
}

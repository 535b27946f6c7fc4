package striate.op;

import striate.tensor.Shape;

/**
 * Ops that update their inputs in place and produce no output: the fused optimizer updates. The first
 * input is the parameter; every input must have the parameter's shape, except scalars an op names (Adam's step count,
 * a guarded update's last input, its skip flag). Used by optimizers only.
 */
public sealed interface InPlaceOp extends Op permits SgdUpdateOp, AdamUpdateOp {
    @Override
    default Shape inferShape(Shape... inputs) {
        for (int i = 1; i < inputs.length; i++) {
            if (!inputs[i].equals(inputs[0])) {
                throw mismatch("input " + i + " of shape " + inputs[i], "the parameter's shape " + inputs[0]);
            }
        }
        return inputs[0];
    }

    /** The inputs without the last, a guarded update's skip flag, which must be a scalar. */
    default Shape[] withoutGuardFlag(Shape... inputs) {
        Shape flag = inputs[inputs.length - 1];
        if (flag.rank() != 0) {
            throw mismatch("a skip flag of shape " + flag, "a scalar (shape [])");
        }
        return java.util.Arrays.copyOf(inputs, inputs.length - 1);
    }
}

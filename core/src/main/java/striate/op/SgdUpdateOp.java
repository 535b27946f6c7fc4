package striate.op;

import striate.tensor.Shape;

/**
 * One SGD step in place, PyTorch's semantics. Inputs (param, grad, velocity), all of the param's shape:
 * g = grad + weightDecay·param; v = momentum·v + (1 − dampening)·g; g = nesterov ? g + momentum·v : v
 * (g itself when momentum is 0); param −= lr·g. The grad input is not changed. A {@code guarded} update takes a
 * fourth input, a float32 scalar flag on the param's device read when the kernel runs: when it is not 0, param and
 * velocity stay as they are (a loss scaler's skipped step, decided on the device; PyTorch's {@code found_inf}).
 */
public record SgdUpdateOp(double lr, double momentum, double dampening, boolean nesterov, double weightDecay,
                          boolean guarded) implements InPlaceOp {

    /** An update that always runs. */
    public SgdUpdateOp(double lr, double momentum, double dampening, boolean nesterov, double weightDecay) {
        this(lr, momentum, dampening, nesterov, weightDecay, false);
    }

    @Override
    public int arity() {
        return guarded ? 4 : 3;
    }

    /** param, grad and velocity of the parameter's shape; a guard flag a scalar. */
    @Override
    public Shape inferShape(Shape... inputs) {
        return InPlaceOp.super.inferShape(guarded ? withoutGuardFlag(inputs) : inputs);
    }
}

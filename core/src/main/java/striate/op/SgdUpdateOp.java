package striate.op;

/**
 * One SGD step in place, PyTorch's semantics. Inputs (param, grad, velocity), all of the param's shape:
 * g = grad + weightDecay·param; v = momentum·v + (1 − dampening)·g; g = nesterov ? g + momentum·v : v
 * (g itself when momentum is 0); param −= lr·g. The grad input is not changed.
 */
public record SgdUpdateOp(double lr, double momentum, double dampening, boolean nesterov, double weightDecay)
        implements InPlaceOp {
    @Override
    public int arity() {
        return 3;
    }
}

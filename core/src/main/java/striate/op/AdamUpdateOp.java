package striate.op;

/**
 * One Adam step in place (Kingma & Ba, 2015), PyTorch's semantics. Inputs (param, grad, m, v):
 * g = grad + weightDecay·param (L2; with {@code decoupled}, AdamW's param ·= 1 − lr·weightDecay instead);
 * m = β1·m + (1 − β1)·g; v = β2·v + (1 − β2)·g²; param −= lr·(m / (1 − β1^step)) / (√(v / (1 − β2^step)) + ε).
 * {@code step} counts from 1.
 */
public record AdamUpdateOp(double lr, double beta1, double beta2, double eps, double weightDecay, boolean decoupled,
                           long step) implements InPlaceOp {
    public AdamUpdateOp {
        if (step < 1) {
            throw new IllegalArgumentException("AdamUpdateOp: step counts from 1, got " + step);
        }
    }

    @Override
    public int arity() {
        return 4;
    }
}

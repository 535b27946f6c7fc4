package striate.op;

import java.util.Arrays;
import striate.tensor.Shape;

/**
 * One Adam step in place (Kingma & Ba, 2015), PyTorch's semantics. Inputs (param, grad, m, v, step):
 * g = grad + weightDecay·param (L2; with {@code decoupled}, AdamW's param ·= 1 − lr·weightDecay instead);
 * m = β1·m + (1 − β1)·g; v = β2·v + (1 − β2)·g²; param −= lr·(m / (1 − β1^t)) / (√(v / (1 − β2^t)) + ε), where t is
 * the float32 scalar {@code step} (the step count, from 1) on the parameter's device, read when the kernel runs: a
 * step replayed from a captured graph sees the count that the graph advanced (PyTorch's capturable Adam). A
 * {@code guarded} update takes a sixth input, a float32 scalar flag read when the kernel runs: when it is not 0,
 * param, m and v stay as they are (a loss scaler's skipped step; the optimizer then leaves the count as it was).
 */
public record AdamUpdateOp(double lr, double beta1, double beta2, double eps, double weightDecay, boolean decoupled,
                           boolean guarded) implements InPlaceOp {

    /** An update that always runs. */
    public AdamUpdateOp(double lr, double beta1, double beta2, double eps, double weightDecay, boolean decoupled) {
        this(lr, beta1, beta2, eps, weightDecay, decoupled, false);
    }

    @Override
    public int arity() {
        return guarded ? 6 : 5;
    }

    /** param, grad, m and v of the parameter's shape; the step count (and a guard flag) scalars. */
    @Override
    public Shape inferShape(Shape... inputs) {
        Shape[] checked = guarded ? withoutGuardFlag(inputs) : inputs;
        if (checked[4].rank() != 0) {
            throw mismatch("a step count of shape " + checked[4], "a scalar (shape [])");
        }
        return InPlaceOp.super.inferShape(Arrays.copyOf(checked, 4));
    }
}

package striate.optim;

import java.util.Map;
import striate.nn.Parameter;
import striate.tensor.Tensor;

/**
 * An optimizer whose step is composed of the backends' elementwise ops (every backend has them) and written into the
 * parameter and its state in place: RMSprop, Adagrad, Adadelta. Its updates read only device values (capturable) and
 * take a loss scaler's skip flag on the device, selecting the old values where it is set ({@link #write}).
 */
abstract class ElementwiseOptimizer extends Optimizer {
    ElementwiseOptimizer(Map<String, Parameter> parameters, double learningRate, double l1) {
        super(parameters, learningRate, l1);
    }

    /** True: the update reads only device values. */
    @Override
    public boolean capturable() {
        return true;
    }

    /** True: a skipped step selects the old values on the device ({@link Tensor#where}). */
    @Override
    public boolean skipsOnDevice() {
        return true;
    }

    @Override
    protected final void update(String name, Tensor value, Tensor grad, long step) {
        update(name, value, grad, step, null);
    }

    @Override
    protected abstract void update(String name, Tensor value, Tensor grad, long step, Tensor skip);

    /**
     * Writes {@code next} into {@code target}, or keeps {@code target} where {@code skip} (null: none) is set: a
     * selection, not arithmetic, since a skipped step's values may be inf or NaN.
     */
    static void write(Tensor target, Tensor next, Tensor skip) {
        target.copyFrom(skip == null ? next : Tensor.where(skip, target, next));
    }
}

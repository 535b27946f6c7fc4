package striate.nn;

import striate.tensor.DType;
import striate.tensor.Device;
import striate.tensor.Tensor;

/**
 * A learnable tensor of a module. Holds the current value (a leaf that requires grad) and lets optimizers
 * and checkpoints read and update it; {@link #to} moves it to another device. A frozen parameter (PyTorch's
 * {@code requires_grad=False}) is a leaf without grad: backward never fills its gradient, optimizers skip it, and
 * checkpoints still save and load its value.
 */
public final class Parameter {
    private final boolean requiresGrad;
    private final String name;
    private Tensor value;

    /** A trainable parameter. */
    public Parameter(Tensor value) {
        this(value, true);
    }

    /** A parameter that is trained when {@code requiresGrad}, frozen otherwise. */
    public Parameter(Tensor value, boolean requiresGrad) {
        this(value, requiresGrad, "a parameter");
    }

    /** As {@link #Parameter(Tensor, boolean)}, called {@code name} in messages ("Linear.weight"). */
    public Parameter(Tensor value, boolean requiresGrad, String name) {
        this.requiresGrad = requiresGrad;
        this.name = name;
        this.value = value.detach().requiresGrad(requiresGrad);
    }

    /** False for a frozen parameter, which no backward or optimizer touches. */
    public boolean requiresGrad() {
        return requiresGrad;
    }

    /** The current value, a leaf tensor whose {@code grad()} backward fills unless the parameter is frozen. */
    public Tensor value() {
        return value;
    }

    /** The accumulated gradient, or null before the first backward. */
    public Tensor grad() {
        return value.grad();
    }

    public void zeroGrad() {
        value.setGrad(null);
    }

    /**
     * Replaces the value with {@code v}'s values (same shape; another dtype is cast), keeping it a leaf; used by
     * checkpoints and weight conversions. A value of another shape is refused naming the parameter.
     */
    public void set(Tensor v) {
        if (!v.shape().equals(value.shape())) {
            throw new striate.tensor.ShapeMismatchException(name + ".set", "a value of shape " + v.shape(),
                    "the parameter's shape " + value.shape());
        }
        value.copyFrom(v);
    }

    /** Converts the value to {@code dtype} (itself when it has it already); the gradient is dropped. */
    public void to(DType dtype) {
        if (value.dtype() != dtype) {
            value = value.detach().to(dtype).detach().requiresGrad(requiresGrad);
        }
    }

    /** Moves the value to {@code device}; the gradient is dropped. */
    public void to(Device device) {
        if (!value.device().equals(device)) {
            value = value.to(device).detach().requiresGrad(requiresGrad);
        }
    }
}

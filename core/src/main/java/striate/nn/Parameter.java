package striate.nn;

import striate.tensor.Device;
import striate.tensor.Tensor;

/**
 * A learnable tensor of a module. Holds the current value (a leaf that requires grad) and lets optimizers
 * and checkpoints read and update it; {@link #to} moves it to another device.
 */
public final class Parameter {
    private Tensor value;

    public Parameter(Tensor value) {
        this.value = value.detach().requiresGrad(true);
    }

    /** The current value, a leaf tensor whose {@code grad()} backward fills. */
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

    /** Replaces the value with {@code v}'s values (same shape), keeping it a leaf; used by checkpoints. */
    public void set(Tensor v) {
        value.copyFrom(v);
    }

    /** Moves the value to {@code device}; the gradient is dropped. */
    public void to(Device device) {
        if (!value.device().equals(device)) {
            value = value.to(device).detach().requiresGrad(true);
        }
    }
}

package striate.op;

import striate.tensor.Device;
import striate.tensor.Shape;

/**
 * y = x on {@code target}, a copy onto another device ({@code Tensor.to(Device)}): recorded so that autograd takes the
 * gradient back to x's device, as PyTorch's {@code .to(device)} does (a model split over two devices trains both
 * halves). It has no kernel: the backends' copy primitive moves the values, as views are re-strided without one.
 */
public record ToDeviceOp(Device target) implements Op {
    @Override
    public int arity() {
        return 1;
    }

    @Override
    public Shape inferShape(Shape... in) {
        return in[0];
    }
}

package striate.nn;

import striate.tensor.ShapeMismatchException;
import striate.tensor.Tensor;

/** Flattens all axes but the first, PyTorch's Flatten(): x [n, d1, d2, ...] → y [n, d1·d2·...]. A view when possible. */
public final class Flatten extends Module {
    @Override
    public Tensor forward(Tensor x) {
        if (x.rank() < 2) {
            throw new ShapeMismatchException(toString(), "input of shape " + x.shape(), "[n, d1, ...] (rank >= 2)");
        }
        long rest = 1;
        for (int i = 1; i < x.rank(); i++) {
            rest *= x.dim(i);
        }
        return x.reshape(x.dim(0), rest); // [n, d1·d2·...]
    }
}

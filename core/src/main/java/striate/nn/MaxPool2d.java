package striate.nn;

import striate.op.PoolParams;
import striate.tensor.ShapeMismatchException;
import striate.tensor.Tensor;

/** 2-D max pooling, PyTorch's MaxPool2d (floor mode): x [n, c, h, w] → y [n, c, oh, ow]. */
public final class MaxPool2d extends Module {
    private final PoolParams params;

    public MaxPool2d(int kernel, int stride) {
        this(kernel, stride, 0);
    }

    public MaxPool2d(int kernel, int stride, int padding) {
        this(new PoolParams(kernel, kernel, stride, stride, padding, padding, true));
    }

    public MaxPool2d(PoolParams params) {
        this.params = params;
    }

    public PoolParams params() {
        return params;
    }

    @Override
    public Tensor forward(Tensor x) {
        if (x.rank() != 4) {
            throw new ShapeMismatchException(toString(), "input of shape " + x.shape(), "[n, c, h, w]");
        }
        return Functional.maxPool2d(x, params); // [n, c, oh, ow]
    }

    @Override
    public String toString() {
        PoolParams p = params;
        return "MaxPool2d(kernel=" + Conv2d.pair(p.kernelH(), p.kernelW()) + ", stride="
                + Conv2d.pair(p.strideH(), p.strideW())
                + (p.padH() == 0 && p.padW() == 0 ? "" : ", padding=" + Conv2d.pair(p.padH(), p.padW())) + ")";
    }
}

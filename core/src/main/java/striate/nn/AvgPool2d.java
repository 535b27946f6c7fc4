package striate.nn;

import striate.op.PoolParams;
import striate.tensor.ShapeMismatchException;
import striate.tensor.Tensor;

/**
 * 2-D average pooling, PyTorch's AvgPool2d (floor mode): x [n, c, h, w] → y [n, c, oh, ow]. With padding,
 * countIncludePad (PyTorch's default: true) says whether padded zeros count in each window's divisor.
 */
public final class AvgPool2d extends Module {
    private final PoolParams params;

    public AvgPool2d(int kernel, int stride) {
        this(kernel, stride, 0, true);
    }

    public AvgPool2d(int kernel, int stride, int padding, boolean countIncludePad) {
        this(new PoolParams(kernel, kernel, stride, stride, padding, padding, countIncludePad));
    }

    public AvgPool2d(PoolParams params) {
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
        return Functional.avgPool2d(x, params); // [n, c, oh, ow]
    }

    @Override
    public String toString() {
        PoolParams p = params;
        boolean padded = p.padH() != 0 || p.padW() != 0;
        return "AvgPool2d(kernel=" + Conv2d.pair(p.kernelH(), p.kernelW()) + ", stride="
                + Conv2d.pair(p.strideH(), p.strideW())
                + (padded ? ", padding=" + Conv2d.pair(p.padH(), p.padW()) : "")
                + (padded && !p.countIncludePad() ? ", countIncludePad=false" : "") + ")";
    }
}

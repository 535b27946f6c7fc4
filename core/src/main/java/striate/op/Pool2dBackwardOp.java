package striate.op;

import striate.tensor.Shape;

/**
 * Gradient of {@link Pool2dOp}: (x, dy [n, c, oh, ow]) → dx [n, c, h, w]. For MAX the gradient goes to the
 * first maximum of each window (row-major), as in PyTorch, or to the window's first NaN when it holds one (PyTorch's
 * kernels give it to the last NaN).
 */
public record Pool2dBackwardOp(PoolMode mode, PoolParams params) implements Op {
    @Override
    public int arity() {
        return 2;
    }

    @Override
    public Shape inferShape(Shape... in) {
        Shape y = Pool2dOp.outputShape(this, params, in[0]);
        if (!y.equals(in[1])) {
            throw mismatch("dy " + in[1], "dy of the forward output's shape " + y);
        }
        return in[0];
    }
}

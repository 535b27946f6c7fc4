package striate.op;

import striate.tensor.Shape;

/**
 * 2-D max or average pooling: x [n, c, h, w] → y [n, c, oh, ow], oh = ⌊(h + 2·padH − kernelH) / strideH⌋ + 1.
 * Padded cells never win a max; a NaN wins over any number, so a window holding NaN pools to NaN (as in PyTorch).
 */
public record Pool2dOp(PoolMode mode, PoolParams params) implements Op {
    @Override
    public int arity() {
        return 1;
    }

    @Override
    public Shape inferShape(Shape... in) {
        return outputShape(this, params, in[0]);
    }

    static Shape outputShape(Op op, PoolParams p, Shape x) {
        op.requireRank(x, 4, "input x [n, c, h, w]");
        if (x.dim(2) == 0 || x.dim(3) == 0) { // padding alone would make windows of no cell: nothing to pool
            throw op.mismatch("x " + x, "an input at least one cell high and wide");
        }
        long oh = ConvParams.outputSize(x.dim(2), p.kernelH(), p.strideH(), p.padH(), 1);
        long ow = ConvParams.outputSize(x.dim(3), p.kernelW(), p.strideW(), p.padW(), 1);
        if (oh < 1 || ow < 1) {
            throw op.mismatch("x " + x + " with window " + p.kernelH() + "x" + p.kernelW(),
                    "an input at least as large as the window after padding");
        }
        return Shape.of(x.dim(0), x.dim(1), oh, ow);
    }
}

package striate.op;

import striate.tensor.Shape;

/**
 * 2-D cross-correlation (PyTorch's conv2d without bias): x [n, c, h, w], w [k, c/groups, kh, kw] →
 * y [n, k, oh, ow] with oh = ⌊(h + 2·padH − dilationH·(kh − 1) − 1) / strideH⌋ + 1.
 */
public record Conv2dOp(ConvParams params) implements Op {
    @Override
    public int arity() {
        return 2;
    }

    @Override
    public Shape inferShape(Shape... in) {
        return outputShape(this, params, in[0], in[1]);
    }

    /** Validates x and w for these params and returns y's shape; shared with the backward ops. */
    static Shape outputShape(Op op, ConvParams p, Shape x, Shape w) {
        op.requireRank(x, 4, "input x [n, c, h, w]");
        op.requireRank(w, 4, "weight w [k, c/groups, kh, kw]");
        long c = x.dim(1);
        long k = w.dim(0);
        if (c % p.groups() != 0 || k % p.groups() != 0) {
            throw op.mismatch("x " + x + " and w " + w + " with groups=" + p.groups(),
                    "input and output channels divisible by groups");
        }
        if (w.dim(1) != c / p.groups()) {
            throw op.mismatch("x " + x + " and w " + w,
                    "w.dim(1) = c/groups = " + c / p.groups() + " input channels per group");
        }
        long oh = ConvParams.outputSize(x.dim(2), w.dim(2), p.strideH(), p.padH(), p.dilationH());
        long ow = ConvParams.outputSize(x.dim(3), w.dim(3), p.strideW(), p.padW(), p.dilationW());
        if (oh < 1 || ow < 1) {
            throw op.mismatch("x " + x + " and kernel " + w.dim(2) + "x" + w.dim(3) + " with " + p,
                    "an input at least as large as the (dilated) kernel after padding");
        }
        return Shape.of(x.dim(0), k, oh, ow);
    }
}

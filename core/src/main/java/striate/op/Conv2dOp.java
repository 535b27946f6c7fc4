package striate.op;

import striate.tensor.DType;
import striate.tensor.Shape;

/**
 * 2-D cross-correlation (PyTorch's conv2d), with the layer's bias and a following ReLU optionally fused into the
 * pass that writes the output: x [n, c, h, w], w [k, c/groups, kh, kw] and, when {@code bias}, b [k] →
 * y [n, k, oh, ow] with oh = ⌊(h + 2·padH − dilationH·(kh − 1) − 1) / strideH⌋ + 1;
 * y = conv(x, w) (+ b[k] per channel) (then max(·, 0) when {@code relu}).
 */
public record Conv2dOp(ConvParams params, boolean bias, boolean relu) implements Op {
    /** The plain convolution: no bias, no activation. */
    public Conv2dOp(ConvParams params) {
        this(params, false, false);
    }

    @Override
    public int arity() {
        return bias ? 3 : 2;
    }

    @Override
    public Shape inferShape(Shape... in) {
        Shape y = outputShape(this, params, in[0], in[1]);
        if (bias && (in[2].rank() != 1 || in[2].dim(0) != y.dim(1))) {
            throw mismatch("bias " + in[2] + " for weight " + in[1], "bias [" + y.dim(1) + "]");
        }
        return y;
    }

    @Override
    public DType inferType(DType... in) {
        for (int i = 1; i < in.length; i++) {
            if (in[i] != in[0]) {
                throw new IllegalArgumentException(name() + ": input x is " + in[0] + " but " + (i == 1 ? "weight"
                        : "bias") + " is " + in[i] + "; cast one with tensor.to(dtype)");
            }
        }
        return in[0];
    }

    @Override
    public String name() {
        return bias || relu ? "Conv2dOp(" + (bias ? "bias" : "") + (bias && relu ? "+" : "") + (relu ? "relu" : "")
                + ")" : "Conv2dOp";
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

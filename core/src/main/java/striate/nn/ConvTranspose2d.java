package striate.nn;

import striate.op.ConvParams;
import striate.tensor.Rng;
import striate.tensor.ShapeMismatchException;
import striate.tensor.Tensor;

/**
 * 2-D transposed convolution, PyTorch's ConvTranspose2d: x [n, in, h, w] → y [n, out, oh, ow], weight
 * [in, out/groups, kh, kw], bias [out], with oh = (h − 1)·strideH − 2·padH + dilationH·(kh − 1) + outputPaddingH + 1
 * (ow likewise). It is the gradient of a Conv2d(out, in) with the same kernel and params with respect to its input,
 * so it runs on the convolution's backward-data kernels ({@link Functional#convTranspose2d}). Default initialization
 * is PyTorch's: U(±1/√fanIn) for weight and bias, with PyTorch's fanIn of this weight, out/groups·kh·kw.
 */
public final class ConvTranspose2d extends Module {
    private final long inChannels;
    private final long outChannels;
    private final int kernelH;
    private final int kernelW;
    private final ConvParams params;
    private final int outputPaddingH;
    private final int outputPaddingW;
    private final Parameter weight;
    private final Parameter bias;

    public ConvTranspose2d(long inChannels, long outChannels, int kernelH, int kernelW, ConvParams params,
                           int outputPaddingH, int outputPaddingW, boolean bias, Rng rng) {
        if (inChannels < 1 || outChannels < 1 || kernelH < 1 || kernelW < 1) {
            throw new IllegalArgumentException("ConvTranspose2d: channels and kernel must be >= 1, got in="
                    + inChannels + ", out=" + outChannels + ", kernel=" + kernelH + "x" + kernelW);
        }
        if (inChannels % params.groups() != 0 || outChannels % params.groups() != 0) {
            throw new IllegalArgumentException("ConvTranspose2d: in (" + inChannels + ") and out (" + outChannels
                    + ") channels must be divisible by groups=" + params.groups());
        }
        checkOutputPadding("ConvTranspose2d", params, outputPaddingH, outputPaddingW);
        this.inChannels = inChannels;
        this.outChannels = outChannels;
        this.kernelH = kernelH;
        this.kernelW = kernelW;
        this.params = params;
        this.outputPaddingH = outputPaddingH;
        this.outputPaddingW = outputPaddingW;
        long perGroup = outChannels / params.groups();
        long fanIn = perGroup * kernelH * kernelW;
        this.weight = registerParameter("weight", Init.lecunUniform(rng, fanIn, inChannels, perGroup, kernelH,
                kernelW));
        this.bias = bias ? registerParameter("bias", Init.lecunUniform(rng, fanIn, outChannels)) : null;
    }

    /** A square kernel with this stride and zero padding, no output padding or dilation, one group, with bias. */
    public ConvTranspose2d(long inChannels, long outChannels, int kernel, int stride, int padding, Rng rng) {
        this(inChannels, outChannels, kernel, kernel, ConvParams.of(stride, padding), 0, 0, true, rng);
    }

    /** Output size along one axis: (in − 1)·stride − 2·pad + dilation·(kernel − 1) + outputPadding + 1. */
    public static long outputSize(long in, long kernel, int stride, int pad, int dilation, int outputPadding) {
        return (in - 1) * stride - 2L * pad + (long) dilation * (kernel - 1) + outputPadding + 1;
    }

    /** PyTorch's rule: each axis's output padding is >= 0 and below that axis's stride or its dilation. */
    static void checkOutputPadding(String where, ConvParams p, int outputPaddingH, int outputPaddingW) {
        boolean hOk = outputPaddingH >= 0 && (outputPaddingH < p.strideH() || outputPaddingH < p.dilationH());
        boolean wOk = outputPaddingW >= 0 && (outputPaddingW < p.strideW() || outputPaddingW < p.dilationW());
        if (!hOk || !wOk) {
            throw new IllegalArgumentException(where + ": output_padding " + outputPaddingH + "x" + outputPaddingW
                    + " must be >= 0 and smaller than either stride " + p.strideH() + "x" + p.strideW()
                    + " or dilation " + p.dilationH() + "x" + p.dilationW() + " on each axis; lower output_padding");
        }
    }

    public Parameter weight() {
        return weight;
    }

    /** The bias, or null when the layer has none. */
    public Parameter bias() {
        return bias;
    }

    public ConvParams params() {
        return params;
    }

    /** x [n, in, h, w] → [n, out, oh, ow]. */
    @Override
    public Tensor forward(Tensor x) {
        if (x.rank() != 4 || x.dim(1) != inChannels) {
            throw new ShapeMismatchException(toString(), "input of shape " + x.shape(),
                    "[n, " + inChannels + ", h, w]");
        }
        Tensor b = bias == null ? null : bias.value();
        return Functional.convTranspose2d(x, weight.value(), b, params, outputPaddingH, outputPaddingW);
    }

    @Override
    public String toString() {
        ConvParams p = params;
        StringBuilder sb = new StringBuilder("ConvTranspose2d(").append(inChannels).append(", ").append(outChannels)
                .append(", kernel=").append(Conv2d.pair(kernelH, kernelW))
                .append(", stride=").append(Conv2d.pair(p.strideH(), p.strideW()))
                .append(", padding=").append(Conv2d.pair(p.padH(), p.padW()));
        if (outputPaddingH != 0 || outputPaddingW != 0) {
            sb.append(", output_padding=").append(Conv2d.pair(outputPaddingH, outputPaddingW));
        }
        if (p.dilationH() != 1 || p.dilationW() != 1) {
            sb.append(", dilation=").append(Conv2d.pair(p.dilationH(), p.dilationW()));
        }
        if (p.groups() != 1) {
            sb.append(", groups=").append(p.groups());
        }
        if (bias == null) {
            sb.append(", bias=false");
        }
        return sb.append(')').toString();
    }
}

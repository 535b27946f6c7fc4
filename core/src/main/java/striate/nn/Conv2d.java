package striate.nn;

import striate.op.ConvParams;
import striate.tensor.Rng;
import striate.tensor.ShapeMismatchException;
import striate.tensor.Tensor;

/**
 * 2-D convolution, PyTorch's Conv2d: x [n, in, h, w] → y [n, out, oh, ow], weight [out, in/groups, kh, kw],
 * bias [out]. Default initialization is PyTorch's: U(±1/√fanIn) for weight and bias, fanIn = in/groups·kh·kw.
 */
public final class Conv2d extends Module {
    private final long inChannels;
    private final long outChannels;
    private final long kernelH;
    private final long kernelW;
    private final ConvParams params;
    private final Parameter weight;
    private final Parameter bias;

    public Conv2d(long inChannels, long outChannels, int kernelH, int kernelW, ConvParams params, boolean bias,
                  Rng rng) {
        if (inChannels < 1 || outChannels < 1 || kernelH < 1 || kernelW < 1) {
            throw new IllegalArgumentException("Conv2d: channels and kernel must be >= 1, got in=" + inChannels
                    + ", out=" + outChannels + ", kernel=" + kernelH + "x" + kernelW);
        }
        if (inChannels % params.groups() != 0 || outChannels % params.groups() != 0) {
            throw new IllegalArgumentException("Conv2d: in (" + inChannels + ") and out (" + outChannels
                    + ") channels must be divisible by groups=" + params.groups());
        }
        this.inChannels = inChannels;
        this.outChannels = outChannels;
        this.kernelH = kernelH;
        this.kernelW = kernelW;
        this.params = params;
        long perGroup = inChannels / params.groups();
        long fanIn = perGroup * kernelH * kernelW;
        this.weight = registerParameter("weight", Init.lecunUniform(rng, fanIn, outChannels, perGroup, kernelH,
                kernelW));
        this.bias = bias ? registerParameter("bias", Init.lecunUniform(rng, fanIn, outChannels)) : null;
    }

    /** A square kernel with this stride and zero padding, no dilation, one group, with bias. */
    public Conv2d(long inChannels, long outChannels, int kernel, int stride, int padding, Rng rng) {
        this(inChannels, outChannels, kernel, kernel, ConvParams.of(stride, padding), true, rng);
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

    @Override
    public Tensor forward(Tensor x) {
        return forward(x, false);
    }

    /**
     * The convolution, followed by a ReLU in the same op when {@code relu}: how {@link Sequential} runs this layer
     * when a {@link ReLU} comes next. x [n, in, h, w] → [n, out, oh, ow].
     */
    public Tensor forward(Tensor x, boolean relu) {
        if (x.rank() != 4 || x.dim(1) != inChannels) {
            throw new ShapeMismatchException(toString(), "input of shape " + x.shape(),
                    "[n, " + inChannels + ", h, w]");
        }
        Tensor b = bias == null ? null : bias.value();
        return relu ? Functional.conv2dRelu(x, weight.value(), b, params) : Functional.conv2d(x, weight.value(), b, params);
    }

    @Override
    public String toString() {
        ConvParams p = params;
        StringBuilder sb = new StringBuilder("Conv2d(").append(inChannels).append(", ").append(outChannels)
                .append(", kernel=").append(kernelH).append('x').append(kernelW)
                .append(", stride=").append(pair(p.strideH(), p.strideW()))
                .append(", padding=").append(pair(p.padH(), p.padW()));
        if (p.dilationH() != 1 || p.dilationW() != 1) {
            sb.append(", dilation=").append(pair(p.dilationH(), p.dilationW()));
        }
        if (p.groups() != 1) {
            sb.append(", groups=").append(p.groups());
        }
        if (bias == null) {
            sb.append(", bias=false");
        }
        return sb.append(')').toString();
    }

    static String pair(int a, int b) {
        return a == b ? Integer.toString(a) : a + "x" + b;
    }
}

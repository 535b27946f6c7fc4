package striate.nn;

import striate.tensor.Rng;
import striate.tensor.ShapeMismatchException;
import striate.tensor.Tensor;

/**
 * 1-D convolution, PyTorch's Conv1d: x [n, in, l] → y [n, out, lOut], weight [out, in/groups, k], bias [out], with
 * lOut = ⌊(l + 2·padding − dilation·(k − 1) − 1) / stride⌋ + 1. It runs on the 2-D convolution's kernels (forward
 * and both backward ops) through {@link Functional#conv1d}, so every backend that serves Conv2d serves it. Default
 * initialization is PyTorch's: U(±1/√fanIn) for weight and bias, fanIn = in/groups·k.
 */
public final class Conv1d extends Module {
    /** PyTorch's keyword arguments after kernel_size; {@link #defaults()} is stride 1, no padding, one group, bias. */
    public record Options(int stride, int padding, int dilation, int groups, boolean bias) {
        public Options {
            if (stride < 1 || dilation < 1 || groups < 1 || padding < 0) {
                throw new IllegalArgumentException("Conv1d: stride, dilation and groups must be >= 1 and padding >= 0,"
                        + " got stride=" + stride + ", padding=" + padding + ", dilation=" + dilation + ", groups="
                        + groups);
            }
        }

        public static Options defaults() {
            return new Options(1, 0, 1, 1, true);
        }

        public Options stride(int value) {
            return new Options(value, padding, dilation, groups, bias);
        }

        public Options padding(int value) {
            return new Options(stride, value, dilation, groups, bias);
        }

        public Options dilation(int value) {
            return new Options(stride, padding, value, groups, bias);
        }

        public Options groups(int value) {
            return new Options(stride, padding, dilation, value, bias);
        }

        public Options bias(boolean value) {
            return new Options(stride, padding, dilation, groups, value);
        }
    }

    private final long inChannels;
    private final long outChannels;
    private final int kernelSize;
    private final Options options;
    private final Parameter weight;
    private final Parameter bias;

    /** Stride 1, no padding, one group, with bias. */
    public Conv1d(long inChannels, long outChannels, int kernelSize, Rng rng) {
        this(inChannels, outChannels, kernelSize, Options.defaults(), rng);
    }

    public Conv1d(long inChannels, long outChannels, int kernelSize, Options options, Rng rng) {
        if (inChannels < 1 || outChannels < 1 || kernelSize < 1) {
            throw new IllegalArgumentException("Conv1d: channels and kernel_size must be >= 1, got in=" + inChannels
                    + ", out=" + outChannels + ", kernel_size=" + kernelSize);
        }
        if (inChannels % options.groups() != 0 || outChannels % options.groups() != 0) {
            throw new IllegalArgumentException("Conv1d: in (" + inChannels + ") and out (" + outChannels
                    + ") channels must be divisible by groups=" + options.groups());
        }
        this.inChannels = inChannels;
        this.outChannels = outChannels;
        this.kernelSize = kernelSize;
        this.options = options;
        long perGroup = inChannels / options.groups();
        long fanIn = perGroup * kernelSize;
        this.weight = registerParameter("weight", Init.lecunUniform(rng, fanIn, outChannels, perGroup, kernelSize));
        this.bias = options.bias() ? registerParameter("bias", Init.lecunUniform(rng, fanIn, outChannels)) : null;
    }

    public Parameter weight() {
        return weight;
    }

    /** The bias, or null when the layer has none. */
    public Parameter bias() {
        return bias;
    }

    public Options options() {
        return options;
    }

    public int kernelSize() {
        return kernelSize;
    }

    @Override
    public Tensor forward(Tensor x) {
        return forward(x, false);
    }

    /**
     * The convolution, followed by a ReLU in the same op when {@code relu} (as {@link Conv2d#forward(Tensor,
     * boolean)}). x [n, in, l] → [n, out, lOut].
     */
    public Tensor forward(Tensor x, boolean relu) {
        if (x.rank() != 3 || x.dim(1) != inChannels) {
            throw new ShapeMismatchException(toString(), "input of shape " + x.shape(),
                    "[n, " + inChannels + ", length]");
        }
        Tensor b = bias == null ? null : bias.value();
        Options o = options;
        return Functional.conv1d(x, weight.value(), b, o.stride(), o.padding(), o.dilation(), o.groups(), relu);
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("Conv1d(").append(inChannels).append(", ").append(outChannels)
                .append(", kernel_size=").append(kernelSize);
        if (options.stride() != 1) {
            sb.append(", stride=").append(options.stride());
        }
        if (options.padding() != 0) {
            sb.append(", padding=").append(options.padding());
        }
        if (options.dilation() != 1) {
            sb.append(", dilation=").append(options.dilation());
        }
        if (options.groups() != 1) {
            sb.append(", groups=").append(options.groups());
        }
        if (bias == null) {
            sb.append(", bias=false");
        }
        return sb.append(')').toString();
    }
}

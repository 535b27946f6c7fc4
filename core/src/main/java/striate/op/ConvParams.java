package striate.op;

/** Stride, zero padding, dilation and groups of a 2-D convolution, as in PyTorch's Conv2d. */
public record ConvParams(int strideH, int strideW, int padH, int padW, int dilationH, int dilationW, int groups) {
    public ConvParams {
        if (strideH < 1 || strideW < 1 || dilationH < 1 || dilationW < 1 || groups < 1) {
            throw new IllegalArgumentException("conv stride, dilation and groups must be >= 1, got stride " + strideH + "x"
                    + strideW + ", dilation " + dilationH + "x" + dilationW + ", groups " + groups);
        }
        if (padH < 0 || padW < 0) {
            throw new IllegalArgumentException("conv padding must be >= 0, got " + padH + "x" + padW);
        }
    }

    /** Square stride and padding, no dilation, one group. */
    public static ConvParams of(int stride, int padding) {
        return new ConvParams(stride, stride, padding, padding, 1, 1, 1);
    }

    /** Output size along one axis. */
    public static long outputSize(long in, long kernel, int stride, int pad, int dilation) {
        long effective = dilation * (kernel - 1) + 1;
        return Math.floorDiv(in + 2L * pad - effective, stride) + 1;
    }
}

package striate.op;

/**
 * Window, stride and zero padding of 2-D pooling, as in PyTorch's MaxPool2d/AvgPool2d (floor mode).
 * For AVG, {@code countIncludePad} says whether padded zeros count in the divisor (PyTorch's default: true).
 */
public record PoolParams(int kernelH, int kernelW, int strideH, int strideW, int padH, int padW,
                         boolean countIncludePad) {
    public PoolParams {
        if (kernelH < 1 || kernelW < 1 || strideH < 1 || strideW < 1) {
            throw new IllegalArgumentException("pool kernel and stride must be >= 1, got kernel " + kernelH + "x"
                    + kernelW + ", stride " + strideH + "x" + strideW);
        }
        if (padH < 0 || padW < 0 || 2 * padH > kernelH || 2 * padW > kernelW) {
            throw new IllegalArgumentException("pool padding must be between 0 and half the kernel, got padding " + padH
                    + "x" + padW + " for kernel " + kernelH + "x" + kernelW);
        }
    }

    /** A square window with this stride and no padding. */
    public static PoolParams of(int kernel, int stride) {
        return new PoolParams(kernel, kernel, stride, stride, 0, 0, true);
    }
}

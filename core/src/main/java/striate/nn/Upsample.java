package striate.nn;

import striate.tensor.ShapeMismatchException;
import striate.tensor.Tensor;

/**
 * PyTorch's Upsample with mode 'nearest': x [n, c, h, w] → [n, c, h·scaleH, w·scaleW], each value repeated over a
 * block, given whole scale factors ({@link #scaleFactor}) or an output size that is a whole multiple of the input's
 * ({@link #size}). Its gradient sums each block ({@link Functional#upsampleNearest}).
 */
public final class Upsample extends Module {
    // Either the scale factors (size 0x0) or the output size (scale 0x0): PyTorch's two exclusive arguments.
    private final int scaleH;
    private final int scaleW;
    private final long sizeH;
    private final long sizeW;

    private Upsample(int scaleH, int scaleW, long sizeH, long sizeW) {
        this.scaleH = scaleH;
        this.scaleW = scaleW;
        this.sizeH = sizeH;
        this.sizeW = sizeW;
    }

    /** Every axis scaled by {@code scale}, PyTorch's Upsample(scale_factor=scale). */
    public Upsample(int scale) {
        this(checkScale(scale, scale), scale, 0, 0);
    }

    /** Height and width scaled by whole factors, PyTorch's Upsample(scale_factor=(scaleH, scaleW)). */
    public static Upsample scaleFactor(int scaleH, int scaleW) {
        return new Upsample(checkScale(scaleH, scaleW), scaleW, 0, 0);
    }

    /** A fixed output size, PyTorch's Upsample(size=(h, w)); each must be a whole multiple of the input's. */
    public static Upsample size(long h, long w) {
        if (h < 1 || w < 1) {
            throw new IllegalArgumentException("Upsample: size must be >= 1 on each axis, got " + h + "x" + w);
        }
        return new Upsample(0, 0, h, w);
    }

    private static int checkScale(int scaleH, int scaleW) {
        if (scaleH < 1 || scaleW < 1) {
            throw new IllegalArgumentException("Upsample: scale_factor must be a whole number >= 1 on each axis, got "
                    + scaleH + "x" + scaleW);
        }
        return scaleH;
    }

    /** x [n, c, h, w] → [n, c, oh, ow]. */
    @Override
    public Tensor forward(Tensor x) {
        if (x.rank() != 4) {
            throw new ShapeMismatchException(toString(), "input of shape " + x.shape(), "[n, c, h, w]");
        }
        if (sizeH == 0) {
            return Functional.upsampleNearest(x, scaleH, scaleW);
        }
        if (sizeH % x.dim(2) != 0 || sizeW % x.dim(3) != 0) {
            throw new ShapeMismatchException(toString(), "input of shape " + x.shape(), "height and width that divide "
                    + sizeH + "x" + sizeW + " (nearest upsampling here repeats whole blocks; resize the input or use "
                    + "scale_factor)");
        }
        return Functional.upsampleNearest(x, Math.toIntExact(sizeH / x.dim(2)), Math.toIntExact(sizeW / x.dim(3)));
    }

    @Override
    public String toString() {
        String what = sizeH == 0 ? "scale_factor=" + Conv2d.pair(scaleH, scaleW) : "size=" + sizeH + "x" + sizeW;
        return "Upsample(" + what + ", mode='nearest')";
    }
}

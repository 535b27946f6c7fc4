package striate.nn;

import striate.tensor.ShapeMismatchException;
import striate.tensor.Tensor;

/**
 * PyTorch's Upsample with mode 'nearest': x [n, c, h, w] → [n, c, h·scaleH, w·scaleW], each value repeated over a
 * block, given whole scale factors ({@link #scaleFactor}; its gradient sums each block, {@link
 * Functional#upsampleNearest}), or → [n, c, oh, ow] for a fixed output size ({@link #size}), each output taking the
 * nearest input below it as PyTorch ({@link Functional#interpolateNearest}).
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

    /** A fixed output size, PyTorch's Upsample(size=(h, w)). */
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
        return Functional.interpolateNearest(x, sizeH, sizeW);
    }

    @Override
    public String toString() {
        String what = sizeH == 0 ? "scale_factor=" + Conv2d.pair(scaleH, scaleW) : "size=" + sizeH + "x" + sizeW;
        return "Upsample(" + what + ", mode='nearest')";
    }
}

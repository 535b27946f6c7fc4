package striate.op;

import striate.tensor.DType;
import striate.tensor.Shape;

/**
 * A tensor of {@code shape} filled with normal values of this mean and standard deviation (torch.randn's), by the
 * Box–Muller transform of two counter-based uniforms per element: element i is mean + std·√(−2 ln(1 − u))·cos(2πv)
 * with u, v = {@link RandomUniformOp#uniform} of (seed, 2i) and (seed, 2i + 1), so every backend and thread count
 * draws the same numbers ({@link RandomDraw}, optionally streamed): on the host exactly, on a GPU to within the last
 * bit of a float64 (its log and cos need not round as the JVM's do). Latent vectors and a VAE's noise come from here.
 */
public record RandomNormalOp(Shape shape, double mean, double std, long seed, DType dtype, boolean streamed)
        implements RandomDraw {
    public RandomNormalOp {
        if (!(std >= 0) || Double.isInfinite(std) || !Double.isFinite(mean)) {
            throw new IllegalArgumentException("RandomNormalOp: mean must be finite and std finite and >= 0, got "
                    + mean + " and " + std);
        }
        if (!dtype.isFloating()) {
            throw new IllegalArgumentException("RandomNormalOp: dtype must be floating, got " + dtype);
        }
    }

    /** Value of element {@code index} drawn with {@code seed}. */
    @Override
    public double valueAt(long seed, long index) {
        double u = RandomUniformOp.uniform(seed, 2 * index);
        double v = RandomUniformOp.uniform(seed, 2 * index + 1);
        return mean + std * Math.sqrt(-2 * Math.log(1 - u)) * Math.cos(2 * Math.PI * v);
    }
}

package striate.cli;

import java.util.function.UnaryOperator;
import striate.data.Dataset;
import striate.data.IdxImages;
import striate.gan.Latents;
import striate.models.ImageAutoencoder;
import striate.nn.Init;
import striate.tensor.DType;
import striate.tensor.Device;
import striate.tensor.Rng;
import striate.tensor.Tensor;
import striate.train.BatchedInference;
import striate.train.FidLeNet;

/**
 * The images {@code striate vae} shows and scores, made by a trained (variational) autoencoder in evaluation mode,
 * without gradients, in batches on its device, and returned in host memory with pixels in [0, 1]: test images above
 * their reconstructions, decoded N(0, I) codes (also as an image file), paths between two test images' codes, the
 * 2-wide code's manifold, and the 8-bit images FID-LeNet scores
 * (pixels rounded to 0..255 as an image file holds them, then normalised as {@code striate train} normalises
 * Fashion-MNIST).
 */
final class VaeImages {
    private static final int BATCH = 500;
    private static final int SIDE = 28;
    private static final int PIXELS = SIDE * SIDE;

    private final ImageAutoencoder model;
    private final Device device;

    /** The images of {@code model}, on {@code device}. */
    VaeImages(ImageAutoencoder model, Device device) {
        this.model = model;
        this.device = device;
    }

    /**
     * The first {@code rows}·{@code columns} images of {@code test} (pixels in [0, 1]) and their reconstructions, as
     * [2·rows·columns, 1, 28, 28] in grid order: a row of test images, the row of their reconstructions below, and so
     * on.
     */
    Tensor reconstructionPairs(Dataset test, int rows, int columns) {
        int n = rows * columns;
        float[] x = pixels(test, 0, n);
        float[] y = map(Tensor.of(Device.reference(), x, n, 1, SIDE, SIDE), model::reconstruct);
        float[] grid = new float[2 * n * PIXELS];
        for (int r = 0; r < rows; r++) {
            System.arraycopy(x, r * columns * PIXELS, grid, 2 * r * columns * PIXELS, columns * PIXELS);
            System.arraycopy(y, r * columns * PIXELS, grid, (2 * r + 1) * columns * PIXELS, columns * PIXELS);
        }
        return Tensor.of(Device.reference(), grid, 2L * n, 1, SIDE, SIDE);
    }

    /** The decoder's images of {@code n} codes z ~ N(0, I) drawn from a generator seeded with {@code seed}. */
    Tensor samples(int n, long seed) {
        Tensor z = Init.normal(new Rng(seed), 1, n, model.latent()); // [n, latent]
        return Tensor.of(Device.reference(), map(z, model::decode), n, 1, SIDE, SIDE);
    }

    /**
     * A 2-wide code's manifold (Kingma &amp; Welling 2013, figure 4): the decoder's images of a
     * {@code side}×{@code side} grid of codes at the standard normal's quantiles (i + ½)/side, z₁ along the columns and z₂ down the rows.
     */
    Tensor manifold(int side) {
        if (model.latent() != 2) {
            throw new IllegalStateException("a manifold grid needs a 2-wide code, this model's is " + model.latent());
        }
        double[] q = new double[side];
        for (int i = 0; i < side; i++) {
            q[i] = inverseNormal((i + 0.5) / side);
        }
        float[] z = new float[side * side * 2];
        for (int r = 0; r < side; r++) {
            for (int c = 0; c < side; c++) {
                z[2 * (r * side + c)] = (float) q[c];
                z[2 * (r * side + c) + 1] = (float) q[side - 1 - r]; // z₂ grows upwards
            }
        }
        Tensor codes = Tensor.of(Device.reference(), z, (long) side * side, 2);
        return Tensor.of(Device.reference(), map(codes, model::decode), (long) side * side, 1, SIDE, SIDE);
    }

    /**
     * Paths between the codes of test images 2r and 2r + 1, r below {@code rows}: the decoder's images of
     * (1 − t)·code(a) + t·code(b) at {@code steps} evenly spaced t from 0 to 1, a row per pair, [rows·steps, 1, 28, 28].
     */
    Tensor interpolations(Dataset test, int rows, int steps) {
        if (steps < 2) {
            throw new IllegalArgumentException("an interpolation needs at least 2 steps, got " + steps);
        }
        int pairs = 2 * rows;
        int latent = model.latent();
        Tensor codes = Tensor.of(Device.reference(), map(Tensor.of(Device.reference(), pixels(test, 0, pairs), pairs,
                1, SIDE, SIDE), model::code), pairs, latent);          // [2·rows, latent]
        float[] z = new float[rows * steps * latent];
        for (int r = 0; r < rows; r++) {
            float[] line = Latents.interpolate(codes.slice(0, 2 * r, 2 * r + 1), codes.slice(0, 2 * r + 1, 2 * r + 2),
                    steps, false).toFloatArray();                      // [steps, latent]
            System.arraycopy(line, 0, z, r * steps * latent, line.length);
        }
        Tensor path = Tensor.of(Device.reference(), z, (long) rows * steps, latent);
        return Tensor.of(Device.reference(), map(path, model::decode), (long) rows * steps, 1, SIDE, SIDE);
    }

    /** All of {@code test}'s reconstructions, as FID-LeNet takes them. */
    Tensor fidReconstructions(Dataset test) {
        return FidLeNet.images(levels(map(Tensor.of(Device.reference(), pixels(test, 0, test.size()), test.size(), 1,
                SIDE, SIDE), model::reconstruct)), test.size());
    }

    /** {@code n} decoded N(0, I) codes (seeded) as an image file holds them: 8-bit levels round(255·x). */
    IdxImages sampleFile(int n, long seed) {
        return new IdxImages(n, SIDE, SIDE, levels(samples(n, seed).toFloatArray()));
    }

    /** The images of {@code test} (pixels in [0, 1]) as FID-LeNet takes them. */
    static Tensor fidImages(Dataset test) {
        return FidLeNet.images(levels(pixels(test, 0, test.size())), test.size());
    }

    /** Pixels in [0, 1] → 8-bit levels round(255·x), clamped. */
    private static byte[] levels(float[] unit) {
        byte[] out = new byte[unit.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = (byte) Math.round(Math.clamp(unit[i], 0.0, 1.0) * 255);
        }
        return out;
    }

    /** Images {@code from} to {@code to} of {@code data} ([1, 28, 28] each), flat. */
    private static float[] pixels(Dataset data, int from, int to) {
        if (data.channels() != 1 || data.height() != SIDE || data.width() != SIDE || to > data.size()) {
            throw new IllegalArgumentException("expected at least " + to + " grey 28x28 images, the data set has "
                    + data.size() + " of " + data.channels() + "x" + data.height() + "x" + data.width());
        }
        float[] out = new float[(to - from) * PIXELS];
        for (int i = from; i < to; i++) {
            data.image(i, out, (i - from) * PIXELS);
        }
        return out;
    }

    /** {@code f} over the rows of host tensor {@code x} in batches on the model's device: the outputs, flat. */
    private float[] map(Tensor x, UnaryOperator<Tensor> f) {
        return BatchedInference.run(model, (int) x.dim(0), BATCH,
                (start, end) -> f.apply(x.slice(0, start, end).contiguous().to(DType.F32).to(device)));
    }

    /**
     * The standard normal's quantile function Φ⁻¹(p), 0 &lt; p &lt; 1: bisection on Φ(z) = ½(1 + erf(z/√2)) over
     * [−8, 8], erf by its Taylor series where |x| ≤ 4 (its cancellation there costs under 1e-9) and ±1 beyond.
     */
    static double inverseNormal(double p) {
        if (!(p > 0 && p < 1)) {
            throw new IllegalArgumentException("a quantile needs 0 < p < 1, got " + p);
        }
        double lo = -8;
        double hi = 8;
        for (int i = 0; i < 80; i++) {
            double mid = (lo + hi) / 2;
            if (normalCdf(mid) < p) {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        return (lo + hi) / 2;
    }

    static double normalCdf(double z) {
        return 0.5 * (1 + erf(z / Math.sqrt(2)));
    }

    private static double erf(double x) {
        if (Math.abs(x) > 4) {
            return Math.signum(x); // 1 − erf(4) < 2e-8
        }
        // erf(x) = 2/√π · Σ (−1)ⁿ x^(2n+1) / (n! (2n+1))
        double term = x;
        double sum = x;
        for (int n = 1; n < 120; n++) {
            term *= -x * x / n;
            sum += term / (2 * n + 1);
        }
        return 2 / Math.sqrt(Math.PI) * sum;
    }
}

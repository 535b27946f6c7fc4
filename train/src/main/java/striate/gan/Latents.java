package striate.gan;

import striate.autograd.GradMode;
import striate.tensor.DType;
import striate.tensor.Device;
import striate.tensor.Rng;
import striate.tensor.Shape;
import striate.tensor.Tensor;

/**
 * Latent vectors: z ~ N(0, 1) of width {@value #WIDTH}, drawn from an explicit {@link Rng} (so a seed and a
 * checkpointed generator state repeat them), class labels uniform in [0, classes), and paths between two latents for
 * interpolation strips: linear, (1 − t)·a + t·b, or spherical (slerp, Shoemake 1985; White 2016 for GANs, since a
 * Gaussian latent's mass lies near a sphere, where the linear path's midpoints are too short).
 */
public final class Latents {
    /** The latent width of every generator here. */
    public static final int WIDTH = 100;

    private Latents() {
    }

    /**
     * z [n, WIDTH], float32, drawn on {@code device} ({@link Tensor#randn}) with one seed from {@code rng}: no host
     * values to copy, so a GPU step does not wait for the copy and a captured one draws anew at each replay.
     */
    public static Tensor sample(Rng rng, int n, Device device) {
        return Tensor.randn(device, DType.F32, Shape.of(n, WIDTH), 0, 1, rng.nextLong());
    }

    /**
     * Labels [n] uniform in [0, classes), int32, drawn on {@code device} with one seed from {@code rng}: the integer
     * part of u·classes for a uniform u (held below classes, since a float32 u may round up to 1), so, like the
     * latents, they need no host values and follow a graph's random stream.
     */
    public static Tensor labels(Rng rng, int n, int classes, Device device) {
        try (GradMode.Scope off = GradMode.off()) {
            Tensor scaled = Tensor.rand(device, DType.F32, Shape.of(n), 0, classes, rng.nextLong());
            return scaled.minimum(scaled.scalarLike(classes - 1)).to(DType.I32); // truncation: 0 .. classes − 1
        }
    }

    /** Labels [n] cycling 0, 1, ..., classes − 1: every class equally often when n is a multiple of classes. */
    public static Tensor evenLabels(int n, int classes, Device device) {
        int[] y = new int[n];
        for (int i = 0; i < n; i++) {
            y[i] = i % classes;
        }
        return Tensor.ofInts(device, y, n);
    }

    /**
     * {@code steps} ≥ 2 latents [steps, d] from {@code a} to {@code b} (each [d] or [1, d]), both ends included:
     * linear, or spherical when {@code spherical} (linear where the two are nearly parallel).
     */
    public static Tensor interpolate(Tensor a, Tensor b, int steps, boolean spherical) {
        if (steps < 2) {
            throw new IllegalArgumentException("an interpolation needs at least 2 steps (its two ends), got " + steps);
        }
        double[] x = a.toDoubleArray();
        double[] y = b.toDoubleArray();
        if (x.length != y.length) {
            throw new IllegalArgumentException("interpolation ends differ in size: " + a.shape() + " and " + b.shape());
        }
        double omega = Math.acos(Math.clamp(dot(x, y) / Math.sqrt(dot(x, x) * dot(y, y)), -1, 1));
        boolean slerp = spherical && Math.sin(omega) > 1e-6;
        float[] out = new float[steps * x.length];
        for (int s = 0; s < steps; s++) {
            double t = (double) s / (steps - 1);
            double wa = slerp ? Math.sin((1 - t) * omega) / Math.sin(omega) : 1 - t;
            double wb = slerp ? Math.sin(t * omega) / Math.sin(omega) : t;
            for (int i = 0; i < x.length; i++) {
                out[s * x.length + i] = (float) (wa * x[i] + wb * y[i]);
            }
        }
        return Tensor.of(a.device(), out, steps, x.length);
    }

    private static double dot(double[] x, double[] y) {
        double s = 0;
        for (int i = 0; i < x.length; i++) {
            s += x[i] * y[i];
        }
        return s;
    }
}

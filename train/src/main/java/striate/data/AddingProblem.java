package striate.data;

import striate.tensor.Device;
import striate.tensor.Rng;
import striate.tensor.Tensor;

/**
 * The adding problem (Hochreiter and Schmidhuber 1997; as set in Le et al. 2015, "A Simple Way to Initialize
 * Recurrent Networks of Rectified Linear Units", and Arjovsky et al. 2016, "Unitary Evolution Recurrent Neural
 * Networks"): each example is a sequence of {@code length} steps with two channels, a value drawn uniformly from
 * [0, 1) and a marker that is 1 at exactly two steps, one drawn uniformly from the first half [0, T/2) and one
 * from the second half [T/2, T) (T/2 rounded down), and 0 elsewhere. The target is the sum of the two marked
 * values. Predicting the constant 1 (the target's mean) scores the target's variance, 2 · 1/12 = 1/6 ≈ 0.167
 * ({@link #TRIVIAL_MSE}): a model must get well below it to have learned anything, and an MSE under 0.01 solves
 * it. A sequence model reads x [n, T, 2] and predicts y [n, 1] from its last state.
 */
public record AddingProblem(int length) {
    /** The mean squared error of always predicting 1, the target's mean: its variance, 1/6. */
    public static final double TRIVIAL_MSE = 1.0 / 6.0;

    public AddingProblem {
        if (length < 2) {
            throw new IllegalArgumentException("the adding problem needs sequences of at least 2 steps, got " + length);
        }
    }

    /**
     * {@code n} examples drawn from {@code rng}: per example, the {@code length} values in order, then the marked
     * step of the first half, then that of the second half.
     */
    public Examples sample(int n, Rng rng) {
        if (n <= 0) {
            throw new IllegalArgumentException("number of examples must be > 0, got " + n);
        }
        int t = length;
        int half = t / 2;
        float[] x = new float[n * t * 2];               // [n, T, 2]: value, marker
        float[] y = new float[n];                       // [n, 1]
        for (int i = 0; i < n; i++) {
            int base = i * t * 2;
            for (int s = 0; s < t; s++) {
                x[base + 2 * s] = (float) rng.nextDouble();
            }
            int first = rng.nextInt(half);
            int second = half + rng.nextInt(t - half);
            x[base + 2 * first + 1] = 1f;
            x[base + 2 * second + 1] = 1f;
            y[i] = x[base + 2 * first] + x[base + 2 * second];
        }
        return new Examples(n, t, x, y);
    }

    /** The mean squared error of {@code predicted} against {@code target}, in double. */
    public static double mse(float[] predicted, float[] target) {
        if (predicted.length != target.length || target.length == 0) {
            throw new IllegalArgumentException("mse needs as many predictions as targets (at least one), got "
                    + predicted.length + " and " + target.length);
        }
        double sum = 0;
        for (int i = 0; i < target.length; i++) {
            double d = (double) predicted[i] - target[i];
            sum += d * d;
        }
        return sum / target.length;
    }

    /** Examples on the host: x [n, T, 2] (value, marker per step) and y [n] row-major. */
    public record Examples(int n, int length, float[] x, float[] y) {

        /** The inputs, [n, T, 2] float32. */
        public Tensor x(Device device) {
            return Tensor.of(device, x, n, length, 2);
        }

        /** The targets, [n, 1] float32. */
        public Tensor y(Device device) {
            return Tensor.of(device, y, n, 1);
        }
    }
}

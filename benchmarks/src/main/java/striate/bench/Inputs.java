package striate.bench;

import striate.tensor.Device;
import striate.tensor.Rng;
import striate.tensor.Tensor;

/** Seeded benchmark inputs, identical on every backend. */
final class Inputs {
    private Inputs() {
    }

    /** Uniform values in [−1, 1) from {@code seed}. */
    static float[] uniform(long seed, int n) {
        Rng rng = new Rng(seed);
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) (2 * rng.nextDouble() - 1);
        }
        return v;
    }

    static Tensor uniform(Device device, long seed, long... dims) {
        long n = 1;
        for (long d : dims) {
            n *= d;
        }
        return Tensor.of(device, uniform(seed, Math.toIntExact(n)), dims);
    }

    /** Class labels in [0, classes) as int32 [n]. */
    static Tensor labels(Device device, long seed, int n, int classes) {
        Rng rng = new Rng(seed);
        int[] v = new int[n];
        for (int i = 0; i < n; i++) {
            v[i] = rng.nextInt(classes);
        }
        return Tensor.ofInts(device, v, n);
    }
}

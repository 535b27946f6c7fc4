package striate.gan;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import striate.tensor.Device;
import striate.tensor.Rng;
import striate.tensor.Tensor;

/** Latents: seeded draws, labels, and the linear and spherical paths between two latents. */
class LatentsTest {
    private static final Device REF = Device.reference();

    @Test
    void drawsRepeatWithTheSeedAndLookStandardNormal() {
        float[] a = Latents.sample(new Rng(5), 50, REF).toFloatArray();
        assertArrayEquals(a, Latents.sample(new Rng(5), 50, REF).toFloatArray());
        double mean = 0;
        double sq = 0;
        for (float v : a) {
            mean += v;
            sq += v * v;
        }
        mean /= a.length;
        assertEquals(0, mean, 0.05);
        assertEquals(1, sq / a.length - mean * mean, 0.05);
        assertArrayEquals(new int[] {0, 1, 2, 0, 1}, Latents.evenLabels(5, 3, REF).toIntArray());
        int[] counts = new int[10];
        for (int y : Latents.labels(new Rng(1), 5000, 10, REF).toIntArray()) {
            assertTrue(y >= 0 && y < 10, "label " + y);
            counts[y]++;
        }
        for (int c : counts) {
            assertEquals(500, c, 80, "each class about equally often: " + java.util.Arrays.toString(counts));
        }
        assertArrayEquals(Latents.labels(new Rng(1), 50, 10, REF).toIntArray(),
                Latents.labels(new Rng(1), 50, 10, REF).toIntArray(), "a seed repeats them");
    }

    @Test
    void linearPathHasEvenStepsAndBothEnds() {
        Tensor a = Tensor.of(REF, new float[] {0, 2}, 2);
        Tensor b = Tensor.of(REF, new float[] {4, -2}, 2);
        assertArrayEquals(new float[] {0, 2, 1, 1, 2, 0, 3, -1, 4, -2}, Latents.interpolate(a, b, 5, false)
                .toFloatArray(), 1e-6f);
    }

    @Test
    void sphericalPathKeepsTheNormBetweenEqualNorms() {
        Tensor a = Tensor.of(REF, new float[] {3, 0}, 2);
        Tensor b = Tensor.of(REF, new float[] {0, 3}, 2);
        float[] path = Latents.interpolate(a, b, 3, true).toFloatArray();
        assertArrayEquals(new float[] {3, 0}, new float[] {path[0], path[1]}, 1e-6f);
        assertArrayEquals(new float[] {0, 3}, new float[] {path[4], path[5]}, 1e-6f);
        assertEquals(3, Math.hypot(path[2], path[3]), 1e-5, "the midpoint stays on the circle");
        assertEquals(path[2], path[3], 1e-6);
        float[] linear = Latents.interpolate(a, b, 3, false).toFloatArray();
        assertTrue(Math.hypot(linear[2], linear[3]) < 2.2, "the linear midpoint is shorter");
        assertThrows(IllegalArgumentException.class, () -> Latents.interpolate(a, b, 1, false));
    }
}

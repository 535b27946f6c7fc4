package striate.tensor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class RngTest {
    @Test
    void sameSeedSameSequenceAndStateResumes() {
        Rng a = new Rng(42);
        Rng b = new Rng(42);
        for (int i = 0; i < 5; i++) {
            assertEquals(a.nextLong(), b.nextLong());
        }
        Rng resumed = new Rng(a.state());
        assertEquals(a.nextDouble(), resumed.nextDouble());
        assertNotEquals(new Rng(1).nextLong(), new Rng(2).nextLong());
    }

    @Test
    void uniformAndGaussianMoments() {
        Rng r = new Rng(7);
        int n = 200_000;
        double sum = 0;
        double sq = 0;
        double gsum = 0;
        double gsq = 0;
        for (int i = 0; i < n; i++) {
            double u = r.nextDouble();
            assertTrue(u >= 0 && u < 1);
            sum += u;
            sq += u * u;
            double g = r.nextGaussian();
            gsum += g;
            gsq += g * g;
        }
        assertEquals(0.5, sum / n, 0.01);
        assertEquals(1.0 / 12, sq / n - Math.pow(sum / n, 2), 0.005);
        assertEquals(0, gsum / n, 0.01);
        assertEquals(1, gsq / n, 0.02);
    }

    @Test
    void shuffleIsAPermutation() {
        int[] a = new int[100];
        Arrays.setAll(a, i -> i);
        new Rng(3).shuffle(a);
        int[] sorted = a.clone();
        Arrays.sort(sorted);
        for (int i = 0; i < 100; i++) {
            assertEquals(i, sorted[i]);
        }
        assertTrue(!Arrays.equals(a, sorted), "a shuffle of 100 elements should move something");
    }
}

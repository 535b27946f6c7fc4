package striate.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;
import striate.tensor.Device;
import striate.tensor.Rng;

/** The adding problem's examples, and the trivial predictor's MSE that a model must beat. */
class AddingProblemTest {

    @Test
    void twoMarkersOneInEachHalfAndTheTargetIsTheirValuesSum() {
        AddingProblem p = new AddingProblem(11);
        AddingProblem.Examples e = p.sample(500, new Rng(1));
        int[] firstHalfHits = new int[11];
        for (int i = 0; i < 500; i++) {
            int first = -1;
            int second = -1;
            for (int s = 0; s < 11; s++) {
                float value = e.x()[(i * 11 + s) * 2];
                float marker = e.x()[(i * 11 + s) * 2 + 1];
                assertTrue(value >= 0 && value < 1, "value " + value);
                if (marker == 1f) {
                    if (first < 0) {
                        first = s;
                    } else {
                        assertEquals(-1, second, "example " + i + " has more than two markers");
                        second = s;
                    }
                } else {
                    assertEquals(0f, marker);
                }
            }
            assertTrue(first >= 0 && first < 5 && second >= 5 && second < 11, "markers at " + first + ", " + second);
            firstHalfHits[first]++;
            assertEquals(e.x()[(i * 11 + first) * 2] + e.x()[(i * 11 + second) * 2], e.y()[i]);
        }
        for (int s = 0; s < 5; s++) {
            assertTrue(firstHalfHits[s] > 60, "the first marker is uniform over the first half: " + firstHalfHits[s]);
        }
    }

    @Test
    void predictingOneScoresTheTargetsVarianceOneSixth() {
        AddingProblem.Examples e = new AddingProblem(100).sample(40_000, new Rng(7));
        float[] ones = new float[e.n()];
        Arrays.fill(ones, 1f);
        double trivial = AddingProblem.mse(ones, e.y());
        assertEquals(AddingProblem.TRIVIAL_MSE, trivial, 0.005, "measured " + trivial);   // std of the mean: 0.001
        double mean = 0;
        for (float y : e.y()) {
            mean += y;
        }
        assertEquals(1.0, mean / e.n(), 0.01);
        assertEquals(0.0, AddingProblem.mse(e.y(), e.y()));
        float[] half = new float[e.n()];
        Arrays.fill(half, 0.5f);
        assertTrue(AddingProblem.mse(half, e.y()) > trivial + 0.2, "a wrong constant is worse than the mean");
    }

    @Test
    void seededAndShapedForASequenceModel() {
        AddingProblem p = new AddingProblem(20);
        AddingProblem.Examples a = p.sample(3, new Rng(5));
        assertArrayEquals(a.x(), p.sample(3, new Rng(5)).x());
        assertNotEquals(Arrays.toString(a.y()), Arrays.toString(p.sample(3, new Rng(6)).y()));
        assertArrayEquals(new long[] {3, 20, 2}, a.x(Device.reference()).shape().dims());
        assertArrayEquals(new long[] {3, 1}, a.y(Device.reference()).shape().dims());
        assertArrayEquals(a.y(), a.y(Device.reference()).toFloatArray());
        assertThrows(IllegalArgumentException.class, () -> new AddingProblem(1));
        assertThrows(IllegalArgumentException.class, () -> AddingProblem.mse(new float[2], new float[3]));
    }
}

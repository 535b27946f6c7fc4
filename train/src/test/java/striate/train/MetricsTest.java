package striate.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import striate.tensor.Device;
import striate.tensor.Tensor;

/** Metrics on a hand-counted example of 10 predictions in 3 classes. */
class MetricsTest {
    // pairs (actual, predicted): (0,0) (0,1) (0,0) (1,1) (1,2) (2,2) (2,2) (2,0) (2,2) (0,2)
    private static final int[] ACTUAL = {0, 0, 0, 1, 1, 2, 2, 2, 2, 0};
    private static final int[] PREDICTED = {0, 1, 0, 1, 2, 2, 2, 0, 2, 2};

    @Test
    void accuracyAndConfusionMatrixByHand() {
        Metrics m = Metrics.of(PREDICTED, ACTUAL, 3);
        assertEquals(10, m.count());
        assertEquals(6, m.correct());
        assertEquals(0.6, m.accuracy(), 1e-12);
        long[][] c = m.confusionMatrix();
        assertArrayEquals(new long[] {2, 1, 1}, c[0]);
        assertArrayEquals(new long[] {0, 1, 1}, c[1]);
        assertArrayEquals(new long[] {1, 0, 3}, c[2]);
        c[0][0] = 99;
        assertEquals(2, m.confusionMatrix()[0][0], "the matrix handed out is a copy");
    }

    @Test
    void precisionAndRecallByHand() {
        Metrics m = Metrics.of(PREDICTED, ACTUAL, 3);
        // precision: column sums 3, 2, 5; recall: row sums 4, 2, 4
        assertEquals(2.0 / 3, m.precision(0), 1e-12);
        assertEquals(1.0 / 2, m.precision(1), 1e-12);
        assertEquals(3.0 / 5, m.precision(2), 1e-12);
        assertEquals(2.0 / 4, m.recall(0), 1e-12);
        assertEquals(1.0 / 2, m.recall(1), 1e-12);
        assertEquals(3.0 / 4, m.recall(2), 1e-12);
        assertEquals(4, m.support(2));
        assertEquals(5, m.predictedCount(2));
    }

    @Test
    void undefinedPrecisionAndRecallAreZero() {
        // class 3 never occurs and is never predicted; class 2 is predicted but never occurs
        Metrics m = Metrics.of(new int[] {0, 1, 2}, new int[] {0, 1, 1}, 4);
        assertEquals(0, m.precision(3));
        assertEquals(0, m.recall(3));
        assertEquals(0, m.recall(2));
        assertEquals(0, m.precision(2));
        assertEquals(1, m.precision(1));
        assertEquals(0.5, m.recall(1));
    }

    @Test
    void tableShowsPerClassNumbersAccuracyAndMatrix() {
        String t = Metrics.of(PREDICTED, ACTUAL, 3).table(List.of("Coat", "Trouser", "Bag"));
        List<String> lines = t.lines().toList();
        assertEquals("class    precision  recall  support", lines.get(0));
        assertEquals("Trouser     0.5000  0.5000        2", lines.get(2));
        assertEquals("Bag         0.6000  0.7500        4", lines.get(3));
        assertTrue(t.contains("accuracy 0.6000 (6 of 10)"), t);
        assertTrue(t.contains("0 Coat     2  1  1"), t);
        assertTrue(t.contains("2 Bag      1  0  3"), t);
        assertThrows(IllegalArgumentException.class, () -> Metrics.of(PREDICTED, ACTUAL, 3).table(List.of("a")));
    }

    @Test
    void argmaxPicksTheLargestLogitAndTheFirstOnTies() {
        Tensor logits = Tensor.of(Device.reference(), new float[] {1, 3, 2, 5, 5, 0, -1, -2, -0.5f}, 3, 3);
        assertArrayEquals(new int[] {1, 0, 2}, Metrics.argmax(logits));
        assertThrows(IllegalArgumentException.class,
                () -> Metrics.argmax(Tensor.of(Device.reference(), new float[] {1, 2})));
    }

    @Test
    void rejectsMismatchedOrOutOfRangeLabels() {
        assertThrows(IllegalArgumentException.class, () -> Metrics.of(new int[] {0, 1}, new int[] {0}, 2));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Metrics.of(new int[] {0, 3}, new int[] {0, 1}, 3));
        assertTrue(e.getMessage().contains("example 1"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Metrics.of(new int[0], new int[0], 3));
    }
}

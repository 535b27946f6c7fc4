package striate.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** Accuracy, spam precision, recall and F1 against counts worked by hand. */
class SpamScoresTest {
    @Test
    void scoresFromTheConfusionMatrix() {
        SpamScores s = new SpamScores();
        int[][] pairs = {{0, 0}, {0, 0}, {0, 0}, {0, 1}, {1, 1}, {1, 1}, {1, 0}, {1, 0}};  // tn 3, fp 1, tp 2, fn 2
        for (int[] p : pairs) {
            s.add(p[0], p[1]);
        }
        assertArrayEquals(new long[] {3, 1}, s.confusion()[0]);
        assertArrayEquals(new long[] {2, 2}, s.confusion()[1]);
        assertEquals(5.0 / 8, s.accuracy(), 1e-15);
        assertEquals(2.0 / 3, s.precision(), 1e-15);
        assertEquals(0.5, s.recall(), 1e-15);
        assertEquals(2 * (2.0 / 3) * 0.5 / (2.0 / 3 + 0.5), s.f1(), 1e-15);
        assertEquals("accuracy 0.6250, spam precision 0.6667 recall 0.5000 F1 0.5714", s.toString());
    }

    @Test
    void undefinedRatiosAreZeroAndBadLabelsAreErrors() {
        SpamScores s = new SpamScores();
        s.add(0, 0);
        assertEquals(0, s.precision());
        assertEquals(0, s.recall());
        assertEquals(0, s.f1());
        assertThrows(IllegalArgumentException.class, () -> s.add(2, 0));
    }
}

package striate.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The divergence rule batch by batch: non-finite losses, and the window mean against ten times the first loss. */
class DivergenceTest {
    @Test
    void aNonFiniteLossDivergesAtOnce() {
        for (double bad : new double[] {Double.NaN, Double.POSITIVE_INFINITY}) {
            Divergence d = new Divergence(Double.NaN);
            assertNull(d.add(2.3));
            assertEquals("the loss became " + bad, d.add(bad));
        }
    }

    @Test
    void theFirstLossIsTheReference() {
        Divergence d = new Divergence(Double.NaN);
        assertTrue(Double.isNaN(d.firstLoss()));
        assertNull(d.add(2.0));
        assertEquals(2.0, d.firstLoss());
        assertNull(d.add(37.9), "mean (2 + 37.9) / 2 = 19.95 is below 20");
        String why = d.add(100);
        assertEquals("the mean loss of the last 3 batches, 46.63, is over 10 times the run's first loss, 2.000", why);
    }

    @Test
    void oneSpikeInAFullWindowDoesNotTripIt() {
        Divergence d = new Divergence(2.0);
        for (int i = 0; i < Divergence.WINDOW - 1; i++) {
            assertNull(d.add(0.5));
        }
        // 19 × 0.5 + 400 = 409.5 over 20 batches: 20.475 trips; 380 (19.475) does not
        Divergence same = new Divergence(2.0);
        for (int i = 0; i < Divergence.WINDOW - 1; i++) {
            same.add(0.5);
        }
        assertNull(same.add(380));
        assertTrue(d.add(400).startsWith("the mean loss of the last 20 batches, 20.48"));
    }

    @Test
    void theWindowForgetsOldBatches() {
        Divergence d = new Divergence(1.0);
        for (int i = 0; i < Divergence.WINDOW; i++) {
            assertNull(d.add(9.9)); // mean 9.9: high, but not over 10 times 1.0
        }
        for (int i = 0; i < Divergence.WINDOW; i++) {
            assertNull(d.add(0.1));
        }
        // (19 × 0.1 + 197) / 20 = 9.945; with a 9.9 still in the window it would be 10.435
        assertNull(d.add(197));
        assertTrue(d.add(10.1).startsWith("the mean loss of the last 20 batches, 10.44"), "(18 × 0.1 + 197 + 10.1) / 20");
    }

    @Test
    void aResumedRunKeepsItsReference() {
        Divergence d = new Divergence(0.5);
        assertEquals(0.5, d.firstLoss());
        assertNull(d.add(4.9), "one batch, under 10 × 0.5");
        assertEquals("the loss, 5.200, is over 10 times the run's first loss, 0.5000", new Divergence(0.5).add(5.2));
    }

    @Test
    void aFirstLossOfZeroChecksOnlyForNonFiniteLosses() {
        Divergence d = new Divergence(0);
        assertNull(d.add(1e6));
        assertTrue(d.add(Double.NaN) != null);
    }
}

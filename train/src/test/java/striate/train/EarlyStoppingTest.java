package striate.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class EarlyStoppingTest {
    @Test
    void stopsAfterPatienceEpochsWithoutAnImprovementLargerThanMinDelta() {
        EarlyStopping s = new EarlyStopping(2, 0.01);
        assertFalse(s.shouldStop(1.0));
        assertFalse(s.shouldStop(0.95));
        assertFalse(s.shouldStop(0.945)); // better, but by less than minDelta
        assertEquals(1, s.epochsWithoutImprovement());
        assertTrue(s.shouldStop(0.96));
        assertEquals(0.95, s.bestValue());
        assertEquals(2, s.bestEpoch());
    }

    @Test
    void anImprovementResetsTheCount() {
        EarlyStopping s = new EarlyStopping(2, 0);
        assertFalse(s.shouldStop(1.0));
        assertFalse(s.shouldStop(1.1));
        assertFalse(s.shouldStop(0.9));
        assertFalse(s.shouldStop(1.0));
        assertTrue(s.shouldStop(0.9)); // equal to the best is no improvement
        assertEquals(3, s.bestEpoch());
    }

    @Test
    void nanNeverImproves() {
        EarlyStopping s = new EarlyStopping(1, 0);
        assertFalse(s.shouldStop(0.5));
        assertTrue(s.shouldStop(Double.NaN));
        assertEquals(0.5, s.bestValue());
    }

    @Test
    void rejectsBadSettings() {
        assertThrows(IllegalArgumentException.class, () -> new EarlyStopping(0, 0));
        assertThrows(IllegalArgumentException.class, () -> new EarlyStopping(3, -0.1));
        assertThrows(IllegalArgumentException.class, () -> new EarlyStopping(3, Double.NaN));
    }
}

package striate.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class HistoryTest {
    static EpochStats epoch(int n, double valLoss) {
        return new EpochStats(n, 1.0 / n, 0.5, valLoss, 0.6, 0.01, 12.5, 1800);
    }

    @Test
    void bestIsTheLowestValidationLossEarliestOnTies() {
        History h = new History(Metric.ACCURACY);
        assertTrue(h.best().isEmpty());
        h.add(epoch(1, 0.9));
        h.add(epoch(2, 0.5));
        h.add(epoch(3, Double.NaN));
        h.add(epoch(4, 0.5));
        h.add(epoch(5, 0.7));
        assertEquals(2, h.best().orElseThrow().epoch());
        assertEquals(5, h.last().orElseThrow().epoch());
        assertEquals(5, h.size());
    }

    @Test
    void withoutValidationTheBestEpochHasTheLowestTrainingLoss() {
        History h = new History(Metric.ACCURACY, List.of(new EpochStats(1, 0.9, 0.5, Double.NaN, Double.NaN, 0.01, 1, 1),
                new EpochStats(2, 0.4, 0.5, Double.NaN, Double.NaN, 0.01, 1, 1),
                new EpochStats(3, 0.6, 0.5, Double.NaN, Double.NaN, 0.01, 1, 1)));
        assertEquals(2, h.best().orElseThrow().epoch());
        assertEquals(3, h.size());
        History nan = new History(Metric.ACCURACY, List.of(new EpochStats(1, Double.NaN, 0, Double.NaN, Double.NaN, 0.01, 1, 1)));
        assertTrue(nan.best().isEmpty());
    }

    @Test
    void epochsMustIncreaseAndTheListIsACopy() {
        History h = new History(Metric.BITS_PER_CHARACTER, List.of(epoch(3, 1)));
        assertThrows(IllegalArgumentException.class, () -> h.add(epoch(3, 1)));
        assertThrows(IllegalArgumentException.class, () -> h.add(epoch(2, 1)));
        assertThrows(UnsupportedOperationException.class, () -> h.epochs().add(epoch(4, 1)));
        assertThrows(IllegalArgumentException.class, () -> epoch(0, 1));
        assertEquals(1, h.size());
        assertEquals(Metric.BITS_PER_CHARACTER, h.metric());
    }

    @Test
    void aMetricKnowsItsDirection() {
        assertTrue(Metric.ACCURACY.better(0.9, 0.8));
        assertTrue(Metric.BITS_PER_CHARACTER.better(1.5, 1.7));
        assertTrue(Metric.MSE.better(0.01, 0.1));
        assertTrue(!Metric.MSE.better(Double.NaN, 0.1) && !Metric.ACCURACY.better(Double.NaN, 0.1));
        assertThrows(IllegalArgumentException.class, () -> new Metric("f1", " ", true));
        assertThrows(IllegalArgumentException.class, () -> new History(null));
    }

    @Test
    void medianThroughputIsTheMiddleEpochsAndNeedsOne() {
        History h = new History(Metric.ACCURACY);
        assertThrows(IllegalStateException.class, h::medianSamplesPerSecond);
        double[] rates = {300, 100, 200, 900};
        for (int e = 0; e < rates.length; e++) {
            h.add(new EpochStats(e + 1, 0.5, 0.5, Double.NaN, Double.NaN, 0.01, 1, rates[e]));
        }
        assertEquals(300, h.medianSamplesPerSecond()); // sorted 100, 200, 300, 900: the upper median
    }
}

package striate.models;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import striate.data.SpamAssassin.Message;
import striate.data.SpamData.Example;

/** Naive Bayes against a posterior computed by hand from the counts. */
class NaiveBayesTest {
    private static Example example(int label, int... ids) {
        return new Example(new Message("x", label == 1 ? "spam-1" : "easy-ham-1", Path.of("x.json"), ""), ids, label);
    }

    @Test
    void thePosteriorIsLaplaceSmoothedCountsTimesThePrior() {
        // V = 4 ids (0 padding, 1 unknown, 2 "cash", 3 "meeting"); ham: 2 messages, spam: 1.
        List<Example> train = List.of(example(0, 3, 3, 0), example(0, 3, 1), example(1, 2, 2, 3));
        NaiveBayes nb = NaiveBayes.fit(train, 2, 4, 1.0);
        // Ham tokens: 3 ×3, 1 ×1 (padding skipped) = 4; spam: 2 ×2, 3 ×1 = 3; 3 words (padding is not one), so the
        // denominators are 4 + 3 and 3 + 3, and each class's word probabilities sum to 1.
        double ham = (3.0 / 5) * (1.0 / 7) * (4.0 / 7);    // prior (2+1)/(3+2), P(2|ham), P(3|ham)
        double spam = (2.0 / 5) * (3.0 / 6) * (2.0 / 6);
        double[] p = nb.probabilities(new int[] {2, 3, 0});
        assertArrayEquals(new double[] {ham / (ham + spam), spam / (ham + spam)}, p, 1e-12);
        assertEquals(1, nb.predict(new int[] {2, 2}));
        assertEquals(0, nb.predict(new int[] {3, 3}));
    }

    @Test
    void badArgumentsAreNamed() {
        assertThrows(IllegalArgumentException.class, () -> NaiveBayes.fit(List.of(), 2, 4, 1.0));
        assertThrows(IllegalArgumentException.class, () -> NaiveBayes.fit(List.of(example(0, 2)), 2, 4, 0));
    }
}

package striate.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The baseline's rule (per word, ties, unknown words) and the accuracy's notion of an unknown word. */
class MostFrequentTagTest {
    private static final List<TaggedDocument> TRAIN = List.of(
            BrownFiles.document("ca02", "The/at run/nn was/bedz long/jj ./.", "They/ppss run/vb ./."),
            BrownFiles.document("ca03", "A/at run/vb-hl to/in Town/nn-tl ./.", "Run/vb !/.", "Back/rb ./.",
                    "back/nn", "The/at back/nn ./."));

    @Test
    void eachWordGetsItsMostFrequentBaseTagTiesInCodePointOrder() {
        MostFrequentTag m = MostFrequentTag.fit(TRAIN);
        assertEquals("vb", m.predict("run"));          // vb twice (vb, vb-hl), nn once
        assertEquals("nn", m.predict("back"));
        assertEquals("rb", m.predict("Back"));         // case kept
        assertEquals("nn", m.predict("Town"));         // nn-tl is nn
        assertEquals("jj", m.predict("long"));
        assertEquals(".", m.defaultTag());             // . 6 times, nn 4, at and vb 3
        assertEquals(".", m.predict("zebra"));
        List<TaggedDocument> tie = List.of(BrownFiles.document("cb01", "x/vb x/nn y/nn y/vb z/vb"));
        assertEquals("nn", MostFrequentTag.fit(tie).predict("x"));
        assertEquals("nn", MostFrequentTag.fit(tie).predict("y"));
        assertEquals("vb", MostFrequentTag.fit(tie).defaultTag());
    }

    @Test
    void accuracyCountsUnknownWordsAsWrittenInTraining() {
        MostFrequentTag m = MostFrequentTag.fit(TRAIN);
        List<TaggedDocument> test = List.of(BrownFiles.document("ca01", "The/at run/nn Runs/vbz back/nn ./.",
                "RUN/vb"));
        TaggingAccuracy acc = m.evaluate(TRAIN, test);
        assertEquals(6, acc.tokens());
        assertEquals(3, acc.correct());                // The, back, . right; run (vb), Runs (.), RUN (.) wrong
        assertEquals(2, acc.unknownTokens());          // Runs, RUN
        assertEquals(0, acc.unknownCorrect());
        assertEquals(0.5, acc.accuracy());
        assertEquals(0.0, acc.unknownAccuracy());
        assertTrue(acc.known("Back"));
        assertFalse(acc.known("RUN"));
        assertEquals("token accuracy 0.5000 (3/6), unknown words 0.0000 (0/2)", acc.toString());
    }
}

package striate.text;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Frequent-word subsampling: a frequent word's keep probability is the tool's (√(f/(t·T)) + 1)·(t·T)/f, the draws
 * keep it at that rate, and words rarer than about t·T are always kept. The probabilities carry the tool's rounding.
 */
class SubsamplingTest {
    @Test
    void aFrequentWordIsKeptAtTheFormulasRate() {
        Map<String, Long> counts = new LinkedHashMap<>();
        counts.put(Vocab.SENTENCE_END, 1_000L);
        counts.put("the", 60_000L);
        counts.put("of", 30_000L);
        counts.put("rare", 50L);
        counts.put("filler", 8_950L);
        Vocab vocab = Vocab.of(counts, 1);
        assertEquals(100_000, vocab.totalCount());
        double t = 1e-3;
        Subsampling s = new Subsampling(vocab, t);
        int the = vocab.indexOf("the");
        double tT = t * 100_000; // 100
        double expected = (Math.sqrt(60_000 / tT) + 1) * tT / 60_000; // 0.0425
        assertEquals(expected, s.keepProbability(the), 1e-6);
        Lcg random = new Lcg(11);
        int n = 200_000;
        int kept = 0;
        for (int i = 0; i < n; i++) {
            kept += s.keep(the, random) ? 1 : 0;
        }
        double sd = Math.sqrt(expected * (1 - expected) / n);
        assertEquals(expected, kept / (double) n, 5 * sd, "keep rate of 'the' over " + n + " draws");
        int rare = vocab.indexOf("rare");
        assertTrue(s.keepProbability(rare) > 1, "a word rarer than t·T is always kept");
        for (int i = 0; i < 1000; i++) {
            assertTrue(s.keep(rare, random));
        }
    }

    @Test
    void keepProbabilitiesAreRoundedAsTheToolRoundsThem() {
        // T = 987,654, t = 1e-5. The tool computes t·T and f/(t·T) in float, the rest in double, and stores a float:
        // numpy float32 emulation of its expression gives 0x3f5d3c0a for f = 32 and 0x3c54e75c for f = 60,000; the
        // same formula all in double rounds to one bit less for both (0x3f5d3c09, 0x3c54e75b)
        Map<String, Long> counts = new LinkedHashMap<>();
        counts.put(Vocab.SENTENCE_END, 1_000L);
        counts.put("the", 60_000L);
        counts.put("filler", 926_622L);
        counts.put("w", 32L);
        Vocab vocab = Vocab.of(counts, 1);
        assertEquals(987_654, vocab.totalCount());
        Subsampling s = new Subsampling(vocab, 1e-5);
        assertEquals(0x3f5d3c0a, Float.floatToIntBits(s.keepProbability(vocab.indexOf("w"))));
        assertEquals(0x3c54e75c, Float.floatToIntBits(s.keepProbability(vocab.indexOf("the"))));
    }
}

package striate.text;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Word2vec on real text: a Brown subset (about 300k tokens, lowercased). Trained briefly, each model and loss puts
 * obviously related words (he/she, his/her, ...) closer than nearly all other frequent words; one thread
 * with one seed gives the same bits twice; several threads (Hogwild) train as well.
 */
class Word2VecTest {
    private static final String[][] RELATED = {
        {"he", "she"}, {"his", "her"}, {"two", "three"}, {"first", "second"}, {"man", "woman"}, {"is", "was"},
        {"city", "state"}, {"would", "could"}, {"four", "five"}, {"mr.", "mrs."}};

    @TempDir
    static Path tmp;

    private static Corpus corpus;

    @BeforeAll
    static void read() throws IOException {
        corpus = Corpus.read(BrownText.write(tmp.resolve("brown.txt"), 300_000), 5);
    }

    private static Word2Vec.Options quick(Word2Vec.Model model, Word2Vec.Loss loss) {
        return Word2Vec.Options.defaults(model, loss).withSize(50).withIter(3).withTableSize(1_000_000);
    }

    /**
     * For each related pair (a, b): the share of the words seen 20 times or more (but a and b) that are less similar
     * to a than b is; the mean over the pairs. Random vectors score about 0.5. A rank rather than a raw cosine, since
     * briefly trained vectors share a common direction that lifts every pair's cosine alike.
     */
    private static double relatedRank(WordVectors v) {
        int frequent = 0;
        while (frequent < corpus.vocab().size() && corpus.vocab().count(frequent) >= 20) {
            frequent++;
        }
        double sum = 0;
        for (String[] p : RELATED) {
            int a = v.indexOf(p[0]);
            int b = v.indexOf(p[1]);
            double related = cosine(v, a, b);
            int below = 0;
            int others = 0;
            for (int w = 1; w < frequent; w++) {
                if (w != a && w != b) {
                    others++;
                    below += cosine(v, a, w) < related ? 1 : 0;
                }
            }
            sum += below / (double) others;
        }
        return sum / RELATED.length;
    }

    private static double cosine(WordVectors v, int a, int b) {
        assertTrue(a >= 0 && b >= 0, "a related word is missing from the vocabulary");
        float[] x = v.vector(a);
        float[] y = v.vector(b);
        double xy = 0;
        double xx = 0;
        double yy = 0;
        for (int j = 0; j < x.length; j++) {
            xy += x[j] * y[j];
            xx += x[j] * x[j];
            yy += y[j] * y[j];
        }
        return xy / Math.sqrt(xx * yy);
    }

    private static void assertRelatedCloser(Word2Vec.Options o) {
        Word2Vec.Result r = Word2Vec.train(corpus, o, (a, p, s) -> { });
        double rank = relatedRank(r.vectors());
        System.out.printf("%s/%s: related pairs' rank %.3f, %.0f words/s/thread%n", o.model().label(),
                o.loss().label(), rank, r.wordsPerThreadPerSecond());
        assertTrue(rank > 0.8, o.model().label() + "/" + o.loss().label() + ": the related words should be closer "
                + "than 80% of the others, on average; they are closer than " + rank);
    }

    @Test
    void theSubsetIsWhatTheTestsExpect() {
        assertTrue(corpus.rawTokens() > 300_000 && corpus.rawTokens() < 320_000, "tokens: " + corpus.rawTokens());
        assertEquals("</s>", corpus.vocab().word(0));
        assertEquals("the", corpus.vocab().word(1));
        assertEquals(corpus.trainWords(), corpus.vocab().totalCount());
    }

    @Test
    void cbowWithNegativeSamplingPutsRelatedWordsCloser() {
        assertRelatedCloser(quick(Word2Vec.Model.CBOW, Word2Vec.Loss.NS));
    }

    @Test
    void cbowWithHierarchicalSoftmaxPutsRelatedWordsCloser() {
        assertRelatedCloser(quick(Word2Vec.Model.CBOW, Word2Vec.Loss.HS));
    }

    @Test
    void skipGramWithNegativeSamplingPutsRelatedWordsCloser() {
        assertRelatedCloser(quick(Word2Vec.Model.SKIPGRAM, Word2Vec.Loss.NS).withIter(3));
    }

    @Test
    void skipGramWithHierarchicalSoftmaxOnTwoThreadsPutsRelatedWordsCloser() {
        assertRelatedCloser(quick(Word2Vec.Model.SKIPGRAM, Word2Vec.Loss.HS).withIter(3).withThreads(2));
    }

    @Test
    void oneThreadAndOneSeedGiveTheSameBitsTwice() {
        Word2Vec.Options o = quick(Word2Vec.Model.CBOW, Word2Vec.Loss.NS).withIter(1);
        float[] first = Word2Vec.train(corpus, o, (a, p, s) -> { }).vectors().values();
        float[] second = Word2Vec.train(corpus, o, (a, p, s) -> { }).vectors().values();
        float[] otherSeed = Word2Vec.train(corpus, o.withSeed(2), (a, p, s) -> { }).vectors().values();
        assertArrayEquals(first, second);
        assertFalse(Arrays.equals(first, otherSeed), "another seed should give other vectors");
    }

    @Test
    void progressReachesTheEndAndTheRateDecays() {
        double[] last = new double[2];
        Word2Vec.Result r = Word2Vec.train(corpus, quick(Word2Vec.Model.CBOW, Word2Vec.Loss.NS).withIter(1),
                (a, p, s) -> {
                    last[0] = a;
                    last[1] = p;
                });
        assertEquals(corpus.trainWords(), r.words());
        assertEquals(1.0, last[1]);
        assertEquals(0.05f * 1e-4f, (float) last[0], 1e-9f, "the rate ends at its floor, alpha · 1e-4");
    }
}

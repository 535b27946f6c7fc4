package striate.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import striate.data.TagSet;
import striate.data.TaggedDocument;
import striate.data.TaggedSentence;
import striate.data.TaggingDataset;
import striate.data.Vocabulary;
import striate.models.BiLstmTagger;
import striate.tensor.Device;
import striate.tensor.Tensor;

/**
 * The tagger's evaluation counts every token once, in the confusion matrix and in token and unknown-word accuracy,
 * exactly as the model's own argmax over each sentence alone, whatever the batching; the per-tag and confusion
 * lists are ordered by count.
 */
class TaggingEvaluationTest {
    private static final Device REF = Device.reference();

    private static TaggedDocument document(String name, String... sentences) {
        List<TaggedSentence> out = new ArrayList<>();
        for (String line : sentences) {
            List<String> words = new ArrayList<>();
            List<String> tags = new ArrayList<>();
            for (String token : line.split(" ")) {
                words.add(token.substring(0, token.lastIndexOf('/')));
                tags.add(token.substring(token.lastIndexOf('/') + 1));
            }
            out.add(new TaggedSentence(words, tags));
        }
        return new TaggedDocument(name, name.charAt(1), out);
    }

    @Test
    void everyTokenIsCountedAsTheModelTagsItsSentenceAlone() {
        TaggedDocument train = document("ca01", "The/at jury/nn said/vbd ./.", "The/at jury/nn ran/vbd ./.");
        TaggedDocument test = document("ca02", "The/at dog/nn said/vbd it/pps ran/vbd ./.", "A/at jury/nn ./.",
                "Fulton/np-tl said/vbd");
        TagSet tags = TagSet.brown(List.of(train, test));
        Vocabulary words = Vocabulary.build(Vocabulary.words(List.of(train)), 1, false);
        TaggingDataset data = TaggingDataset.of(List.of(test), words, tags);
        BiLstmTagger tagger = new BiLstmTagger(new BiLstmTagger.Config(words.size(), tags.size(), 4, 3, 0.5), 5);

        TaggingEvaluation e = TaggingEvaluation.of(tagger, data, List.of(train), tags.size(), REF, 2);
        assertTrue(tagger.isTraining(), "the module's mode is restored");
        assertEquals(3, e.sentences());
        assertEquals(11, e.accuracy().tokens());
        assertEquals(4, e.accuracy().unknownTokens(), "dog, it, A and Fulton never occur in training");
        long right = 0;
        long[][] expected = new long[tags.size()][tags.size()];
        tagger.eval();
        for (int i = 0; i < data.size(); i++) {
            int[] ids = data.input(i);
            Tensor logits = tagger.forward(Tensor.ofInts(REF, ids, 1, ids.length));
            int[] predicted = Metrics.argmax(logits.reshape(ids.length, tags.size()));
            int[] gold = data.target(i);
            for (int p = 0; p < ids.length; p++) {
                expected[gold[p]][predicted[p]]++;
                right += gold[p] == predicted[p] ? 1 : 0;
            }
        }
        assertEquals(right, e.accuracy().correct());
        for (int g = 0; g < expected.length; g++) {
            for (int p = 0; p < expected.length; p++) {
                assertEquals(expected[g][p], e.confusion()[g][p], "gold " + g + ", predicted " + p);
            }
        }
    }

    @Test
    void tagsAndConfusionsAreListedByCount() {
        long[][] m = {
                {30, 0, 0},
                {2, 45, 3},
                {0, 4, 6}};
        TaggingEvaluation e = new TaggingEvaluation(null, m, 10, 1);
        assertEquals(List.of(new TaggingEvaluation.TagAccuracy(1, 50, 45), new TaggingEvaluation.TagAccuracy(0, 30, 30)),
                e.mostFrequentTags(2));
        assertEquals(0.9, e.mostFrequentTags(1).getFirst().accuracy(), 1e-12);
        assertEquals(List.of(new TaggingEvaluation.Confusion(2, 1, 4), new TaggingEvaluation.Confusion(1, 2, 3),
                new TaggingEvaluation.Confusion(1, 0, 2)), e.topConfusions(5));
        assertEquals(10, e.sentencesPerSecond(), 1e-12);
    }
}

package striate.data;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Token accuracy of a tagger, overall and on unknown words: tokens whose word, exactly as written (case kept),
 * never occurs in the training documents. The definition ignores the vocabulary's min-count and lowercase
 * options, so every tagger and the baseline are scored on the same unknown tokens. Add one token at a time.
 */
public final class TaggingAccuracy {
    private final Set<String> trainingWords;
    private long tokens;
    private long correct;
    private long unknownTokens;
    private long unknownCorrect;

    /** An empty count, with the words of {@code training} as the known words. */
    public TaggingAccuracy(List<TaggedDocument> training) {
        this.trainingWords = new HashSet<>(Vocabulary.words(training));
    }

    /** Counts one token: its word and whether the tagger's tag was right. */
    public void add(String word, boolean right) {
        tokens++;
        boolean unknown = !trainingWords.contains(word);
        if (right) {
            correct++;
        }
        if (unknown) {
            unknownTokens++;
            if (right) {
                unknownCorrect++;
            }
        }
    }

    public boolean known(String word) {
        return trainingWords.contains(word);
    }

    public long tokens() {
        return tokens;
    }

    public long correct() {
        return correct;
    }

    public long unknownTokens() {
        return unknownTokens;
    }

    public long unknownCorrect() {
        return unknownCorrect;
    }

    /** Correct tokens / tokens (NaN before any token). */
    public double accuracy() {
        return (double) correct / tokens;
    }

    /** Correct unknown tokens / unknown tokens (NaN when there were none). */
    public double unknownAccuracy() {
        return (double) unknownCorrect / unknownTokens;
    }

    @Override
    public String toString() {
        return String.format("token accuracy %.4f (%d/%d), unknown words %.4f (%d/%d)", accuracy(), correct, tokens,
                unknownAccuracy(), unknownCorrect, unknownTokens);
    }
}

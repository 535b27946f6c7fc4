package striate.data;

import java.util.List;

/** One sentence of a tagged corpus: its words and their raw tags, position by position (same length, >= 1). */
public record TaggedSentence(List<String> words, List<String> tags) {

    public TaggedSentence {
        if (words.size() != tags.size() || words.isEmpty()) {
            throw new IllegalArgumentException("a tagged sentence needs one tag per word and at least one word, got "
                    + words.size() + " words and " + tags.size() + " tags");
        }
        words = List.copyOf(words);
        tags = List.copyOf(tags);
    }

    public int size() {
        return words.size();
    }

    /** The words joined by single spaces: the sentence's raw text. */
    public String text() {
        return String.join(" ", words);
    }
}

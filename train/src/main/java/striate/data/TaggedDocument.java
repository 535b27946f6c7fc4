package striate.data;

import java.util.List;

/**
 * One text of a tagged corpus: its file name ({@code ca01}), its category (the letter after 'c' in Brown's
 * names: 'a' press reportage ... 'r' humor) and its sentences in order.
 */
public record TaggedDocument(String name, char category, List<TaggedSentence> sentences) {

    public TaggedDocument {
        sentences = List.copyOf(sentences);
    }

    /** Tokens in all sentences. */
    public int tokens() {
        return sentences.stream().mapToInt(TaggedSentence::size).sum();
    }

    /** The raw text, tags removed: each sentence's words joined by one space, each sentence followed by '\n'. */
    public String text() {
        StringBuilder s = new StringBuilder();
        for (TaggedSentence sentence : sentences) {
            s.append(sentence.text()).append('\n');
        }
        return s.toString();
    }

    /** The raw texts of these documents, concatenated in the given order. */
    public static String text(List<TaggedDocument> documents) {
        StringBuilder s = new StringBuilder();
        for (TaggedDocument d : documents) {
            s.append(d.text());
        }
        return s.toString();
    }
}

package striate.text;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The words a corpus keeps, with their counts, ordered as the original tool orders them: the sentence end
 * {@code </s>} (one per newline) first whatever its count, then the words seen at least min-count times by
 * descending count, ties in order of first appearance (the tool leaves ties to the C library's qsort; we fix them).
 * Word ids are positions in this order, so id 0 is {@code </s>} and frequent words have small ids.
 */
public final class Vocab {
    /** The token a newline becomes, as in the original tool. */
    public static final String SENTENCE_END = "</s>";

    private final List<String> words;
    private final long[] counts; // [size]
    private final Map<String, Integer> ids;
    private final long totalCount;

    private Vocab(List<String> words, long[] counts) {
        this.words = List.copyOf(words);
        this.counts = counts;
        this.ids = new HashMap<>(words.size() * 2);
        long total = 0;
        for (int i = 0; i < counts.length; i++) {
            ids.put(words.get(i), i);
            total += counts[i];
        }
        this.totalCount = total;
    }

    /**
     * The vocabulary of {@code counts} (word to count, in order of first appearance, {@link #SENTENCE_END} among
     * them or not): {@code </s>} first, then the words with a count of at least {@code minCount}, most frequent
     * first.
     */
    public static Vocab of(Map<String, Long> counts, int minCount) {
        List<Map.Entry<String, Long>> kept = new ArrayList<>();
        for (Map.Entry<String, Long> e : counts.entrySet()) {
            if (!e.getKey().equals(SENTENCE_END) && e.getValue() >= minCount) {
                kept.add(e);
            }
        }
        kept.sort((a, b) -> Long.compare(b.getValue(), a.getValue())); // List.sort is stable
        List<String> words = new ArrayList<>(kept.size() + 1);
        long[] c = new long[kept.size() + 1];
        words.add(SENTENCE_END);
        c[0] = counts.getOrDefault(SENTENCE_END, 0L);
        for (int i = 0; i < kept.size(); i++) {
            words.add(kept.get(i).getKey());
            c[i + 1] = kept.get(i).getValue();
        }
        return new Vocab(words, c);
    }

    /** Words, {@code </s>} included. */
    public int size() {
        return counts.length;
    }

    public String word(int id) {
        return words.get(id);
    }

    public long count(int id) {
        return counts[id];
    }

    /** The word's id, or -1 when the vocabulary does not hold it. */
    public int indexOf(String word) {
        Integer id = ids.get(word);
        return id == null ? -1 : id;
    }

    /** The words in id order. */
    public List<String> words() {
        return words;
    }

    /** The counts in id order (a copy). */
    public long[] counts() {
        return counts.clone();
    }

    /** The sum of all counts: the tokens of the corpus the vocabulary keeps, sentence ends included. */
    public long totalCount() {
        return totalCount;
    }
}

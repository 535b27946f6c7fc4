package striate.data;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Word ids for an embedding: {@link #PAD} = 0 ({@code <pad>}, what padded positions hold), {@link #UNK} = 1
 * ({@code <unk>}, every word outside the vocabulary), then the words seen at least {@code minCount} times in the
 * training text, by count descending, ties by the word's code points. With {@code lowercase}, words are lowercased
 * (Locale.ROOT) both when counting and when looking up. Built on training documents only, so held-out words are
 * unknown as they would be for a user.
 */
public final class Vocabulary {
    public static final int PAD = 0;
    public static final int UNK = 1;
    public static final String PAD_TOKEN = "<pad>";
    public static final String UNK_TOKEN = "<unk>";

    private final List<String> tokens;
    private final Map<String, Integer> ids;
    private final boolean lowercase;
    private final int minCount;

    private Vocabulary(List<String> tokens, boolean lowercase, int minCount) {
        this.tokens = List.copyOf(tokens);
        this.ids = new HashMap<>();
        for (int i = 0; i < this.tokens.size(); i++) {
            ids.put(this.tokens.get(i), i);
        }
        this.lowercase = lowercase;
        this.minCount = minCount;
    }

    /** The vocabulary of {@code words} (the training text, one entry per occurrence). */
    public static Vocabulary build(Iterable<String> words, int minCount, boolean lowercase) {
        if (minCount < 1) {
            throw new IllegalArgumentException("minCount must be >= 1, got " + minCount);
        }
        Map<String, Integer> counts = new HashMap<>();
        for (String w : words) {
            counts.merge(lowercase ? w.toLowerCase(Locale.ROOT) : w, 1, Integer::sum);
        }
        List<String> kept = new ArrayList<>();
        counts.forEach((w, c) -> {
            if (c >= minCount) {
                kept.add(w);
            }
        });
        kept.sort(Comparator.<String>comparingInt(counts::get).reversed().thenComparing(Vocabulary::byCodePoints));
        List<String> tokens = new ArrayList<>(List.of(PAD_TOKEN, UNK_TOKEN));
        tokens.addAll(kept);
        return new Vocabulary(tokens, lowercase, minCount);
    }

    /**
     * The vocabulary with exactly these tokens as ids 0, 1, ... (what {@link #tokens} returned, for a checkpoint);
     * ids 0 and 1 must be {@code <pad>} and {@code <unk>}.
     */
    public static Vocabulary of(List<String> tokens, int minCount, boolean lowercase) {
        if (tokens.size() < 2 || !tokens.get(PAD).equals(PAD_TOKEN) || !tokens.get(UNK).equals(UNK_TOKEN)) {
            throw new IllegalArgumentException("a vocabulary's ids 0 and 1 are " + PAD_TOKEN + " and " + UNK_TOKEN
                    + ", got " + tokens.subList(0, Math.min(2, tokens.size())));
        }
        if (tokens.stream().distinct().count() != tokens.size()) {
            throw new IllegalArgumentException("a vocabulary's tokens must be distinct");
        }
        return new Vocabulary(tokens, lowercase, minCount);
    }

    /** The words of every sentence of these documents, one entry per occurrence. */
    public static List<String> words(List<TaggedDocument> documents) {
        List<String> words = new ArrayList<>();
        for (TaggedDocument d : documents) {
            for (TaggedSentence s : d.sentences()) {
                words.addAll(s.words());
            }
        }
        return words;
    }

    /** Ids in use, PAD and UNK included: the embedding's number of rows. */
    public int size() {
        return tokens.size();
    }

    /** The id of {@code word}, {@link #UNK} when it is not in the vocabulary. */
    public int id(String word) {
        return ids.getOrDefault(lowercase ? word.toLowerCase(Locale.ROOT) : word, UNK);
    }

    /** The ids of these words. */
    public int[] ids(List<String> words) {
        int[] out = new int[words.size()];
        for (int k = 0; k < out.length; k++) {
            out[k] = id(words.get(k));
        }
        return out;
    }

    public boolean contains(String word) {
        return id(word) != UNK;
    }

    /** The word with id {@code id} ({@code <pad>}, {@code <unk>} for 0 and 1). */
    public String token(int id) {
        if (id < 0 || id >= tokens.size()) {
            throw new IndexOutOfBoundsException("word id " + id + " is outside the vocabulary's [0, " + tokens.size()
                    + ")");
        }
        return tokens.get(id);
    }

    /** The tokens by id, {@code <pad>} and {@code <unk>} first. */
    public List<String> tokens() {
        return tokens;
    }

    public boolean lowercase() {
        return lowercase;
    }

    public int minCount() {
        return minCount;
    }

    /** Orders strings by code point, as Python's sorted() does (String.compareTo orders UTF-16 units). */
    static int byCodePoints(String a, String b) {
        return Arrays.compare(a.codePoints().toArray(), b.codePoints().toArray());
    }
}

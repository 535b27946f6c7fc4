package striate.data;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * Character ids for a character-level language model: {@link #UNKNOWN} = 0, then every character (Unicode code
 * point) of the training text, sorted. Data is encoded leniently: a character outside the vocabulary becomes
 * UNKNOWN, which the model never sees in training, so held-out text with such a character pays for it in bits per
 * character. A prompt is encoded strictly: a character outside the vocabulary is an error naming it and its index,
 * since the model cannot be conditioned on it.
 */
public final class CharVocabulary {
    public static final int UNKNOWN = 0;
    /** What {@link #decode} writes for {@link #UNKNOWN}. */
    public static final int REPLACEMENT = 0xFFFD;

    private final int[] chars;
    private final Map<Integer, Integer> ids = new HashMap<>();

    private CharVocabulary(int[] chars) {
        this.chars = chars;
        for (int i = 1; i < chars.length; i++) {
            ids.put(chars[i], i);
        }
    }

    /** The vocabulary of the characters of {@code trainingText}. */
    public static CharVocabulary build(CharSequence trainingText) {
        int[] distinct = trainingText.codePoints().distinct().sorted().toArray();
        int[] chars = new int[distinct.length + 1];
        chars[UNKNOWN] = REPLACEMENT;
        System.arraycopy(distinct, 0, chars, 1, distinct.length);
        return new CharVocabulary(chars);
    }

    /** The vocabulary with these characters by id (what {@link #chars} returned, for a checkpoint). */
    public static CharVocabulary of(int[] chars) {
        if (chars.length < 1 || chars[UNKNOWN] != REPLACEMENT) {
            throw new IllegalArgumentException("a character vocabulary's id 0 is U+FFFD (unknown)");
        }
        for (int k = 2; k < chars.length; k++) {
            if (chars[k] <= chars[k - 1]) {
                throw new IllegalArgumentException("a character vocabulary's characters must be distinct and sorted; "
                        + "U+" + String.format("%04X", chars[k]) + " at id " + k + " is not");
            }
        }
        return new CharVocabulary(chars.clone());
    }

    /** Ids in use, UNKNOWN included: the model's input and output size. */
    public int size() {
        return chars.length;
    }

    /** The ids of {@code text}'s characters; characters outside the vocabulary become {@link #UNKNOWN}. */
    public int[] encode(CharSequence text) {
        return text.codePoints().map(c -> ids.getOrDefault(c, UNKNOWN)).toArray();
    }

    /** The ids of a prompt; a character outside the vocabulary is an error naming it and its index. */
    public int[] encodePrompt(String prompt) {
        int[] cps = prompt.codePoints().toArray();
        int[] out = new int[cps.length];
        for (int k = 0; k < cps.length; k++) {
            Integer id = ids.get(cps[k]);
            if (id == null) {
                throw new IllegalArgumentException("prompt character '" + Character.toString(cps[k]) + "' (U+"
                        + String.format("%04X", cps[k]) + ") at index " + k + " is not in the model's character "
                        + "vocabulary (" + (chars.length - 1) + " characters of its training text); leave it out");
            }
            out[k] = id;
        }
        return out;
    }

    /** The text of these ids; {@link #UNKNOWN} decodes to U+FFFD. */
    public String decode(int[] ids) {
        StringBuilder s = new StringBuilder();
        for (int id : ids) {
            if (id < 0 || id >= chars.length) {
                throw new IndexOutOfBoundsException("character id " + id + " is outside the vocabulary's [0, "
                        + chars.length + ")");
            }
            s.appendCodePoint(chars[id]);
        }
        return s.toString();
    }

    /** True if {@code codePoint} has an id of its own. */
    public boolean contains(int codePoint) {
        return ids.containsKey(codePoint);
    }

    /** The vocabulary's characters by id, id 0 being U+FFFD for UNKNOWN (for checkpoints). */
    public int[] chars() {
        return Arrays.copyOf(chars, chars.length);
    }
}

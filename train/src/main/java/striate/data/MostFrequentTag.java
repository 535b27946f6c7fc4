package striate.data;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The most-frequent-tag baseline for part-of-speech tagging: each word, as written, gets the base tag it has most
 * often in the training documents (ties: the tag first in code-point order); a word never seen in training gets
 * the most frequent base tag of the training documents overall ({@code nn} on Brown). The number a tagger must
 * beat, scored by {@link #evaluate} as {@link TaggingAccuracy}.
 */
public final class MostFrequentTag {
    private final Map<String, String> tagOf;
    private final String defaultTag;

    private MostFrequentTag(Map<String, String> tagOf, String defaultTag) {
        this.tagOf = tagOf;
        this.defaultTag = defaultTag;
    }

    /** The baseline learned from these documents. */
    public static MostFrequentTag fit(List<TaggedDocument> training) {
        Map<String, Map<String, Integer>> counts = new HashMap<>();
        Map<String, Integer> overall = new HashMap<>();
        for (TaggedDocument d : training) {
            for (TaggedSentence s : d.sentences()) {
                for (int k = 0; k < s.size(); k++) {
                    String tag = BrownTags.base(s.tags().get(k));
                    counts.computeIfAbsent(s.words().get(k), w -> new HashMap<>()).merge(tag, 1, Integer::sum);
                    overall.merge(tag, 1, Integer::sum);
                }
            }
        }
        if (overall.isEmpty()) {
            throw new IllegalArgumentException("the most-frequent-tag baseline needs at least one training token");
        }
        Map<String, String> tagOf = new HashMap<>();
        counts.forEach((w, c) -> tagOf.put(w, mostFrequent(c)));
        return new MostFrequentTag(tagOf, mostFrequent(overall));
    }

    /** The tag for {@code word}. */
    public String predict(String word) {
        return tagOf.getOrDefault(word, defaultTag);
    }

    /** The tag every unknown word gets. */
    public String defaultTag() {
        return defaultTag;
    }

    /** The baseline's accuracy on every token of {@code test}, unknown words as seen from {@code training}. */
    public TaggingAccuracy evaluate(List<TaggedDocument> training, List<TaggedDocument> test) {
        TaggingAccuracy acc = new TaggingAccuracy(training);
        for (TaggedDocument d : test) {
            for (TaggedSentence s : d.sentences()) {
                for (int k = 0; k < s.size(); k++) {
                    String word = s.words().get(k);
                    acc.add(word, predict(word).equals(BrownTags.base(s.tags().get(k))));
                }
            }
        }
        return acc;
    }

    private static String mostFrequent(Map<String, Integer> counts) {
        String best = null;
        int bestCount = 0;
        for (Map.Entry<String, Integer> e : counts.entrySet()) {
            int c = e.getValue();
            if (c > bestCount || c == bestCount && Vocabulary.byCodePoints(e.getKey(), best) < 0) {
                best = e.getKey();
                bestCount = c;
            }
        }
        return best;
    }
}

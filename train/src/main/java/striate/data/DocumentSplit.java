package striate.data;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Whole documents held out, stratified by category with a fixed rule (no random draw, so any implementation
 * reproduces it): within each category, documents in name order, the k-th (k from 0) goes to test when
 * {@code k % 10 == 0}, to validation when {@code k % 10 == 5}, to training otherwise. Every category has at least
 * one test and one validation document; on Brown's 500 texts: 395 train, 51 validation, 54 test. Each part lists
 * its documents in name order.
 */
public record DocumentSplit(List<TaggedDocument> train, List<TaggedDocument> validation, List<TaggedDocument> test) {
    /** One document in this many (per category) goes to test, and one to validation. */
    public static final int EVERY = 10;
    public static final int TEST_OFFSET = 0;
    public static final int VALIDATION_OFFSET = 5;

    public DocumentSplit {
        train = List.copyOf(train);
        validation = List.copyOf(validation);
        test = List.copyOf(test);
    }

    public static DocumentSplit of(List<TaggedDocument> documents) {
        Map<Character, List<TaggedDocument>> byCategory = new TreeMap<>();
        documents.stream().sorted(Comparator.comparing(TaggedDocument::name))
                .forEach(d -> byCategory.computeIfAbsent(d.category(), c -> new ArrayList<>()).add(d));
        List<TaggedDocument> train = new ArrayList<>();
        List<TaggedDocument> validation = new ArrayList<>();
        List<TaggedDocument> test = new ArrayList<>();
        for (List<TaggedDocument> docs : byCategory.values()) {
            for (int k = 0; k < docs.size(); k++) {
                int r = k % EVERY;
                (r == TEST_OFFSET ? test : r == VALIDATION_OFFSET ? validation : train).add(docs.get(k));
            }
        }
        Comparator<TaggedDocument> byName = Comparator.comparing(TaggedDocument::name);
        train.sort(byName);
        validation.sort(byName);
        test.sort(byName);
        return new DocumentSplit(train, validation, test);
    }
}

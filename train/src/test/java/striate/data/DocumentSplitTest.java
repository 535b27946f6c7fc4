package striate.data;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The fixed, stratified document split on a made-up corpus of known category sizes. */
class DocumentSplitTest {

    private static List<TaggedDocument> corpus(char category, int n) {
        List<TaggedDocument> docs = new ArrayList<>();
        for (int k = 1; k <= n; k++) {
            docs.add(BrownFiles.document(String.format("c%c%02d", category, k), "w/nn"));
        }
        return docs;
    }

    private static List<String> names(List<TaggedDocument> docs) {
        return docs.stream().map(TaggedDocument::name).toList();
    }

    @Test
    void everyTenthDocumentOfEachCategoryIsTestAndEveryTenthFromTheSixthIsValidation() {
        List<TaggedDocument> all = new ArrayList<>(corpus('a', 23));
        all.addAll(corpus('m', 6));
        all.addAll(corpus('r', 3));
        Collections.shuffle(all, new Random(7));   // the split must not depend on the given order
        DocumentSplit s = DocumentSplit.of(all);
        assertEquals(List.of("ca01", "ca11", "ca21", "cm01", "cr01"), names(s.test()));
        assertEquals(List.of("ca06", "ca16", "cm06"), names(s.validation()));
        assertEquals(32 - 5 - 3, s.train().size());
        List<String> train = names(s.train());
        assertEquals(train.stream().sorted().toList(), train);
        assertEquals(List.of("ca02", "ca03", "ca04", "ca05", "ca07"), train.subList(0, 5));
    }
}

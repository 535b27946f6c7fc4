package striate.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Word ids (padding, unknown, min count, order, lowercase) and the tag set. */
class VocabularyTest {
    private static final List<String> TEXT = List.of("the", "cat", "The", "sat", "on", "the", "mat", "the", "cat",
            "sat", "The", "b", "a");

    @Test
    void padAndUnknownFirstThenByCountWithTiesInCodePointOrder() {
        Vocabulary v = Vocabulary.build(TEXT, 1, false);
        assertEquals(List.of("<pad>", "<unk>", "the", "The", "cat", "sat", "a", "b", "mat", "on"), v.tokens());
        assertEquals(10, v.size());
        assertEquals(Vocabulary.PAD, v.id("<pad>"));
        assertEquals(2, v.id("the"));
        assertEquals(3, v.id("The"));
        assertEquals(Vocabulary.UNK, v.id("dog"));
        assertFalse(v.contains("dog"));
        assertArrayEquals(new int[] {2, 4, 1}, v.ids(List.of("the", "cat", "dog")));
        assertEquals("cat", v.token(4));
        assertThrows(IndexOutOfBoundsException.class, () -> v.token(10));
    }

    @Test
    void minCountSendsRareWordsToUnknown() {
        Vocabulary v = Vocabulary.build(TEXT, 2, false);
        assertEquals(List.of("<pad>", "<unk>", "the", "The", "cat", "sat"), v.tokens());
        assertEquals(Vocabulary.UNK, v.id("mat"));
        assertEquals(2, v.minCount());
        assertThrows(IllegalArgumentException.class, () -> Vocabulary.build(TEXT, 0, false));
    }

    @Test
    void lowercaseFoldsBothCountingAndLookup() {
        Vocabulary v = Vocabulary.build(TEXT, 2, true);
        assertEquals(List.of("<pad>", "<unk>", "the", "cat", "sat"), v.tokens());
        assertEquals(2, v.id("THE"));
        assertTrue(v.lowercase());
    }

    @Test
    void restoredFromItsTokensItGivesTheSameIds() {
        Vocabulary v = Vocabulary.build(TEXT, 1, true);
        Vocabulary w = Vocabulary.of(v.tokens(), v.minCount(), v.lowercase());
        for (String word : List.of("the", "Cat", "mat", "zebra")) {
            assertEquals(v.id(word), w.id(word), word);
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Vocabulary.of(List.of("the", "<unk>"), 1, false));
        assertTrue(e.getMessage().contains("ids 0 and 1 are <pad> and <unk>"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Vocabulary.of(List.of("<pad>", "<unk>", "a", "a"), 1,
                false));
    }

    @Test
    void tagSetIsSortedWithAnErrorForATagOutsideIt() {
        TagSet tags = TagSet.of(List.of("nn", "at", "nn", "``", "vb"));
        assertEquals(List.of("``", "at", "nn", "vb"), tags.tags());
        assertEquals(2, tags.id("nn"));
        assertEquals("vb", tags.tag(3));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> tags.id("jj"));
        assertEquals("tag 'jj' is not in the tag set (4 tags)", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> TagSet.of(List.of()));
    }

    @Test
    void brownTagSetHoldsBaseTagsOfAllDocuments() {
        TagSet tags = TagSet.brown(List.of(BrownFiles.document("ca01", "The/at Jury/nn-tl said/vbd"),
                BrownFiles.document("cb01", "it's/pps+bez not/* le/fw-at")));
        assertEquals(List.of("*", "at", "nn", "pps+bez", "vbd"), tags.tags());
    }
}

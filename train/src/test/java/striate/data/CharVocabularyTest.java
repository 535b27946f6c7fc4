package striate.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Character ids: unknown characters in data become UNKNOWN, in a prompt they are an error. */
class CharVocabularyTest {
    private static final CharVocabulary V = CharVocabulary.build("The jury said.\n");

    @Test
    void idsAreUnknownThenTheTrainingCharactersSorted() {
        assertEquals(15, V.size());
        assertArrayEquals(new int[] {0xFFFD, '\n', ' ', '.', 'T', 'a', 'd', 'e', 'h', 'i', 'j', 'r', 's', 'u', 'y'},
                V.chars());
    }

    @Test
    void dataOutsideTheVocabularyBecomesUnknownAndDecodesToTheReplacementCharacter() {
        int[] ids = V.encode("The jury!");
        assertEquals(9, ids.length);
        assertEquals(CharVocabulary.UNKNOWN, ids[8]);
        assertEquals(4, ids[0]);
        assertEquals("The jury\uFFFD", V.decode(ids));
        assertThrows(IndexOutOfBoundsException.class, () -> V.decode(new int[] {V.size()}));
    }

    @Test
    void promptOutsideTheVocabularyIsAnErrorNamingTheCharacterAndIndex() {
        assertArrayEquals(V.encode("The jury"), V.encodePrompt("The jury"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> V.encodePrompt("The Jüry"));
        assertTrue(e.getMessage().startsWith("prompt character 'J' (U+004A) at index 4 is not in the model's"
                + " character vocabulary (14 characters"), e.getMessage());
    }

    @Test
    void restoredFromItsCharactersItGivesTheSameIds() {
        CharVocabulary w = CharVocabulary.of(V.chars());
        assertArrayEquals(V.encode("say the jury, Ted"), w.encode("say the jury, Ted"));
        assertThrows(IllegalArgumentException.class, () -> CharVocabulary.of(new int[] {'a', 'b'}));
        assertThrows(IllegalArgumentException.class, () -> CharVocabulary.of(new int[] {0xFFFD, 'b', 'a'}));
    }
}

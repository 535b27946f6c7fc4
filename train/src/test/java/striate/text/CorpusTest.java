package striate.text;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import striate.data.DataFileException;

/**
 * Reading a corpus as the tool does: words split on spaces, tabs and newlines, carriage returns dropped, each
 * newline a {@code </s>}; the vocabulary {@code </s>} first, then by descending count with ties in order of first
 * appearance, words under min-count left out of both the vocabulary and the tokens; a folder is its files in name
 * order. An empty corpus, or one where min-count keeps nothing, is one line saying what to do.
 */
class CorpusTest {
    @TempDir
    Path tmp;

    @Test
    void splitsCountsAndOrdersAsTheTool() throws IOException {
        Path file = Files.writeString(tmp.resolve("c.txt"), "b a\tc a\r\n\nc  b a d\nz b");
        Corpus c = Corpus.read(file, 2);
        // counts: a 3, b 3, c 2, d 1, z 1, </s> 3; a and b tie and keep their first-appearance order b, a
        assertEquals(List.of("</s>", "b", "a", "c"), c.vocab().words());
        assertArrayEquals(new long[] {3, 3, 3, 2}, c.vocab().counts());
        assertArrayEquals(new int[] {1, 2, 3, 2, 0, 0, 3, 1, 2, 0, 1}, c.tokens());
        assertEquals(11, c.trainWords());
        assertEquals(13, c.rawTokens(), "10 words and 3 newlines, before min-count");
        assertEquals(-1, c.vocab().indexOf("d"));
    }

    @Test
    void aFolderIsItsFilesInNameOrderEachSplitOnItsOwn() throws IOException {
        Path dir = Files.createDirectory(tmp.resolve("corpus"));
        Files.writeString(dir.resolve("2.txt"), "y x");
        Files.writeString(dir.resolve("1.txt"), "x y\nx");
        Files.createDirectory(dir.resolve("sub"));
        Corpus c = Corpus.read(dir, 1);
        assertEquals(List.of("</s>", "x", "y"), c.vocab().words());
        assertArrayEquals(new int[] {1, 2, 0, 1, 2, 1}, c.tokens(), "'x' ending 1.txt and 'y' starting 2.txt stay two "
                + "words");
    }

    @Test
    void anEmptyCorpusIsOneLine() throws IOException {
        Path empty = Files.writeString(tmp.resolve("empty.txt"), " \n\t\n");
        DataFileException e = assertThrows(DataFileException.class, () -> Corpus.read(empty, 5));
        assertEquals(empty + ": holds no words (the file is empty or blank); give text with words separated by spaces "
                + "and newlines", e.getMessage());
        Path dir = Files.createDirectory(tmp.resolve("none"));
        e = assertThrows(DataFileException.class, () -> Corpus.read(dir, 5));
        assertEquals(dir + ": is a folder without files; give a text file or a folder of text files", e.getMessage(),
                "not wrapped as a listing failure");
        e = assertThrows(DataFileException.class, () -> Corpus.read(tmp.resolve("missing"), 5));
        assertTrue(e.getMessage().contains("does not exist"), e.getMessage());
    }

    @Test
    void aCorpusWhereMinCountKeepsNothingSaysHowManyWordsAndTheMinCount() throws IOException {
        Path file = Files.writeString(tmp.resolve("small.txt"), "the cat sat on the mat\nthe end\n");
        DataFileException e = assertThrows(DataFileException.class, () -> Corpus.read(file, 5));
        assertEquals(file + ": min-count 5 keeps none of its 6 distinct words (8 words in all; the most frequent "
                + "occurs 3 times); give a min-count of at most 3 or a larger corpus", e.getMessage());
        assertEquals(List.of("</s>", "the"), Corpus.read(file, 3).vocab().words());
    }
}

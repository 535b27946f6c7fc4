package striate.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import striate.data.EmailTokenizer;
import striate.data.SpamAssassin;

/**
 * {@code textcnn export-data}: on a 600-message subset of the real corpus (skipped, with the reason, when bin/setup
 * has not installed it) the files hold the split, labels and ids the Java side uses; bad data folders are one line,
 * exit 1, and leave no output folder behind.
 */
class TextCnnExportCommandTest {
    @TempDir
    Path tmp;

    @Test
    void writesTheSplitLabelsIdsVocabularyAndAWord2VecCorpus() throws IOException {
        assumeTrue(SpamAssassin.isInstalled(SpamAssassin.defaultFolder()), "the SpamAssassin corpus is not in "
                + SpamAssassin.defaultFolder() + ": run bin/setup");
        Path out = tmp.resolve("export");
        TrainCommandTest.Result r = TrainCommandTest.cli("textcnn", "export-data", "--limit", "600", "--out",
                out.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("exported 480 / 60 / 60 messages (150 / 19 / 19 spam)"), r.out());
        List<String> vocab = Files.readAllLines(out.resolve("vocab.txt"));
        assertEquals(List.of("<pad>", "<unk>"), vocab.subList(0, 2));
        List<String> train = Files.readAllLines(out.resolve("train.tsv"));
        List<String> corpus = Files.readAllLines(out.resolve("corpus.txt"));
        assertEquals(480, train.size());
        assertEquals(480, corpus.size());
        assertEquals(60, Files.readAllLines(out.resolve("test.tsv")).size());
        assertEquals(150, train.stream().filter(l -> l.startsWith("1\tspam-")).count());
        assertEquals(330, train.stream().filter(l -> l.startsWith("0\t") && l.contains("ham-")).count());
        for (int k = 0; k < train.size(); k++) {
            String[] fields = train.get(k).split("\t");
            String[] words = corpus.get(k).split(" ");
            int[] ids = Arrays.stream(fields[2].split(" ")).mapToInt(Integer::parseInt).toArray();
            assertTrue(ids.length <= EmailTokenizer.DEFAULT_MAX_TOKENS);
            assertEquals(words.length, ids.length, "message " + fields[1]);
            for (int i = 0; i < ids.length; i++) {
                assertTrue(ids[i] >= 1 && ids[i] < vocab.size());
                assertTrue(ids[i] == 1 || vocab.get(ids[i]).equals(words[i]), words[i] + " has id " + ids[i]);
            }
        }
        assertTrue(Files.readString(out.resolve("data.json")).contains("\"limit\": 600, \"split_seed\": 42"));
    }

    @Test
    void anEmptyFolderOrBadJsonIsOneLineAndLeavesNoOutput() throws IOException {
        Path data = Files.createDirectories(tmp.resolve("data/spam-1"));
        Path out = tmp.resolve("out");
        TrainCommandTest.Result empty = TrainCommandTest.cli("textcnn", "export-data", "--data",
                tmp.resolve("data").toString(), "--out", out.toString());
        assertEquals(1, empty.code());
        assertTrue(empty.err().contains("holds no SpamAssassin messages"), empty.err());
        assertEquals(1, empty.err().lines().count(), empty.err());
        assertFalse(Files.exists(out));
        Files.writeString(data.resolve("00001.json"), "{\"id\": \"00001\", \"group\": \"spam-1\", \"text\": }");
        TrainCommandTest.Result bad = TrainCommandTest.cli("textcnn", "export-data", "--data",
                tmp.resolve("data").toString(), "--out", out.toString());
        assertEquals(1, bad.code());
        assertTrue(bad.err().startsWith("striate: error: " + data.resolve("00001.json") + ": line 1, column "),
                bad.err());
        assertEquals(1, bad.err().lines().count(), bad.err());
        assertFalse(Files.exists(out));
        TrainCommandTest.Result usage = TrainCommandTest.cli("textcnn", "export-data", "--max-tokens", "0", "--out",
                out.toString());
        assertEquals(2, usage.code());
    }
}

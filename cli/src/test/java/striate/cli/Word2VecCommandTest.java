package striate.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import striate.text.WordVectors;

/**
 * {@code striate word2vec}, {@code similar} and {@code analogy} on a generated corpus whose words come in
 * interchangeable groups (animals, foods, places fill the same slots of the same sentences): the vector files in
 * both formats read back, similar puts a word's own group first, and every bad input is one line, a non-zero exit,
 * and no file written or overwritten.
 */
class Word2VecCommandTest {
    private static final String[][] GROUPS = {
        {"cat", "dog", "cow", "horse", "goat"}, {"bread", "apple", "cheese", "rice", "soup"},
        {"house", "garden", "field", "kitchen", "barn"}};

    @TempDir
    Path tmp;

    private Path corpus;

    @BeforeEach
    void writeCorpus() throws IOException {
        SplittableRandom r = new SplittableRandom(1);
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < 3000; i++) {
            text.append("the ").append(pick(r, 0)).append(" eats the ").append(pick(r, 1)).append(" in the ")
                    .append(pick(r, 2)).append('\n');
        }
        corpus = Files.writeString(tmp.resolve("corpus.txt"), text);
    }

    private static String pick(SplittableRandom r, int group) {
        return GROUPS[group][r.nextInt(GROUPS[group].length)];
    }

    private TrainCommandTest.Result train(Path output, String... more) {
        List<String> args = new ArrayList<>(List.of("word2vec", "--corpus", corpus.toString(), "--output",
                output.toString(), "--threads", "1", "--iter", "3", "--sample", "0"));
        if (!List.of(more).contains("--size")) {
            args.addAll(List.of("--size", "16"));
        }
        if (!List.of(more).contains("--min-count")) {
            args.addAll(List.of("--min-count", "1"));
        }
        args.addAll(List.of(more));
        return TrainCommandTest.cli(args.toArray(String[]::new));
    }

    @Test
    void trainsBothFormatsAndSimilarFindsTheWordsGroup() throws IOException {
        Path text = tmp.resolve("v.txt");
        TrainCommandTest.Result r = train(text, "--model", "skipgram", "--window", "2");
        assertEquals(0, r.code(), r.err());
        String[] lines = r.out().strip().split("\n");
        assertTrue(lines[lines.length - 1].matches("\\d+ words \\(3 passes\\) in [0-9.]+ s wall time, words/s/thread: "
                + "\\d+"), r.out());
        assertTrue(r.out().contains("vocabulary: 18 words seen at least 1 times"), r.out());
        assertTrue(r.err().contains("\rAlpha: ") && r.err().contains("Progress: 100.00%"), r.err());
        WordVectors v = WordVectors.read(text);
        assertEquals(19, v.size(), "18 words and </s>");
        assertEquals(16, v.dimension());
        assertEquals("</s>", v.words().getFirst());

        TrainCommandTest.Result similar = TrainCommandTest.cli("similar", "cat", "--vectors", text.toString(),
                "--top", "4");
        assertEquals(0, similar.code(), similar.err());
        List<String> found = similar.out().lines().map(l -> l.split(" +")[0]).toList();
        assertEquals(4, found.size(), similar.out());
        assertTrue(List.of(GROUPS[0]).containsAll(found), "the other animals first: " + similar.out());

        Path binary = tmp.resolve("v.bin");
        TrainCommandTest.Result b = train(binary, "--binary", "--loss", "hs");
        assertEquals(0, b.code(), b.err());
        assertEquals(v.words().size(), WordVectors.read(binary).size());
        TrainCommandTest.Result analogy = TrainCommandTest.cli("analogy", "cat", "bread", "dog", "--vectors",
                binary.toString(), "--top", "3");
        assertEquals(0, analogy.code(), analogy.err());
        assertEquals(3, analogy.out().lines().count(), analogy.out());
        assertFalse(analogy.out().matches("(?s).*\\b(cat|bread|dog) .*"), "inputs are left out: " + analogy.out());
        TrainCommandTest.Result two = TrainCommandTest.cli("analogy", "cat", "bread", "--vectors", binary.toString());
        assertEquals(2, two.code(), two.err());
        assertTrue(two.err().contains("Missing required parameter: 'C'"), two.err());
        TrainCommandTest.Result four = TrainCommandTest.cli("analogy", "cat", "bread", "dog", "cow", "--vectors",
                binary.toString());
        assertEquals(2, four.code(), four.err());
        assertTrue(four.err().contains("'cow'"), four.err());
    }

    @Test
    void oneThreadAndOneSeedWriteTheSameFileTwice() throws IOException {
        Path first = tmp.resolve("a.bin");
        Path second = tmp.resolve("b.bin");
        assertEquals(0, train(first, "--binary", "--seed", "9").code());
        assertEquals(0, train(second, "--binary", "--seed", "9").code());
        assertArrayEquals(Files.readAllBytes(first), Files.readAllBytes(second));
    }

    @Test
    void anExistingOutputIsKeptUnlessForced() throws IOException {
        Path output = Files.writeString(tmp.resolve("v.txt"), "keep me");
        TrainCommandTest.Result r = train(output);
        assertEquals(2, r.code());
        assertTrue(r.err().contains("--output " + output + " exists; give --force to replace it"), r.err());
        assertEquals("keep me", Files.readString(output));
        assertEquals(0, train(output, "--force").code());
        assertEquals(19, WordVectors.read(output).size());
    }

    private void assertFailsWithoutOutput(TrainCommandTest.Result r, Path output, int code, String message) {
        assertEquals(code, r.code(), r.err());
        assertTrue(r.err().contains(message), r.err());
        assertEquals(1, r.err().strip().lines().count(), "one line: " + r.err());
        assertFalse(Files.exists(output), "no output file");
    }

    @Test
    void badCorporaAndOptionsAreOneLineAndWriteNothing() throws IOException {
        Path output = tmp.resolve("out.txt");
        Files.writeString(corpus, "");
        assertFailsWithoutOutput(train(output), output, 1, corpus + ": holds no words");
        Files.writeString(corpus, "a b c a\n");
        assertFailsWithoutOutput(train(output, "--min-count", "5"), output, 1, corpus + ": min-count 5 keeps none of "
                + "its 3 distinct words (4 words in all; the most frequent occurs 2 times)");
        assertFailsWithoutOutput(train(output, "--model", "glove"), output, 2, "--model: unknown model 'glove'");
        assertFailsWithoutOutput(train(output, "--loss", "softmax"), output, 2, "--loss: unknown loss 'softmax'");
        assertFailsWithoutOutput(train(output, "--window", "0"), output, 2, "--window must be >= 1, got 0");
        assertFailsWithoutOutput(train(tmp.resolve("no/such/folder/v.txt")), tmp.resolve("no"), 2,
                "does not exist; create it first");
        Path file = Files.writeString(tmp.resolve("a-file"), "x");
        assertFailsWithoutOutput(train(file.resolve("v.txt")), file.resolve("v.txt"), 2, file + " is not a folder");
        if (Files.isDirectory(Path.of("/proc"))) { // Linux: no file can be made there, even by root, for whom
            // access() says every folder is writable: refused before training, not after it
            Path proc = Path.of("/proc/striate-word2vec-test.txt");
            assertFailsWithoutOutput(train(proc), proc, 1, "--output " + proc + ": cannot write in the folder /proc");
        }
        // vectors of 2^30 for 4 words (3 and the end of line) need more floats than a Java array holds: one line, not "integer overflow"
        assertFailsWithoutOutput(train(output, "--size", Integer.toString(1 << 30)), output, 1,
                "a vocabulary of 4 words with vectors of 1073741824 needs 4294967296 floats per table");
    }

    @Test
    void badVectorFilesAndUnknownWordsAreOneLine() throws IOException {
        Path wrong = Files.writeString(tmp.resolve("wrong.txt"), "2 3\ncat 1 2 3\ndog 1 2\n");
        TrainCommandTest.Result r = TrainCommandTest.cli("similar", "cat", "--vectors", wrong.toString());
        assertEquals(1, r.code());
        assertTrue(r.err().contains(wrong + ": line 3: 'dog' has 2 values, the header's dimension is 3"), r.err());
        // a binary file's bytes in a message: blanked, so the error stays one printable line
        Path binary = Files.write(tmp.resolve("binary.bin"), new byte[] {'2', ' ', '3', '\n', 'c', 0, 1, 7, 27, '\r', 'x',
                ' ', '1', '\n'});
        r = TrainCommandTest.cli("similar", "cat", "--vectors", binary.toString());
        assertEquals(1, r.code(), r.err());
        assertTrue(r.err().strip().chars().noneMatch(ch -> ch < 0x20 || ch == 0x7f), r.err());
        assertEquals(1, r.err().strip().lines().count(), r.err());

        Path good = tmp.resolve("good.bin");
        WordVectors.of(List.of("cat", "dog", "cow"), 2, new float[] {1, 0, 0, 1, 1, 1}).writeBinary(good);
        byte[] all = Files.readAllBytes(good);
        Path cut = Files.write(tmp.resolve("cut.bin"), Arrays.copyOf(all, all.length - 3));
        r = TrainCommandTest.cli("analogy", "cat", "dog", "cow", "--vectors", good.toString()); // nothing else there
        assertEquals(0, r.code(), r.err());
        assertEquals("(no other words: the vector file holds only the words asked about)", r.out().strip());
        r = TrainCommandTest.cli("analogy", "cat", "dog", "cow", "--vectors", cut.toString());
        assertEquals(1, r.code());
        assertTrue(r.err().contains(cut + ": is truncated: vector 3 of the 3"), r.err());

        r = TrainCommandTest.cli("similar", "lion", "--vectors", good.toString());
        assertEquals(1, r.code());
        assertTrue(r.err().contains("'lion' is not in the vocabulary of the vectors (3 words)"), r.err());
        r = TrainCommandTest.cli("analogy", "cat", "dog", "tiger", "--vectors", good.toString());
        assertEquals(1, r.code());
        assertTrue(r.err().contains("'tiger' is not in the vocabulary"), r.err());
        assertEquals(1, r.err().strip().lines().count(), r.err());
    }
}

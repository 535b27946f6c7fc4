package striate.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import striate.data.MnistFolder;
import striate.train.Trainer;

/** evaluate reads only the test files of an MNIST-format folder. */
class EvaluateCommandTest {
    @TempDir
    Path tmp;

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
        TrainCommandTest.Result e = TrainCommandTest.cli("evaluate", "--checkpoint",
                run.resolve(Trainer.LAST).toString(), "--data", testOnly.toString());
        assertEquals(0, e.code(), e.err());
        assertTrue(e.out().contains("test accuracy") && e.out().contains("on 40 images"), e.out());

        Path trainOnly = Files.createDirectories(tmp.resolve("train-only"));
        Files.copy(data.resolve(MnistFolder.TRAIN_IMAGES), trainOnly.resolve(MnistFolder.TRAIN_IMAGES));
        TrainCommandTest.Result missing = TrainCommandTest.cli("evaluate", "--checkpoint",
                run.resolve(Trainer.LAST).toString(), "--data", trainOnly.toString());
        assertEquals(1, missing.code());
        assertTrue(missing.err().contains("missing " + MnistFolder.TEST_IMAGES + "[.gz], " + MnistFolder.TEST_LABELS
                + "[.gz]"), missing.err());
    }
}

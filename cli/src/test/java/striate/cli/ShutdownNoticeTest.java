package striate.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import striate.train.Checkpoint;
import striate.train.Trainer;

/**
 * SIGTERM (what {@link Process#destroy} sends) to a child JVM running {@code train}: it exits 143 and says which
 * epoch last.ckpt holds and how to continue, and the hint works; stopped before any checkpoint, it says nothing
 * was saved and leaves no folder behind.
 */
class ShutdownNoticeTest {
    @TempDir
    Path tmp;

    private Process train(Path out, String... more) throws IOException {
        Path data = Files.createDirectories(tmp.resolve("data"));
        if (!Files.exists(data.resolve("t10k-images-idx3-ubyte"))) {
            TrainCommandTest.writeIdx(data, "train", 4000, 1);
            TrainCommandTest.writeIdx(data, "t10k", 60, 2);
        }
        List<String> args = new ArrayList<>(List.of("train", "--data", data.toString(), "--out", out.toString()));
        args.addAll(List.of(more));
        return ChildCli.start(tmp.resolve("out.txt"), tmp.resolve("err.txt"), args.toArray(String[]::new));
    }

    private String read(String name) throws IOException {
        return Files.readString(tmp.resolve(name));
    }

    /** The command to continue with can be pasted: the launcher as called, the --out absolute and quoted. */
    @Test
    void theResumeCommandCanBePastedIntoAShell() {
        assertEquals("bin/striate train --out '/runs/my run' --resume", ShutdownNotice.resumeCommand("striate train",
                Path.of("/runs/my run"), "bin/striate"));
        assertEquals("striate gan --out '/r/it'\\''s' --resume", ShutdownNotice.resumeCommand("striate gan",
                Path.of("/r/it's"), null));
        assertEquals("striate vae --out " + Path.of("runs/v").toAbsolutePath() + " --resume",
                ShutdownNotice.resumeCommand("striate vae", Path.of("runs/v"), ""));
    }

    @Test
    void sigtermAfterACheckpointSaysWhichEpochToResumeFrom() throws Exception {
        Path out = tmp.resolve("run");
        Process p = train(out, "--epochs", "1000", "--limit", "400", "--validation", "50", "--batch-size", "50");
        ChildCli.await(() -> Files.exists(out.resolve(Trainer.LAST)), p);
        p.destroy();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(143, p.exitValue(), read("err.txt"));
        int epoch = Checkpoint.load(out.resolve(Trainer.LAST)).epoch();
        String err = read("err.txt");
        assertTrue(err.contains("striate: stopped by a signal; " + out.resolve(Trainer.LAST) + " holds epoch " + epoch
                + " of 1000: continue with striate train --out " + ShutdownNotice.shellWord(out.toAbsolutePath()
                .toString()) + " --resume"), err);

        TrainCommandTest.Result resumed = TrainCommandTest.cli("train", "--out", out.toString(), "--resume",
                "--epochs", Integer.toString(epoch + 1));
        assertEquals(0, resumed.code(), resumed.err());
        assertEquals(epoch + 1, Checkpoint.load(out.resolve(Trainer.LAST)).epoch());
    }

    @Test
    void sigtermBeforeAnyCheckpointSaysNothingWasSavedAndRemovesTheNewFolder() throws Exception {
        Path out = tmp.resolve("new").resolve("run");
        Process p = train(out, "--epochs", "1", "--batch-size", "1", "--validation", "10");
        ChildCli.await(() -> {
            try {
                return read("out.txt").contains("training lenet5");
            } catch (IOException e) {
                return false;
            }
        }, p);
        p.destroy();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(143, p.exitValue(), read("err.txt"));
        String err = read("err.txt");
        assertTrue(err.contains("striate: stopped by a signal during the first epoch; no checkpoint was written, so "
                + "there is nothing to resume") || err.contains("striate: stopped by a signal before training "
                + "started; nothing was saved"), err);
        assertFalse(err.contains("--resume"), err);
        assertFalse(Files.exists(tmp.resolve("new")), "the folders this run made are gone");
    }
}

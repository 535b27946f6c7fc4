package striate.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import striate.gan.GanTrainer;
import striate.train.Trainer;

/**
 * What a training command ({@code train}, {@code tagger train}) prints when a signal stops the JVM while it runs (SIGTERM: exit 143, Ctrl-C: 130): which
 * epoch {@code last.ckpt} holds and the command that continues the run, or that nothing was saved (then the new
 * output folder is removed again if it is empty). A shutdown hook for the duration of one run; it first waits for a
 * checkpoint write in progress and keeps another from starting, so what it says is what is on disk.
 */
final class ShutdownNotice implements AutoCloseable {
    /** How long the notice waits for a checkpoint write in progress before it says so instead. */
    private static final long SAVE_WAIT_SECONDS = 30;

    private final String resume;
    private final Path out;
    private final int epochs;
    private final OutputFolder folder;
    private final PrintStream err;
    private final Thread hook;
    private volatile Checkpoints trainer;
    private volatile boolean trained;

    /**
     * Installs the notice for a run of {@code command} ("striate train") that writes to {@code out} for
     * {@code epochs} epochs; {@code folder} is the folder this run created (null when it continues a run).
     */
    static ShutdownNotice install(String command, Path out, int epochs, OutputFolder folder, PrintStream err) {
        ShutdownNotice notice = new ShutdownNotice(resumeCommand(command, out, System.getenv("STRIATE_LAUNCHER")),
                out, epochs, folder, err);
        Runtime.getRuntime().addShutdownHook(notice.hook);
        return notice;
    }

    /**
     * The command that continues the run, to paste into a shell: {@code command} ("striate train") with the launcher
     * as it was called ({@code launcher}, bin/striate's $0; null: "striate"), and the absolute --out, quoted when the
     * shell would split or expand it.
     */
    static String resumeCommand(String command, Path out, String launcher) {
        String program = launcher == null || launcher.isBlank() ? "striate" : shellWord(launcher);
        return program + command.substring(command.indexOf(' ')) + " --out " + shellWord(out.toAbsolutePath()
                .toString()) + " --resume";
    }

    /** {@code word} as one shell word: as it is when it holds only safe characters, else in single quotes. */
    static String shellWord(String word) {
        return word.matches("[A-Za-z0-9_./:=+@%-]+") ? word : "'" + word.replace("'", "'\\''") + "'";
    }

    /** A running trainer's checkpoint writes ({@link Trainer#holdCheckpoints}, {@link GanTrainer#holdCheckpoints}). */
    interface Checkpoints {
        int holdCheckpoints(long seconds) throws InterruptedException;
    }

    private ShutdownNotice(String resume, Path out, int epochs, OutputFolder folder, PrintStream err) {
        this.resume = resume;
        this.out = out;
        this.epochs = epochs;
        this.folder = folder;
        this.err = err;
        this.hook = new Thread(this::stopped, "striate-shutdown-notice");
    }

    /** Training has started with {@code t}. */
    void training(Trainer t) {
        trainer = t::holdCheckpoints;
    }

    /** GAN training has started with {@code t}. */
    void training(GanTrainer t) {
        trainer = t::holdCheckpoints;
    }

    /** Training has finished; the report is being written. */
    void trained() {
        trained = true;
    }

    private void stopped() {
        String resume = this.resume;
        String message;
        Checkpoints t = trainer;
        if (trained) {
            message = "stopped by a signal while writing the report; training had finished: " + resume
                    + " writes the report";
        } else if (t == null) {
            message = "stopped by a signal before training started; nothing was saved";
            removeFolder();
        } else {
            int saved;
            try {
                saved = t.holdCheckpoints(SAVE_WAIT_SECONDS);
            } catch (InterruptedException e) {
                saved = -1;
            }
            if (saved > 0) {
                message = "stopped by a signal; " + out.resolve(Trainer.LAST) + " holds epoch " + saved + " of "
                        + epochs + ": continue with " + resume;
            } else if (saved == 0) {
                message = "stopped by a signal during the first epoch; no checkpoint was written, so there is "
                        + "nothing to resume";
                removeFolder();
            } else {
                message = "stopped by a signal while a checkpoint was being written; " + out.resolve(Trainer.LAST)
                        + " is whole (written atomically) and holds one of the last two epochs: continue with "
                        + resume;
            }
        }
        err.println();
        err.println("striate: " + message);
        err.flush();
    }

    private void removeFolder() {
        if (folder != null) {
            try {
                folder.removeIfEmpty();
            } catch (IOException e) {
                err.println("striate: could not remove the empty output folder " + out + ": " + e.getMessage());
            }
        }
    }

    /** Uninstalls the notice; during shutdown it stays (the JVM runs it). */
    @Override
    public void close() {
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            // the hook is running or about to: it says what happened
        }
    }
}

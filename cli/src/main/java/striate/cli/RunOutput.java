package striate.cli;

import java.io.IOException;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The {@code --out} and {@code --resume} options of the training commands that keep checkpoints (a picocli mixin),
 * and how a run uses that folder: a new run needs a new or empty one ({@link OutputFolder}: made with any missing
 * parents, nothing in it ever replaced, taken back while still empty when the run fails); --resume continues the run
 * in --out from its last.ckpt ({@link RecordedOptions#resume}); a signal says how to continue ({@link ShutdownNotice}).
 * Each command's help for the two options (its default folder, what a resumed run may change) is in
 * RunOutput.properties, under the command's qualified name.
 */
@Command(resourceBundle = "striate.cli.RunOutput")
final class RunOutput {
    @Option(names = "--out", paramLabel = "<dir>", description = "Output folder for checkpoints and the report.")
    Path out;

    @Option(names = "--resume", description = "Continue the run in --out from its last checkpoint, with the options "
            + "it recorded.")
    boolean resume;

    /** Makes {@code folder} the output folder when --out was not given. */
    void defaultTo(Path folder) {
        if (out == null) {
            out = folder;
        }
    }

    /** One run's training and report; the notice is told when training starts and ends. */
    interface Training {
        int run(ShutdownNotice notice) throws IOException;
    }

    /**
     * Runs {@code training} of {@code command} ("striate vae", {@code epochs} epochs) in --out: a new run creates the
     * folder first, or is refused (a folder holding anything, or one that cannot be written); a signal prints which
     * epoch last.ckpt holds and {@code command --out DIR --resume}.
     */
    int train(String command, int epochs, Training training) throws IOException {
        OutputFolder created = resume ? null : OutputFolder.create(out);
        return OutputFolder.removedIfFailed(created, () -> {
            try (ShutdownNotice notice = ShutdownNotice.install(command, out, epochs, created, System.err)) {
                return training.run(notice);
            }
        });
    }
}

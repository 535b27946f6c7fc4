package striate.train;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A checkpoint that cannot be read or does not fit: not a Striate checkpoint, an unsupported format version,
 * truncated or corrupt (checksum mismatch), a checkpoint of another model, or tensors missing or of the wrong
 * shape. The message names the file (when there is one) and says what was expected and what was found.
 */
public class CheckpointException extends IOException {
    private final Path file;

    /** A problem with {@code file}, or with an in-memory checkpoint when {@code file} is null. */
    public CheckpointException(Path file, String problem) {
        super(file == null ? problem : file + ": " + problem);
        this.file = file;
    }

    public CheckpointException(Path file, String problem, Throwable cause) {
        super(file == null ? problem : file + ": " + problem, cause);
        this.file = file;
    }

    /** The checkpoint file, or null for a checkpoint that was never saved or loaded. */
    public Path file() {
        return file;
    }
}

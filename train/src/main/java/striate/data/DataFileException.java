package striate.data;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A data file or folder that is missing, truncated or malformed. The message names the file, says what is
 * wrong (expected versus actual) and what to do about it; {@link #file()} is the offending path.
 */
public class DataFileException extends IOException {
    private final Path file;

    public DataFileException(Path file, String problem) {
        super(file + ": " + problem);
        this.file = file;
    }

    public DataFileException(Path file, String problem, Throwable cause) {
        super(file + ": " + problem, cause);
        this.file = file;
    }

    /** The file or folder the problem is about. */
    public Path file() {
        return file;
    }
}

package striate.spark;

import java.io.IOException;

/**
 * A worker cannot start because of the job's input, which a retry does not change: a {@code --data} folder that is
 * not there or lacks files, a {@code --checkpoint-dir} no file can be written to. {@link BarrierTask} has the workers
 * refuse together on it (and on the engine's own such errors) instead of failing the stage, which Spark retries.
 */
final class JobInputException extends IOException {
    JobInputException(String message, Throwable cause) {
        super(message, cause);
    }

    JobInputException(String message) {
        super(message);
    }
}

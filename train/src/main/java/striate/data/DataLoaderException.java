package striate.data;

/**
 * A failure while building a batch (on the prefetch thread or not), handed to the consumer of the epoch;
 * {@link #getCause()} is the original exception.
 */
public class DataLoaderException extends RuntimeException {
    public DataLoaderException(String message, Throwable cause) {
        super(message, cause);
    }
}

package striate.cuda;

/** NCCL could not be loaded: the message is one line naming the library or file and what to do. */
public class NcclUnavailableException extends RuntimeException {
    public NcclUnavailableException(String message) {
        super(message);
    }
}

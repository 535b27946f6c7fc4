package striate.cuda;

/**
 * A collective group (NCCL) was aborted because its peers were lost or the job stopped: the exchange refuses further
 * work, and what the group's GPUs computed since is not read back (it may hold partial sums).
 */
public class CollectiveAbortedException extends RuntimeException {
    public CollectiveAbortedException(String message) {
        super(message);
    }
}

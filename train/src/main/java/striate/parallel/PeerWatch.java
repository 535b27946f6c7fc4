package striate.parallel;

import java.time.Duration;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * When a rank of a process group gives up on its peers, so that a lost peer fails the job instead of hanging it: the
 * longest a collective may wait for the peers, and the launcher's signal that the job has already given up on this
 * rank ({@code stopped}: empty while the job runs, else why it stopped; Spark: the task was killed because another
 * task of the barrier stage failed). An engine whose collectives run where a lost peer would block them forever
 * (NCCL's kernels on a GPU) watches both from a thread of its own and aborts the group.
 */
public record PeerWatch(Duration timeout, Supplier<Optional<String>> stopped) {
    /** How long a collective waits for the peers unless told otherwise: ten minutes (PyTorch's NCCL default too). */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofMinutes(10);

    public PeerWatch {
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("a peer timeout must be positive, got " + timeout);
        }
    }

    /** Waits at most {@code timeout} for the peers, with no launcher to stop it. */
    public static PeerWatch timeout(Duration timeout) {
        return new PeerWatch(timeout, Optional::empty);
    }
}

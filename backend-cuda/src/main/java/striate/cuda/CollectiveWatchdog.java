package striate.cuda;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import striate.parallel.PeerWatch;

/**
 * Watches one exchange's NCCL communicators from a daemon thread of its own and aborts them when the peers are lost,
 * as PyTorch's ProcessGroupNCCL watchdog does. NCCL's kernels wait on the GPU for peers that may never come, and the
 * host thread that waits for the GPU (a read of the loss, a checkpoint's copy of the weights) would wait with them
 * forever: nothing else would end a job whose peer process died. Three things abort: an asynchronous error NCCL
 * reports (a peer's connection closed), the collectives queued by the last {@link #queued} still running after the
 * {@link PeerWatch}'s timeout, and the launcher's stop signal. Aborting calls {@link Watched#abort} once and keeps
 * the reason; {@link #check} then throws, naming it.
 *
 * <p>The timeout counts only while one round of collectives waits: each {@link #queued} (once per step) starts a
 * new round, so a long run never times out, and neither does an idle one. A peer that spends longer than the
 * timeout between two steps (writing a checkpoint, scoring) while this rank waits in the next step does.
 */
final class CollectiveWatchdog {
    /** How often the thread looks. */
    static final Duration PERIOD = Duration.ofMillis(200);
    /** How long {@link #stop} waits for the thread, which may be inside an abort that hangs (a known NCCL failure). */
    static final Duration STOP_WAIT = Duration.ofSeconds(30);
    private static final int IN_PROGRESS = 7; // ncclInProgress: a nonblocking communicator's call is still running

    /** What the watchdog reads and does: NcclAllReduce's communicators and events, or a test's fake. */
    interface Watched {
        /** The first nonzero asynchronous error of the communicators (ncclCommGetAsyncError), or 0. */
        int asyncError();

        /** NCCL's text for an error code. */
        String errorText(int code);

        /** Whether every collective queued before the last {@link #queued} has run (cuEventQuery). */
        boolean collectivesDone();

        /** Aborts every communicator (ncclCommAbort): NCCL's kernels stop waiting, and the streams drain. */
        void abort(String why);
    }

    private final String name;
    private final Watched watched;
    private final PeerWatch watch;
    private final LongSupplier nanoTime;
    private final AtomicLong rounds = new AtomicLong(); // how many times queued() was called
    private long pendingRound; // poll's: the round it has seen running since pendingSince (0: none)
    private long pendingSince;
    private volatile String failure;
    private boolean closed;
    private Thread thread;

    /** Watches {@code watched}, named {@code name} in messages ("NCCL rank 1 of 2 on cuda:0"); no thread yet. */
    CollectiveWatchdog(String name, Watched watched, PeerWatch watch, LongSupplier nanoTime) {
        this.name = name;
        this.watched = watched;
        this.watch = watch;
        this.nanoTime = nanoTime;
    }

    /** Starts the daemon thread that polls every {@code period} until an abort or {@link #stop}. */
    synchronized void start(Duration period) {
        if (thread != null) {
            throw new IllegalStateException(name + ": the watchdog is already running");
        }
        thread = Thread.ofPlatform().daemon().name("striate-watchdog " + name).start(() -> {
            try {
                while (!poll()) {
                    Thread.sleep(period);
                }
            } catch (InterruptedException e) {
                // stopped
            } catch (Throwable t) { // never leave the group unwatched without saying why
                synchronized (this) {
                    if (failure == null) {
                        failure = name + ": the watchdog failed (" + t + "), so the group is no longer watched";
                    }
                }
            }
        });
    }

    /** A round of collectives was queued: the timeout counts from when the watchdog first sees it running. */
    void queued() {
        rounds.incrementAndGet();
    }

    /**
     * One look: aborts when the peers are lost; true once aborted (now or before) or stopped. The decision is taken
     * under this object's lock and the failure is known ({@link #check} throws) before the abort runs, outside it, so
     * an abort that hangs holds back neither {@link #check} nor {@link #stop}.
     */
    boolean poll() {
        String reason;
        synchronized (this) {
            if (closed || failure != null) {
                return true;
            }
            String why;
            try {
                why = trouble();
            } catch (RuntimeException e) { // a look that fails leaves the group in doubt: abort rather than hang
                why = "the watchdog could not read the communicators' state: " + e.getMessage();
            }
            if (why == null) {
                return false;
            }
            reason = name + " aborted: " + why;
            failure = reason;
        }
        try {
            watched.abort(reason);
        } catch (Throwable t) {
            failure = reason + " (and the abort failed: " + (t.getMessage() != null ? t.getMessage() : t) + ")";
        }
        return true;
    }

    /** Why the group must be aborted now, or null. */
    private String trouble() {
        Optional<String> stopped = watch.stopped().get();
        if (stopped.isPresent()) {
            return "the job stopped this rank (" + stopped.get() + ")";
        }
        int error = watched.asyncError();
        if (error != 0 && error != IN_PROGRESS) {
            return "NCCL reported asynchronous error " + error + " (" + watched.errorText(error) + "), most likely a "
                    + "lost peer";
        }
        long round = rounds.get();
        if (round == 0 || watched.collectivesDone()) {
            pendingRound = 0;
            return null;
        }
        long now = nanoTime.getAsLong();
        if (round != pendingRound) {
            pendingRound = round;
            pendingSince = now;
            return null;
        }
        Duration waited = Duration.ofNanos(now - pendingSince);
        if (waited.compareTo(watch.timeout()) <= 0) {
            return null;
        }
        return "a step's collectives have waited " + waited.toSeconds() + " s for the peers, longer than the timeout of "
                + watch.timeout().toSeconds() + " s";
    }

    /** Why the group was aborted, if it was. */
    Optional<String> failure() {
        return Optional.ofNullable(failure);
    }

    /** Throws, naming the reason, once the group was aborted; {@code during} says what was refused. */
    void check(String during) {
        String f = failure;
        if (f != null) {
            throw new CollectiveAbortedException(during + ": " + f);
        }
    }

    /**
     * Stops the thread, which ends at its next look (within a period; no abort starts after this returns; one already
     * running is waited for up to {@code wait}), and says whether the group was aborted, whose communicators must
     * then not be destroyed.
     */
    boolean stop(Duration wait) {
        Thread t;
        synchronized (this) {
            closed = true;
            t = thread;
        }
        if (t != null) { // not interrupted: an abort under way must not lose its wait for the communicators' lock
            boolean interrupted = false;
            long deadline = System.nanoTime() + wait.toNanos();
            while (t.isAlive() && System.nanoTime() < deadline) {
                try {
                    t.join(Duration.ofNanos(Math.max(1, deadline - System.nanoTime())));
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
        return failure != null;
    }
}

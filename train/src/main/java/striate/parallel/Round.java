package striate.parallel;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.function.IntConsumer;

/**
 * One step's bucket schedule. Each replica reports when it has filled its part of a bucket; once every replica has
 * filled bucket k and bucket k − 1 is reduced, the communication thread reduces bucket k. Buckets are reduced
 * strictly in order, as collective engines require (every process issues the same collectives in the same order).
 * After the last bucket the communication thread runs the exchange's finish step, also when the round failed (the
 * buckets already queued on a device must be waited for before the next step writes them). A replica that fails
 * aborts the round: the buckets it will never fill fail, so the other replicas stop waiting instead of deadlocking.
 */
final class Round {
    private final CompletableFuture<?>[][] filled; // [bucket][replica]
    private final CompletableFuture<Void> lastReduced; // done when every bucket is reduced and finished (or failed)

    /**
     * {@code reduce} runs on {@code communication} with the bucket index, once per bucket, in bucket order, then
     * {@code finish} once.
     */
    Round(int buckets, int replicas, Executor communication, IntConsumer reduce, Runnable finish) {
        filled = new CompletableFuture<?>[buckets][replicas];
        CompletableFuture<Void> previous = CompletableFuture.completedFuture(null);
        for (int k = 0; k < buckets; k++) {
            CompletableFuture<?>[] wait = new CompletableFuture<?>[replicas + 1];
            for (int r = 0; r < replicas; r++) {
                filled[k][r] = new CompletableFuture<Void>();
                wait[r] = filled[k][r];
            }
            wait[replicas] = previous;
            int bucket = k;
            previous = CompletableFuture.allOf(wait).thenRunAsync(() -> reduce.accept(bucket), communication);
        }
        lastReduced = previous.handleAsync((done, failure) -> { // finished also when a bucket failed: queued ones wait
            try {
                finish.run();
            } catch (RuntimeException e) {
                if (failure == null) {
                    throw e;
                }
                failure.addSuppressed(e);
            }
            if (failure != null) {
                throw failure instanceof CompletionException c ? c : new CompletionException(failure);
            }
            return null;
        }, communication);
    }

    /** Replica {@code replica} has written its gradients of bucket {@code bucket}. */
    void filled(int bucket, int replica) {
        filled[bucket][replica].complete(null);
    }

    /** Replica {@code replica} failed: no bucket it has not filled will be reduced this step. */
    void abort(int replica) {
        Aborted cause = new Aborted(replica);
        for (CompletableFuture<?>[] bucket : filled) {
            bucket[replica].completeExceptionally(cause);
        }
    }

    /**
     * Waits until every bucket is reduced and the exchange has finished. Throws {@link Aborted} when a replica failed, or the exchange's error.
     */
    void awaitReduced() {
        try {
            lastReduced.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof Aborted a) {
                throw new Aborted(a.replica);
            }
            throw new ExchangeFailed(e.getCause());
        }
    }

    /** Waits until the communication thread is done with this round, whether it succeeded or not. */
    void settle() {
        try {
            lastReduced.join();
        } catch (CompletionException ignored) {
            // the replicas report the failure
        }
    }

    /** Thrown in every replica when the gradient exchange itself failed: no replica is to blame. */
    static final class ExchangeFailed extends IllegalStateException {
        ExchangeFailed(Throwable cause) {
            super(cause.getMessage(), cause);
        }
    }

    /** Thrown in a replica that stopped waiting because another replica failed. */
    static final class Aborted extends RuntimeException {
        final int replica;

        Aborted(int replica) {
            super("stopped because replica " + replica + " failed", null, false, false);
            this.replica = replica;
        }
    }
}

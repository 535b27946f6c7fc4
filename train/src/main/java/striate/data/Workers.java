package striate.data;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntConsumer;

/**
 * The threads that fill the example slots of a batch: the calling thread and {@code n - 1} helpers claim slots
 * 0, 1, 2, ... in turn until all are done. Each slot is written by one thread and depends only on its index, so
 * the batch is the same for any {@code n}; a failure is reported for the lowest failing slot, the one a single
 * thread would have hit first. Helper threads are daemons that end after a few idle seconds.
 */
final class Workers implements AutoCloseable {
    private final ThreadPoolExecutor helpers; // null when n == 1

    Workers(int n, String name) {
        if (n < 1) {
            throw new IllegalArgumentException("workers must be >= 1, got " + n);
        }
        if (n == 1) {
            helpers = null;
        } else {
            AtomicInteger count = new AtomicInteger();
            helpers = new ThreadPoolExecutor(n - 1, n - 1, 5, TimeUnit.SECONDS, new LinkedBlockingQueue<>(),
                    r -> Thread.ofPlatform().daemon().name(name + "-" + count.incrementAndGet()).unstarted(r));
            helpers.allowCoreThreadTimeOut(true);
        }
    }

    /**
     * Runs {@code fill} for every slot in [0, count) and returns when all are done; rethrows the exception of the
     * lowest failing slot (slots claimed after a failure are not started). Interrupting the caller, or closing
     * these workers, stops the batch with an InterruptedException.
     */
    void run(int count, IntConsumer fill) throws InterruptedException {
        if (helpers == null) {
            for (int k = 0; k < count; k++) {
                fill.accept(k);
            }
            return;
        }
        AtomicInteger next = new AtomicInteger();
        Throwable[] failures = new Throwable[count];
        Runnable claim = () -> {
            int k;
            while (!Thread.currentThread().isInterrupted() && (k = next.getAndIncrement()) < count) {
                try {
                    fill.accept(k);
                } catch (Throwable t) {
                    failures[k] = t;
                    next.set(count); // slots below k are claimed already and finish; none above starts
                }
            }
        };
        int helping = Math.clamp(count - 1, 0, helpers.getCorePoolSize());
        CountDownLatch done = new CountDownLatch(helping);
        for (int h = 0; h < helping; h++) {
            helpers.execute(() -> {
                try {
                    claim.run();
                } finally {
                    done.countDown();
                }
            });
        }
        claim.run();
        while (!done.await(50, TimeUnit.MILLISECONDS)) {
            if (helpers.isShutdown()) { // closed: queued helpers were dropped and will never count down
                throw new InterruptedException("the loader's workers were closed while filling a batch");
            }
        }
        for (Throwable t : failures) {
            if (t instanceof RuntimeException r) {
                throw r;
            }
            if (t instanceof Error e) {
                throw e;
            }
            if (t != null) { // a checked exception thrown sneakily
                throw new IllegalStateException(t.toString(), t);
            }
        }
        if (next.get() < count) { // a claimer stopped early: it was interrupted
            throw new InterruptedException("interrupted while filling a batch");
        }
    }

    /** Stops the helper threads (interrupting any that still work). */
    @Override
    public void close() {
        if (helpers != null) {
            helpers.shutdownNow();
        }
    }
}

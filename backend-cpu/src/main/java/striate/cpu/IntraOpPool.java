package striate.cpu;

import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinTask;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;

/**
 * The CPU backend's intra-op threads: one pool per backend, sized to the cores or to
 * {@code -Dstriate.cpu.threads}. Work is split into a fixed number of chunks that does not depend on the
 * thread count, and reductions combine chunk results in chunk order, so results are identical whatever
 * the number of threads.
 */
final class IntraOpPool {
    private final ForkJoinPool pool;
    private final int threads;

    IntraOpPool(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("striate.cpu.threads must be >= 1, got " + threads);
        }
        this.threads = threads;
        AtomicInteger created = new AtomicInteger();
        this.pool = threads == 1 ? null : new ForkJoinPool(threads, p -> {
            var t = ForkJoinPool.defaultForkJoinWorkerThreadFactory.newThread(p);
            t.setDaemon(true);
            t.setName("striate-cpu-" + created.getAndIncrement()); // the pool index is not assigned yet here
            return t;
        }, null, false);
    }

    /** Threads from {@code -Dstriate.cpu.threads}, else the number of available processors. */
    static IntraOpPool fromSystemProperties() {
        String s = System.getProperty("striate.cpu.threads");
        int n = Runtime.getRuntime().availableProcessors();
        if (s != null) {
            try {
                n = Integer.parseInt(s.trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("-Dstriate.cpu.threads must be a whole number, got '" + s + "'");
            }
        }
        return new IntraOpPool(n);
    }

    int threads() {
        return threads;
    }

    /** Runs body(chunk) for chunk in [0, chunks), in parallel when worthwhile; returns when all are done. */
    void forEach(int chunks, java.util.function.IntConsumer body) {
        if (pool == null || chunks == 1 || Thread.currentThread() instanceof java.util.concurrent.ForkJoinWorkerThread) {
            for (int i = 0; i < chunks; i++) {
                body.accept(i);
            }
            return;
        }
        ForkJoinTask<?> task = pool.submit(() -> IntStream.range(0, chunks).parallel().forEach(body));
        try {
            task.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running CPU kernels", e);
        } catch (java.util.concurrent.ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException r) {
                throw r;
            }
            if (cause instanceof Error err) {
                throw err;
            }
            throw new IllegalStateException(cause);
        }
    }
}

package striate.cpu;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.IntConsumer;

/**
 * The CPU backend's intra-op threads: one pool per backend, sized to the cores or to
 * {@code -Dstriate.cpu.threads}. Work is split into a fixed number of chunks that does not depend on the
 * thread count, and reductions combine chunk results in chunk order, so results are identical whatever
 * the number of threads (or whichever thread runs a chunk).
 *
 * <p>Built for ops of tens of microseconds, which a training step runs by the hundred: the calling thread takes
 * chunks itself, and the workers spin for a moment after each op before they park, so back-to-back ops find them
 * awake (as OpenMP runtimes do). Waking a parked thread costs about as much as a small op, so with a pool whose
 * caller only waited, small ops ran slower on two threads than on one (benchmarks/RESULTS.md, run 5). A call made
 * while another is running (a nested call from a chunk, or a second caller thread) runs its chunks on its own
 * thread.
 */
final class IntraOpPool {
    /** How long an idle worker keeps polling for the next op before it parks. */
    private static final long SPIN_NANOS = 200_000;

    private final int threads;
    private final Worker[] workers;
    private final AtomicBoolean busy = new AtomicBoolean();
    private volatile Job current;

    IntraOpPool(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("striate.cpu.threads must be >= 1, got " + threads);
        }
        this.threads = threads;
        this.workers = new Worker[threads - 1];
        for (int i = 0; i < workers.length; i++) {
            workers[i] = new Worker();
            Thread t = new Thread(workers[i], "striate-cpu-" + i);
            t.setDaemon(true);
            workers[i].thread = t;
            t.start();
        }
    }

    /**
     * Threads from {@code -Dstriate.cpu.threads}, else the number of available processors; at most
     * {@link CpuBackend#MAX_THREADS_PER_CORE} per processor.
     */
    static IntraOpPool fromSystemProperties() {
        String s = System.getProperty("striate.cpu.threads");
        int cores = Runtime.getRuntime().availableProcessors();
        int n = cores;
        if (s != null) {
            try {
                n = Integer.parseInt(s.trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("-Dstriate.cpu.threads must be a whole number, got '" + s + "'");
            }
            if (n > CpuBackend.MAX_THREADS_PER_CORE * cores) {
                throw new IllegalArgumentException("-Dstriate.cpu.threads=" + n + " is more than "
                        + CpuBackend.MAX_THREADS_PER_CORE + " per core ("
                        + cores + (cores == 1 ? " core" : " cores") + " here); extra threads only share the cores");
            }
        }
        return new IntraOpPool(n);
    }

    int threads() {
        return threads;
    }

    /** Runs body(chunk) for chunk in [0, chunks), in parallel when worthwhile; returns when all are done. */
    void forEach(int chunks, IntConsumer body) {
        if (workers.length == 0 || chunks == 1 || !busy.compareAndSet(false, true)) {
            for (int i = 0; i < chunks; i++) {
                body.accept(i);
            }
            return;
        }
        Job job = new Job(chunks, body);
        try {
            current = job;
            for (Worker w : workers) {
                if (w.parked) {
                    LockSupport.unpark(w.thread);
                }
            }
            job.run();
            job.awaitDone();
        } finally {
            current = null;
            busy.set(false);
        }
        job.rethrow();
    }

    /** One op's chunks, taken in order by whichever thread asks next. */
    private static final class Job {
        private final int chunks;
        private final IntConsumer body;
        private final AtomicInteger next = new AtomicInteger();
        private final AtomicInteger done = new AtomicInteger();
        private volatile Throwable failure;

        Job(int chunks, IntConsumer body) {
            this.chunks = chunks;
            this.body = body;
        }

        void run() {
            for (int i = next.getAndIncrement(); i < chunks; i = next.getAndIncrement()) {
                try {
                    body.accept(i);
                } catch (Throwable t) {
                    if (failure == null) {
                        failure = t;
                    }
                } finally {
                    done.incrementAndGet();
                }
            }
        }

        /** Spins until every chunk is done; the last ones are running on workers and take microseconds. */
        void awaitDone() {
            while (done.get() < chunks) {
                Thread.onSpinWait();
            }
        }

        void rethrow() {
            Throwable t = failure;
            if (t instanceof RuntimeException r) {
                throw r;
            }
            if (t instanceof Error e) {
                throw e;
            }
            if (t != null) {
                throw new IllegalStateException(t);
            }
        }
    }

    /** Takes chunks of each new job; polls for SPIN_NANOS after one, then parks until the next job unparks it. */
    private final class Worker implements Runnable {
        volatile boolean parked;
        Thread thread;

        @Override
        public void run() {
            Job last = null;
            long idleSince = System.nanoTime();
            while (true) {
                Job job = current;
                if (job != null && job != last) {
                    last = job;
                    job.run();
                    idleSince = System.nanoTime();
                } else if (System.nanoTime() - idleSince < SPIN_NANOS) {
                    Thread.onSpinWait();
                } else {
                    parked = true; // then look once more: a job published before this write would get no unpark
                    job = current;
                    if (job == null || job == last) {
                        LockSupport.parkNanos(this, 100_000_000L);
                    }
                    parked = false;
                    idleSince = System.nanoTime();
                }
            }
        }
    }
}

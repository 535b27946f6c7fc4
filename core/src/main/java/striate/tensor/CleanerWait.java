package striate.tensor;

import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;

/**
 * A garbage collection asked for, and a short wait for the cleaner to free what it found: how host memory held
 * outside scopes ({@link UnscopedMemory}) and a device allocator that found its device full get back the memory of
 * tensors nobody refers to any more.
 */
public final class CleanerWait {
    private CleanerWait() {
    }

    /**
     * Runs {@code collector} (normally {@link System#gc}), then sleeps a millisecond at a time, at most {@code maxMs},
     * until {@code enough} holds or {@code progress} (a count the cleaner's frees move) stood still over a millisecond
     * after the first four. An interrupt ends the wait and is kept on the thread.
     */
    public static void collectAndWait(Runnable collector, LongSupplier progress, BooleanSupplier enough, int maxMs) {
        collector.run();
        long previous = progress.getAsLong();
        for (int ms = 0; ms < maxMs && !enough.getAsBoolean(); ms++) {
            try {
                Thread.sleep(1);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            long now = progress.getAsLong();
            if (now == previous && ms >= 4) {
                return;
            }
            previous = now;
        }
    }
}

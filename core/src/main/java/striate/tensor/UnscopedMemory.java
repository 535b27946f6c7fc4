package striate.tensor;

import java.lang.foreign.MemorySegment;
import java.lang.ref.Cleaner;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The host memory that tensors hold outside every {@link MemoryScope}, counted, with a collection asked for when it
 * grows. Such memory is freed only when the garbage collector finds its segment unreachable, and eager ops allocate
 * megabytes of tensor memory for kilobytes of Java objects, so the collector may not run for gigabytes: a LeNet C1
 * forward and backward in a plain loop held 3.4 MB more per call and reached 9.6 GB resident after 4,000 calls, with
 * fresh pages faulted in on every call. When the bytes outstanding pass the threshold, the allocating thread calls
 * {@link System#gc()} and waits up to {@link #WAIT_MS} ms for the freed blocks to come back; the threshold then
 * becomes twice what is still held (at least the base), so memory that is really in use does not cost a collection
 * per allocation. Process-wide, as the collector is: {@link HostStorage} holds the one instance. Under
 * {@code -XX:+DisableExplicitGC} the request does nothing and memory grows as it would without this.
 */
final class UnscopedMemory {
    /** How long a collection request waits at most for the cleaner to free what the collector found. */
    static final int WAIT_MS = 100;
    private static final long GIB = 1L << 30;

    private final long base;
    private final AtomicLong outstanding = new AtomicLong();
    private final AtomicLong collections = new AtomicLong();
    private final Cleaner cleaner = Cleaner.create();
    private volatile long threshold;

    /** Asks for a collection whenever more than {@code base} bytes (or twice what the last one left) are held. */
    UnscopedMemory(long base) {
        if (base < 1) {
            throw new IllegalArgumentException("the collection threshold must be at least 1 byte, got " + base);
        }
        this.base = base;
        this.threshold = base;
    }

    /**
     * The process's counter: the threshold from {@code -Dstriate.host.collectAfterBytes}, else the smaller of 1 GiB and
     * the Java heap's maximum (the JDK's own default limit for direct buffers is the heap's maximum).
     */
    static UnscopedMemory fromSystemProperties() {
        String s = System.getProperty("striate.host.collectAfterBytes");
        if (s == null) {
            return new UnscopedMemory(Math.min(GIB, Runtime.getRuntime().maxMemory()));
        }
        try {
            return new UnscopedMemory(Long.parseLong(s.trim()));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("-Dstriate.host.collectAfterBytes must be a whole number of bytes, got '"
                    + s + "'");
        }
    }

    /** Counts {@code bytes} that the caller frees itself and reports with {@link #freed}. */
    void allocated(long bytes) {
        if (outstanding.addAndGet(bytes) > threshold) {
            collect();
        }
    }

    /** Counts {@code bytes} that {@link #allocated} counted as given back. */
    void freed(long bytes) {
        outstanding.addAndGet(-bytes);
    }

    /** Counts {@code segment}'s bytes until the segment is unreachable (for memory that its arena frees). */
    MemorySegment track(MemorySegment segment) {
        long bytes = segment.byteSize();
        cleaner.register(segment, () -> freed(bytes));
        allocated(bytes);
        return segment;
    }

    /** Bytes counted and not yet freed. */
    long outstanding() {
        return outstanding.get();
    }

    /** Collections asked for so far. */
    long collections() {
        return collections.get();
    }

    private synchronized void collect() {
        if (outstanding.get() <= threshold) {
            return; // another thread's collection got there first
        }
        collections.incrementAndGet();
        CleanerWait.collectAndWait(System::gc, outstanding::get, () -> outstanding.get() <= base / 2, WAIT_MS);
        threshold = Math.max(base, 2 * outstanding.get());
    }
}

package striate.cuda;

import java.util.ArrayDeque;
import java.util.Map;
import java.util.TreeMap;
import striate.tensor.CleanerWait;

/**
 * Device memory for one device, cached by size class so a training loop that asks for the same sizes every step
 * stops calling the device allocator after its first step. Sizes round up to 512 bytes below 1 MiB and to 2 MiB
 * above; a freed block goes to its class's free list and serves the next request of that class.
 *
 * <p>Frees are stream-ordered: a block may be freed while kernels queued on the device's one stream still use it,
 * because whatever reuses it is queued behind them on the same stream. Only returning blocks to the device
 * ({@link #releaseCache}) waits for the stream first. When the device is out of memory the allocator first asks the
 * JVM for a collection and waits up to {@link #COLLECT_WAIT_MS} ms for the blocks of tensors it found unreachable
 * (outside a {@code MemoryScope} they come back only that way, and a loop of eager ops makes too little Java garbage
 * for the collector to run on its own), then releases its cache and retries once, then throws
 * {@link CudaOutOfMemoryException}. Thread-safe: blocks of unreachable tensors come back on the cleaner's thread.
 */
public final class CachingAllocator<H> {
    static final long SMALL_LIMIT = 1 << 20;
    static final long SMALL_STEP = 512;
    static final long LARGE_STEP = 2 << 20;
    /** How long an allocation that found the device full waits at most for the cleaner after a collection. */
    static final int COLLECT_WAIT_MS = 200;

    /** A block handed out: its device handle and its size class in bytes. */
    public record Block<H>(H handle, long bytes) {
    }

    private final String device;
    private final RawMemory<H> raw;
    private final Runnable collector;
    private final Map<Long, ArrayDeque<H>> free = new TreeMap<>();
    private long inUse;
    private long peak;
    private long cached;
    private long deviceAllocations;
    private long reuses;
    private long returned; // blocks given back by free(), ever: how the wait after a collection sees progress

    public CachingAllocator(String device, RawMemory<H> raw) {
        this(device, raw, System::gc);
    }

    /** As the public constructor, with {@code collector} in place of {@link System#gc} (for tests). */
    CachingAllocator(String device, RawMemory<H> raw, Runnable collector) {
        this.device = device;
        this.raw = raw;
        this.collector = collector;
    }

    /** The size class of a request: what a block for it really holds. */
    public static long sizeClass(long bytes) {
        long b = Math.max(1, bytes);
        long step = b <= SMALL_LIMIT ? SMALL_STEP : LARGE_STEP;
        return (b + step - 1) / step * step;
    }

    /** A block of at least {@code bytes}, from the cache when one of its class is free. */
    public Block<H> allocate(long bytes) {
        long size = sizeClass(bytes);
        Block<H> block = fromCacheOrDevice(size);
        if (block != null) {
            return block;
        }
        // without the lock: the cleaner's frees need it
        CleanerWait.collectAndWait(collector, this::returnedSoFar, () -> false, COLLECT_WAIT_MS);
        synchronized (this) {
            block = fromCacheOrDevice(size);
            if (block != null) {
                return block;
            }
            long heldCache = cached;
            releaseCache();
            H h = raw.allocate(size);
            if (h == null) {
                throw new CudaOutOfMemoryException(device, bytes, inUse, heldCache);
            }
            return handOut(h, size, false);
        }
    }

    /** A block of class {@code size} from the cache, else from the device; null when the device is full. */
    private synchronized Block<H> fromCacheOrDevice(long size) {
        ArrayDeque<H> list = free.get(size);
        H h = list == null ? null : list.poll();
        if (h != null) {
            cached -= size;
            return handOut(h, size, true);
        }
        h = raw.allocate(size);
        return h == null ? null : handOut(h, size, false);
    }

    private Block<H> handOut(H h, long size, boolean reused) {
        if (reused) {
            reuses++;
        } else {
            deviceAllocations++;
        }
        inUse += size;
        peak = Math.max(peak, inUse);
        return new Block<>(h, size);
    }

    private synchronized long returnedSoFar() {
        return returned;
    }

    /** Takes a block back into the cache (stream-ordered: see the class comment). */
    public synchronized void free(Block<H> block) {
        returned++;
        inUse -= block.bytes();
        cached += block.bytes();
        free.computeIfAbsent(block.bytes(), k -> new ArrayDeque<>()).push(block.handle());
    }

    /** Returns every cached block to the device, after the stream's work is done. */
    public synchronized void releaseCache() {
        if (cached == 0) {
            return;
        }
        raw.synchronize();
        for (ArrayDeque<H> list : free.values()) {
            for (H h : list) {
                raw.free(h);
            }
        }
        free.clear();
        cached = 0;
    }

    public synchronized AllocatorStats stats() {
        return new AllocatorStats(inUse, peak, cached, deviceAllocations, reuses);
    }
}

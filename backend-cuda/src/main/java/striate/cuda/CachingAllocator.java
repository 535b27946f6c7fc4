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
 *
 * <p>A CUDA graph's memory is a {@link PrivatePool}: while its capture runs ({@link #beginPrivatePool}), every block
 * handed out belongs to the pool, and a block of the pool that is freed, then or later, goes back to the pool's own
 * free lists, never to the shared cache: the graph's replays write those addresses, so nothing outside the graph may
 * be given them while it lives. Within the capture the pool's freed blocks serve its later requests (the graph's
 * kernels run in stream order, as eager ones do). {@link #closePrivatePool}, when the graph is destroyed, gives the
 * pool's free blocks to the shared cache and its blocks still in use will go there when freed.
 */
public final class CachingAllocator<H> {
    static final long SMALL_LIMIT = 1 << 20;
    static final long SMALL_STEP = 512;
    static final long LARGE_STEP = 2 << 20;
    /** How long an allocation that found the device full waits at most for the cleaner after a collection. */
    static final int COLLECT_WAIT_MS = 200;

    /** A block handed out: its device handle, its size class in bytes and the graph pool it belongs to (or null). */
    public record Block<H>(H handle, long bytes, PrivatePool<H> pool) {
        public Block(H handle, long bytes) {
            this(handle, bytes, null);
        }
    }

    /** The blocks of one CUDA graph (see the class comment): its free lists, and whether the graph is gone. */
    public static final class PrivatePool<H> {
        private final Map<Long, ArrayDeque<H>> free = new TreeMap<>();
        private long cached;
        private boolean closed;

        /** Bytes in the pool's free lists (blocks the graph's replays use for temporaries). */
        public synchronized long cached() {
            return cached;
        }
    }

    private final String device;
    private final RawMemory<H> raw;
    private final Runnable collector;
    private final Map<Long, ArrayDeque<H>> free = new TreeMap<>();
    // the pools of graphs not yet destroyed: their free blocks are held for their replays, counted apart
    private final java.util.Set<PrivatePool<H>> pools = java.util.Collections.newSetFromMap(
            new java.util.IdentityHashMap<>());
    private long inUse;
    private long peak;
    private long cached;
    private long deviceAllocations;
    private long reuses;
    private long returned; // blocks given back by free(), ever: how the wait after a collection sees progress
    private PrivatePool<H> capturing; // the pool whose graph is being captured, or null

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
            if (capturing != null) { // giving blocks back would wait for the stream, which a capture forbids
                throw new CudaOutOfMemoryException(device, bytes, inUse, heldCache, graphCached(), pools.size(),
                        true);
            }
            releaseCache();
            H h = raw.allocate(size);
            if (h == null) {
                throw new CudaOutOfMemoryException(device, bytes, inUse, heldCache, graphCached(), pools.size(),
                        false);
            }
            return handOut(h, size, false);
        }
    }

    /**
     * A block of class {@code size} from the capturing graph's pool, else the cache, else the device; null when the
     * device is full.
     */
    private synchronized Block<H> fromCacheOrDevice(long size) {
        if (capturing != null) {
            H h = poll(capturing.free, size);
            if (h != null) {
                capturing.cached -= size;
                return handOut(h, size, true);
            }
        }
        H h = poll(free, size);
        if (h != null) {
            cached -= size;
            return handOut(h, size, true);
        }
        h = raw.allocate(size);
        return h == null ? null : handOut(h, size, false);
    }

    /** A free block of class {@code size} from {@code lists}, or null. */
    private static <H> H poll(Map<Long, ArrayDeque<H>> lists, long size) {
        ArrayDeque<H> list = lists.get(size);
        return list == null ? null : list.poll();
    }

    private Block<H> handOut(H h, long size, boolean reused) {
        if (reused) {
            reuses++;
        } else {
            deviceAllocations++;
        }
        inUse += size;
        peak = Math.max(peak, inUse);
        return new Block<>(h, size, capturing);
    }

    /** Starts a graph's pool: every block handed out until {@link #endPrivatePool} belongs to it. */
    public synchronized PrivatePool<H> beginPrivatePool() {
        if (capturing != null) {
            throw new IllegalStateException(device + ": a CUDA graph is already being captured; captures do not nest");
        }
        capturing = new PrivatePool<>();
        pools.add(capturing);
        return capturing;
    }

    /** Ends the capture of {@code pool}'s graph: later requests are served as before. */
    public synchronized void endPrivatePool(PrivatePool<H> pool) {
        if (capturing != pool) {
            throw new IllegalStateException(device + ": this graph's pool is not the one being captured");
        }
        capturing = null;
    }

    /**
     * The graph of {@code pool} is destroyed: the pool's free blocks go to the shared cache, and its blocks still in
     * use will when they are freed.
     */
    public synchronized void closePrivatePool(PrivatePool<H> pool) {
        if (capturing == pool) {
            capturing = null;
        }
        pools.remove(pool);
        synchronized (pool) {
            if (pool.closed) {
                return;
            }
            pool.closed = true;
            pool.free.forEach((size, list) -> {
                cached += size * list.size();
                free.computeIfAbsent(size, k -> new ArrayDeque<>()).addAll(list);
            });
            pool.free.clear();
            pool.cached = 0;
        }
    }

    private synchronized long returnedSoFar() {
        return returned;
    }

    /**
     * Takes a block back into the cache, or into its graph's pool while the graph lives (stream-ordered: see the class
     * comment).
     */
    public synchronized void free(Block<H> block) {
        returned++;
        inUse -= block.bytes();
        PrivatePool<H> pool = block.pool();
        if (pool != null) {
            synchronized (pool) {
                if (!pool.closed) {
                    pool.cached += block.bytes();
                    pool.free.computeIfAbsent(block.bytes(), k -> new ArrayDeque<>()).push(block.handle());
                    return;
                }
            }
        }
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
        return new AllocatorStats(inUse, peak, cached, graphCached(), deviceAllocations, reuses);
    }

    /** Bytes free in the pools of graphs not yet destroyed (this allocator's lock held). */
    private long graphCached() {
        long bytes = 0;
        for (PrivatePool<H> pool : pools) {
            bytes += pool.cached();
        }
        return bytes;
    }
}

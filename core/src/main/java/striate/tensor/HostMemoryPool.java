package striate.tensor;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;

/**
 * One host backend's tensor memory. Outside any {@link MemoryScope}, {@link #allocate} returns garbage-collected
 * memory as it always did. Inside one, it hands out a 64-byte-aligned block of this pool, owned by the innermost
 * scope of the calling thread, and takes it back when that scope closes; the next request of the same size class
 * reuses it, so a training step that repeats the same shapes allocates no new memory once warm.
 *
 * <p>Blocks come from one shared {@link Arena} that lives as long as the pool: {@link #close} frees everything
 * at once (an arena cannot free single blocks, so cached blocks stay until then). Size classes are multiples of
 * 64 bytes below 512 bytes, then four per power of two (at most 25% slack). Thread-safe: several threads may
 * share a backend, each with its own scopes.
 *
 * <p>With {@code -Dstriate.poisonUninitialized=true} (the tests set it) blocks handed out with undefined contents
 * are filled with 0xFF bytes, NaN as float, so a kernel that leaves part of its output unwritten shows up in the
 * conformance tests.
 */
public final class HostMemoryPool {
    private final Arena arena = Arena.ofShared();
    private final Map<Long, ArrayDeque<MemorySegment>> free = new HashMap<>(); // size class → cached blocks
    private long bytesInUse;
    private long peakBytesInUse;
    private long bytesCached;
    private long reused;
    private long fresh;
    private boolean closed;

    /**
     * Memory for {@code elements} values of {@code dtype}: from this pool when a scope is open on this thread, else
     * garbage-collected (see {@link HostStorage#allocateUninitialized}). Zeroed when {@code zeroed}; otherwise its contents are undefined (for outputs that the
     * caller overwrites entirely).
     */
    public HostStorage allocate(DType dtype, long elements, boolean zeroed) {
        MemoryScope scope = MemoryScope.current();
        if (scope == null) {
            return zeroed ? HostStorage.allocate(dtype, elements) : HostStorage.allocateUninitialized(dtype, elements);
        }
        long bytes = HostStorage.bytes(dtype, elements);
        long size = sizeClass(bytes);
        MemorySegment block = reuse(size);
        if (block == null) {
            block = carve(size); // fresh from the arena, hence zeroed
            if (!zeroed && HostStorage.POISON) {
                block.fill((byte) 0xFF);
            }
        } else if (zeroed) {
            block.asSlice(0, bytes).fill((byte) 0);
        } else if (HostStorage.POISON) {
            block.fill((byte) 0xFF);
        }
        HostStorage s = new HostStorage(dtype, block.asSlice(0, bytes), block, this);
        scope.own(s);
        return s;
    }

    private synchronized MemorySegment reuse(long size) {
        checkOpen();
        ArrayDeque<MemorySegment> cached = free.get(size);
        MemorySegment block = cached == null ? null : cached.pollLast();
        if (block != null) {
            reused++;
            bytesCached -= size;
            inUse(size);
        }
        return block;
    }

    private synchronized MemorySegment carve(long size) {
        checkOpen();
        MemorySegment block = arena.allocate(size, 64);
        fresh++;
        inUse(size);
        return block;
    }

    private void inUse(long size) {
        bytesInUse += size;
        peakBytesInUse = Math.max(peakBytesInUse, bytesInUse);
    }

    /** Takes a block back (from a closing scope); ignored once the pool is closed, since its memory is gone. */
    synchronized void give(MemorySegment block) {
        if (closed) {
            return;
        }
        free.computeIfAbsent(block.byteSize(), k -> new ArrayDeque<>()).addLast(block);
        bytesInUse -= block.byteSize();
        bytesCached += block.byteSize();
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("this backend is closed: its memory pool was freed");
        }
    }

    /** The counters now. */
    public synchronized MemoryStats stats() {
        return new MemoryStats(bytesInUse, peakBytesInUse, bytesCached, reused, fresh);
    }

    /**
     * Frees every block, cached or still owned by an open scope (whose tensors then fail on access); the counters
     * of memory held drop to zero. Idempotent.
     */
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        free.clear();
        bytesInUse = 0;
        bytesCached = 0;
        arena.close();
    }

    /** The block size serving {@code bytes}: 64-byte steps below 512, then four classes per power of two. */
    static long sizeClass(long bytes) {
        long b = Math.max(64, (bytes + 63) & -64L);
        int step = 63 - Long.numberOfLeadingZeros(b) - 2; // a quarter of the power of two at or below b
        if (step <= 6) {
            return b;
        }
        long unit = 1L << step;
        return (b + unit - 1) & -unit;
    }
}

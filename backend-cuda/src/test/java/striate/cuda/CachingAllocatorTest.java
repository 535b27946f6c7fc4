package striate.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.ref.Cleaner;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Size classes, reuse, counters and the out-of-memory path, on a fake device memory of fixed capacity. */
class CachingAllocatorTest {
    /** Device memory of {@code capacity} bytes: handles are distinct longs; counts calls. */
    static final class FakeMemory implements RawMemory<Long> {
        final long capacity;
        long used;
        long next = 1;
        int allocations;
        int frees;
        int syncs;
        final Set<Long> live = new HashSet<>();
        final java.util.Map<Long, Long> sizes = new java.util.HashMap<>();

        FakeMemory(long capacity) {
            this.capacity = capacity;
        }

        @Override
        public Long allocate(long bytes) {
            if (used + bytes > capacity) {
                return null;
            }
            used += bytes;
            allocations++;
            Long h = next++;
            live.add(h);
            sizes.put(h, bytes);
            return h;
        }

        @Override
        public void free(Long block) {
            assertTrue(live.remove(block), "double free of " + block);
            used -= sizes.remove(block);
            frees++;
        }

        @Override
        public void synchronize() {
            syncs++;
        }
    }

    @Test
    void sizeClassesRoundTo512BytesThenTo2MiB() {
        assertEquals(512, CachingAllocator.sizeClass(0));
        assertEquals(512, CachingAllocator.sizeClass(4));
        assertEquals(1024, CachingAllocator.sizeClass(513));
        assertEquals(1 << 20, CachingAllocator.sizeClass((1 << 20) - 100));
        assertEquals(2 << 20, CachingAllocator.sizeClass((1 << 20) + 1));
        assertEquals(4 << 20, CachingAllocator.sizeClass((2 << 20) + 1));
    }

    @Test
    void aFreedBlockServesTheNextRequestOfItsClass() {
        FakeMemory raw = new FakeMemory(1 << 30);
        CachingAllocator<Long> a = new CachingAllocator<>("fake", raw);
        CachingAllocator.Block<Long> x = a.allocate(1000);
        assertEquals(1024, x.bytes());
        assertEquals(new AllocatorStats(1024, 1024, 0, 0, 1, 0), a.stats());
        a.free(x);
        assertEquals(new AllocatorStats(0, 1024, 1024, 0, 1, 0), a.stats());
        CachingAllocator.Block<Long> y = a.allocate(600); // same class: 1024
        assertSame(x.handle(), y.handle());
        assertEquals(new AllocatorStats(1024, 1024, 0, 0, 1, 1), a.stats());
        CachingAllocator.Block<Long> z = a.allocate(100); // another class: a new device block
        assertEquals(2, raw.allocations);
        assertEquals(1024 + 512, a.stats().inUse());
        a.free(y);
        a.free(z);
        assertEquals(0, a.stats().inUse());
        assertEquals(1024 + 512, a.stats().peak());
        assertEquals(0, raw.frees, "freed blocks stay cached");
    }

    @Test
    void aSteadyLoopStopsAllocatingOnTheDevice() {
        FakeMemory raw = new FakeMemory(1 << 30);
        CachingAllocator<Long> a = new CachingAllocator<>("fake", raw);
        for (int step = 0; step < 100; step++) {
            var x = a.allocate(3 << 20);
            var y = a.allocate(4000);
            var z = a.allocate(4000);
            a.free(y);
            a.free(x);
            a.free(z);
        }
        assertEquals(3, raw.allocations);
        assertEquals(297, a.stats().reuses());
        assertEquals(0, a.stats().inUse());
    }

    @Test
    void outOfMemoryReleasesTheCacheRetriesThenThrowsWithTheNumbers() {
        FakeMemory raw = new FakeMemory((8 << 20) + 512);
        CachingAllocator<Long> a = new CachingAllocator<>("fake:0", raw);
        var held = a.allocate(4 << 20);
        a.free(a.allocate(2 << 20)); // 2 MiB cached
        var again = a.allocate(4 << 20); // only 2 MiB left on the device: the cache goes back, then it fits
        assertNotNull(again);
        assertEquals(1, raw.frees);
        assertEquals(1, raw.syncs, "the stream is drained before blocks go back to the device");
        assertEquals(0, a.stats().cached());
        a.free(a.allocate(100)); // 512 bytes cached
        CudaOutOfMemoryException e = assertThrows(CudaOutOfMemoryException.class, () -> a.allocate(1 << 20));
        assertEquals(1 << 20, e.requested());
        assertEquals(8 << 20, e.inUse());
        assertEquals(512, e.cached());
        assertTrue(e.getMessage().contains("out of memory on fake:0") && e.getMessage().contains("smaller batch"),
                e.getMessage());
        a.free(held);
        assertNotNull(a.allocate(1 << 20), "after freeing, a smaller request succeeds");
    }

    /**
     * Memory held free by a graph that still lives is counted apart, in the statistics and in the out-of-memory
     * message, which also says when the request came during a capture (when nothing can be released).
     */
    @Test
    void graphsPoolsAreCountedApartAndTheMessageSaysWhenACaptureRuns() {
        FakeMemory raw = new FakeMemory(8 << 20);
        CachingAllocator<Long> a = new CachingAllocator<>("fake:0", raw);
        CachingAllocator.PrivatePool<Long> pool = a.beginPrivatePool();
        a.free(a.allocate(2 << 20)); // 2 MiB held free in the graph's pool
        CudaOutOfMemoryException during = assertThrows(CudaOutOfMemoryException.class, () -> a.allocate(7 << 20));
        assertTrue(during.getMessage().contains("2.0 MiB (2097152 bytes) more held free by 1 CUDA graph(s)")
                && during.getMessage().contains("during a CUDA graph's capture"), during.getMessage());
        a.endPrivatePool(pool);
        assertEquals(2 << 20, a.stats().graphCached());
        assertTrue(a.stats().toString().contains("in CUDA graphs' pools 2.0 MiB"), a.stats().toString());
        CudaOutOfMemoryException after = assertThrows(CudaOutOfMemoryException.class, () -> a.allocate(7 << 20));
        assertTrue(after.getMessage().contains("held free by 1 CUDA graph(s)")
                && after.getMessage().contains("the cache released and the request retried"), after.getMessage());
        a.closePrivatePool(pool);
        assertEquals(0, a.stats().graphCached());
        assertEquals(2 << 20, a.stats().cached(), "the destroyed graph's blocks joined the shared cache");
        assertFalse(a.stats().toString().contains("graphs' pools"));
    }

    @Test
    void blocksOfUnreachableTensorsComeBackThroughACollectionBeforeOutOfMemory() {
        // 16 MiB of device memory and a loop that drops each 4 MiB tensor, as eager code outside a MemoryScope does:
        // the blocks come back only through the cleaner, after a collection the allocator asks for when it is full
        FakeMemory raw = new FakeMemory(16 << 20);
        int[] collections = {0};
        CachingAllocator<Long> a = new CachingAllocator<>("fake:0", raw, () -> {
            collections[0]++;
            System.gc();
        });
        Cleaner cleaner = Cleaner.create();
        for (int i = 0; i < 40; i++) {
            var block = a.allocate(4 << 20);
            cleaner.register(new Object(), () -> a.free(block)); // a tensor that nobody keeps
        }
        assertTrue(collections[0] >= 1, "no collection was asked for");
        assertTrue(a.stats().inUse() <= 16 << 20, a.stats().toString());
    }
    @Test
    void aGraphsBlocksGoBackToItsPoolNotToTheSharedCache() {
        FakeMemory raw = new FakeMemory(1 << 30);
        CachingAllocator<Long> a = new CachingAllocator<>("fake", raw);
        var shared = a.allocate(1000);
        a.free(shared); // 1024 bytes in the shared cache
        CachingAllocator.PrivatePool<Long> pool = a.beginPrivatePool();
        var inGraph = a.allocate(1000); // the shared cache's block, now the graph's
        assertSame(shared.handle(), inGraph.handle());
        assertSame(pool, inGraph.pool());
        var temporary = a.allocate(5000);
        a.free(temporary); // freed inside the capture: back to the pool...
        assertEquals(0, a.stats().cached());
        assertEquals(5120, pool.cached());
        var again = a.allocate(5000); // ...and it serves the capture's next request of its class
        assertSame(temporary.handle(), again.handle());
        a.free(again);
        a.endPrivatePool(pool);

        var eager = a.allocate(5000); // after the capture: the graph's free block is not given out
        assertNotSame(temporary.handle(), eager.handle());
        assertNull(eager.pool());
        a.free(inGraph); // a graph output freed while the graph lives: still the graph's
        a.free(eager);
        assertEquals(5120 + 1024, pool.cached());
        assertEquals(5120, a.stats().cached(), "only the eager block is in the shared cache");

        a.closePrivatePool(pool); // the graph is destroyed: its blocks join the shared cache
        assertEquals(0, pool.cached());
        assertEquals(5120 + 5120 + 1024, a.stats().cached());
        var reused = a.allocate(1000);
        assertSame(shared.handle(), reused.handle());
        a.free(reused);
        assertEquals(0, a.stats().inUse());
    }

    @Test
    void aBlockOfAClosedPoolFreedLaterGoesToTheSharedCache() {
        CachingAllocator<Long> a = new CachingAllocator<>("fake", new FakeMemory(1 << 30));
        CachingAllocator.PrivatePool<Long> pool = a.beginPrivatePool();
        var output = a.allocate(100);
        a.endPrivatePool(pool);
        a.closePrivatePool(pool);
        a.free(output);
        assertEquals(512, a.stats().cached());
        assertEquals(0, pool.cached());
    }

    @Test
    void capturesDoNotNestAndTheFullDeviceIsNotDrainedDuringOne() {
        FakeMemory raw = new FakeMemory(4 << 20);
        CachingAllocator<Long> a = new CachingAllocator<>("fake:0", raw, () -> { });
        a.free(a.allocate(2 << 20)); // 2 MiB cached
        CachingAllocator.PrivatePool<Long> pool = a.beginPrivatePool();
        assertThrows(IllegalStateException.class, a::beginPrivatePool);
        var held = a.allocate(2 << 20); // the cached block
        assertThrows(CudaOutOfMemoryException.class, () -> a.allocate(4 << 20));
        assertEquals(0, raw.syncs, "no wait for the stream while capturing");
        assertEquals(0, raw.frees);
        a.free(held);
        a.endPrivatePool(pool);
        assertThrows(IllegalStateException.class, () -> a.endPrivatePool(pool));
    }
}

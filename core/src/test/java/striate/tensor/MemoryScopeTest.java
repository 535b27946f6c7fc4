package striate.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import striate.reference.ReferenceBackend;

/**
 * The host memory pool and {@link MemoryScope}, on a reference backend of the test's own (so the counters count
 * this test only): memory comes back at close and is reused, a tensor used after its scope closed fails loudly,
 * keep and outside let tensors survive, and closing the backend frees everything.
 */
class MemoryScopeTest {
    private final ReferenceBackend backend = new ReferenceBackend(Device.reference());

    @AfterEach
    void closeBackend() {
        backend.close();
    }

    /** A float32 vector [n] on the test's backend holding 0, 1, ..., n-1. */
    private Tensor range(int n) {
        Tensor t = Tensor.output(backend, Shape.of(n), DType.F32);
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = i;
        }
        t.copyFrom(v);
        return t;
    }

    private MemoryStats stats() {
        return backend.memoryStats();
    }

    @Test
    void withoutAScopeMemoryIsGarbageCollectedAndNotCounted() {
        Tensor t = range(100).mul(2);
        assertEquals(198, t.toDoubleArray()[99]);
        assertEquals(new MemoryStats(0, 0, 0, 0, 0), stats());
    }

    @Test
    void closingAScopeReturnsItsMemoryAndTheNextScopeReusesIt() {
        try (MemoryScope scope = MemoryScope.open()) {
            Tensor y = range(100).add(1); // two blocks of 448 bytes (400 rounded up)
            assertEquals(100, y.toDoubleArray()[99]);
            assertEquals(new MemoryStats(896, 896, 0, 0, 2), stats());
        }
        assertEquals(new MemoryStats(0, 896, 896, 0, 2), stats());
        try (MemoryScope scope = MemoryScope.open()) {
            range(100).add(1);
            range(100);
            assertEquals(new MemoryStats(1344, 1344, 0, 2, 3), stats(), "two reused, one fresh");
        }
        assertEquals(0, stats().bytesInUse());
        assertEquals(1344, stats().bytesCached());
    }

    @Test
    void aTensorUsedAfterItsScopeClosedFailsLoudly() {
        Tensor t;
        Tensor view;
        try (MemoryScope scope = MemoryScope.open()) {
            t = range(6);
            view = t.reshape(2, 3);
        }
        for (Runnable use : new Runnable[] {t::toDoubleArray, () -> view.get(1, 1), () -> t.add(1),
                () -> t.copyFrom(new double[6]), () -> ((HostStorage) t.storage()).segment()}) {
            IllegalStateException e = assertThrows(IllegalStateException.class, use::run);
            assertTrue(e.getMessage().startsWith("tensor used after its MemoryScope closed"), e.getMessage());
        }
        assertTrue(t.toString().contains("released"), t.toString());
    }

    @Test
    void zeroedAllocationsAreZeroOnReuse() {
        try (MemoryScope scope = MemoryScope.open()) {
            range(50).add(7);
        }
        try (MemoryScope scope = MemoryScope.open()) {
            Tensor z = Tensor.empty(backend, Shape.of(50), DType.F32);
            assertEquals(1, stats().reusedAllocations());
            assertArrayEquals(new double[50], z.toDoubleArray());
        }
    }

    @Test
    void aKeptTensorPassesToTheEnclosingScopeThenLeavesThePool() {
        Tensor kept;
        try (MemoryScope outer = MemoryScope.open()) {
            try (MemoryScope inner = MemoryScope.open()) {
                kept = inner.keep(range(10).mul(3));
            }
            assertEquals(27, kept.toDoubleArray()[9], "owned by the outer scope now");
            assertEquals(64, stats().bytesInUse(), "the temporary went back; [10] fits in 64 bytes");
            assertSame(kept, outer.keep(kept));
        }
        assertEquals(27, kept.toDoubleArray()[9], "copied to garbage-collected memory");
        assertEquals(0, stats().bytesInUse());
    }

    @Test
    void tensorsFromOutsideTheScopeAreNotAffected() {
        Tensor before = range(8);
        Tensor state;
        try (MemoryScope scope = MemoryScope.open()) {
            before.add(1);
            state = MemoryScope.outside(() -> Tensor.empty(backend, Shape.of(8), DType.F32));
            assertSame(before, scope.keep(before), "keep ignores tensors the scope does not own");
        }
        assertEquals(7, before.toDoubleArray()[7]);
        assertArrayEquals(new double[8], state.toDoubleArray());
        assertEquals(1, stats().freshAllocations(), "only before.add(1) came from the pool");
    }

    @Test
    void scopesAreConfinedToTheirThreadAndCloseInnermostFirst() throws Exception {
        MemoryScope outer = MemoryScope.open();
        MemoryScope inner = MemoryScope.open();
        assertThrows(IllegalStateException.class, outer::close, "outer before inner");
        AtomicReference<Throwable> fromOtherThread = new AtomicReference<>();
        AtomicReference<Tensor> made = new AtomicReference<>();
        Thread other = new Thread(() -> {
            made.set(range(16)); // no scope open on this thread: garbage-collected
            try {
                inner.close();
            } catch (Throwable e) {
                fromOtherThread.set(e);
            }
        });
        other.start();
        other.join();
        assertTrue(fromOtherThread.get() instanceof IllegalStateException, String.valueOf(fromOtherThread.get()));
        inner.close();
        outer.close();
        assertDoesNotThrow(outer::close, "closing twice is harmless");
        assertEquals(15, made.get().toDoubleArray()[15]);
        assertEquals(0, stats().freshAllocations());
    }

    @Test
    void closingTheBackendFreesItsMemory() {
        try (MemoryScope scope = MemoryScope.open()) {
            range(1000).exp();
        }
        assertEquals(2 * 4096, stats().bytesCached());
        Tensor stranded;
        try (MemoryScope scope = MemoryScope.open()) {
            stranded = range(1000);
            assertEquals(4096, stats().bytesInUse());
            backend.close();
            assertEquals(new MemoryStats(0, 8192, 0, 1, 2), stats(), "nothing held; the totals remain");
            assertThrows(IllegalStateException.class, stranded::toDoubleArray, "its arena is closed");
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> range(4));
            assertTrue(e.getMessage().contains("backend is closed"), e.getMessage());
        }
        assertTrue(((HostStorage) stranded.storage()).released());
    }

    @Test
    void sizeClassesRoundUpByAtMostAQuarter() {
        assertEquals(64, HostMemoryPool.sizeClass(1));
        assertEquals(448, HostMemoryPool.sizeClass(400));
        assertEquals(512, HostMemoryPool.sizeClass(512));
        assertEquals(640, HostMemoryPool.sizeClass(513));
        assertEquals(4096, HostMemoryPool.sizeClass(4000));
        assertEquals(5 << 20, HostMemoryPool.sizeClass((4 << 20) + 1));
        for (long b = 1; b < 1 << 22; b = b * 3 / 2 + 1) {
            long c = HostMemoryPool.sizeClass(b);
            assertTrue(c >= b && c % 64 == 0 && (c <= 512 || c - b <= b / 4), b + " → " + c);
        }
    }

    /**
     * A leaf's gradient made in a closed scope (backward in one step, no zeroGrad, backward in the next) is named as
     * such, with what to do; it failed as an unnamed "tensor used after its MemoryScope closed".
     */
    @Test
    void aGradientKeptFromAClosedScopeIsNamed() {
        Tensor w = Tensor.of(Device.reference(), new float[] {1, 2}).requiresGrad(true);
        try (MemoryScope step = MemoryScope.open()) {
            w.mul(3).sum().backward();
        }
        try (MemoryScope step = MemoryScope.open()) {
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> w.mul(3).sum().backward());
            assertTrue(e.getMessage().startsWith("backward: the gradient a leaf [2] holds is from a MemoryScope that "
                    + "has closed") && e.getMessage().contains("optimizer.zeroGrad()"), e.getMessage());
        }
    }
}

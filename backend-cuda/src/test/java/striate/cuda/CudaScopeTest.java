package striate.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.ref.Cleaner;
import jcuda.driver.CUdeviceptr;
import org.junit.jupiter.api.Test;
import striate.tensor.DType;
import striate.tensor.MemoryScope;

/**
 * Storage lifetimes on a fake device memory: close frees once, the cleaner frees what nobody closed, a MemoryScope
 * frees what it owns.
 */
class CudaScopeTest {
    private final CachingAllocator<CUdeviceptr> allocator = new CachingAllocator<>("fake", new RawMemory<>() {
        @Override
        public CUdeviceptr allocate(long bytes) {
            return new CUdeviceptr();
        }

        @Override
        public void free(CUdeviceptr block) {
        }

        @Override
        public void synchronize() {
        }
    });
    private final Cleaner cleaner = Cleaner.create();

    @Test
    void closeFreesOnceAndLaterUseIsAnError() {
        CudaStorage s = new CudaStorage(DType.F32, 1000, allocator, cleaner);
        assertEquals(4096, allocator.stats().inUse());
        s.pointer(10);
        s.close();
        s.close();
        assertTrue(s.isClosed());
        assertEquals(0, allocator.stats().inUse());
        assertEquals(4096, allocator.stats().cached());
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> s.pointer(0));
        assertTrue(e.getMessage().contains("used after it was freed"), e.getMessage());
    }

    @Test
    void unreachableStorageComesBackThroughTheCleaner() throws InterruptedException {
        java.util.List<CudaStorage> live = new java.util.ArrayList<>();
        for (int i = 0; i < 10; i++) {
            live.add(new CudaStorage(DType.F32, 100, allocator, cleaner));
        }
        assertEquals(10 * 512, allocator.stats().inUse(), "ten blocks of the smallest size class are in use");
        live.clear(); // now unreachable: only the cleaner can give them back
        // The garbage collector and the cleaner thread run when they will: poll, for at most about 2 s.
        for (int tries = 0; tries < 200 && allocator.stats().inUse() > 0; tries++) {
            System.gc();
            Thread.sleep(10);
        }
        assertEquals(0, allocator.stats().inUse());
    }

    @Test
    void aMemoryScopeFreesTheDeviceMemoryItOwns() {
        MemoryScope outer = MemoryScope.open();
        MemoryScope inner = MemoryScope.open();
        CudaStorage a = new CudaStorage(DType.F32, 10, allocator, cleaner);
        CudaStorage b = new CudaStorage(DType.F32, 10, allocator, cleaner);
        assertTrue(MemoryScope.adopt(a) && MemoryScope.adopt(b));
        assertEquals(2, inner.size());
        assertThrows(IllegalStateException.class, outer::close, "closing out of order");
        inner.close();
        assertTrue(a.isClosed() && b.isClosed());
        outer.close();
        CudaStorage c = new CudaStorage(DType.F32, 1, allocator, cleaner);
        assertFalse(MemoryScope.adopt(c), "no scope open");
        assertFalse(c.isClosed());
    }
}

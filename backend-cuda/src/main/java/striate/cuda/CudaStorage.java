package striate.cuda;

import java.lang.ref.Cleaner;
import java.util.concurrent.atomic.AtomicBoolean;
import jcuda.driver.CUdeviceptr;
import striate.tensor.DType;
import striate.tensor.ScopeOwned;
import striate.tensor.Storage;

/**
 * Device memory of one or more tensors: a block of the device's {@link CachingAllocator}. {@link #close} gives the
 * block back at once (a {@link striate.tensor.MemoryScope} releases everything allocated inside it); a storage nobody closed goes back
 * when the garbage collector finds it unreachable. Using a closed storage is an error, never a read of reused memory.
 */
public final class CudaStorage implements Storage, ScopeOwned, AutoCloseable {
    private final DType dtype;
    private final long elements;
    private final CachingAllocator.Block<CUdeviceptr> block;
    private final Release release;
    private final Cleaner.Cleanable cleanable;
    private int version;

    /** Returns the block once, from close() or from the cleaner; holds no reference to the storage. */
    private record Release(CachingAllocator<CUdeviceptr> allocator, CachingAllocator.Block<CUdeviceptr> block,
                           AtomicBoolean done) implements Runnable {
        @Override
        public void run() {
            if (done.compareAndSet(false, true)) {
                allocator.free(block);
            }
        }
    }

    CudaStorage(DType dtype, long elements, CachingAllocator<CUdeviceptr> allocator, Cleaner cleaner) {
        this.dtype = dtype;
        this.elements = elements;
        this.block = allocator.allocate(Math.max(1, elements) * dtype.bytes());
        this.release = new Release(allocator, block, new AtomicBoolean());
        this.cleanable = cleaner.register(this, release);
    }

    @Override
    public DType dtype() {
        return dtype;
    }

    @Override
    public long elements() {
        return elements;
    }

    @Override
    public int version() {
        return version;
    }

    @Override
    public void changed() {
        version++;
    }

    /** Size of the block in bytes (its size class). */
    public long blockBytes() {
        return block.bytes();
    }

    public boolean isClosed() {
        return release.done().get();
    }

    /** The device address of element {@code index}. */
    CUdeviceptr pointer(long index) {
        if (isClosed()) {
            throw new IllegalStateException("a tensor's device memory was used after it was freed (closed, or its"
                    + " MemoryScope closed); keep tensors that outlive a scope with scope.keep(tensor)");
        }
        return index == 0 ? block.handle() : block.handle().withByteOffset(index * dtype.bytes());
    }

    /** Gives the memory back to the allocator now; idempotent. */
    @Override
    public void close() {
        cleanable.clean();
    }

    /** The owning MemoryScope closed: the memory goes back to the allocator now. */
    @Override
    public void release() {
        close();
    }

    /** Kept past the outermost scope: freed by close() or, once unreachable, by the cleaner. */
    @Override
    public void leaveScopes() {
    }

    @Override
    public boolean released() {
        return isClosed();
    }
}

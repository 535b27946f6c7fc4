package striate.backend;

import striate.tensor.DType;
import striate.tensor.HostMemoryPool;
import striate.tensor.HostStorage;
import striate.tensor.MemoryStats;
import striate.tensor.Storage;

/**
 * Memory handling shared by backends whose device memory is host memory (reference, cpu): each instance owns a
 * {@link HostMemoryPool} that serves allocations made inside a {@link striate.tensor.MemoryScope}; outside any
 * scope memory is garbage-collected.
 */
public abstract class HostBackend implements Backend {
    private final HostMemoryPool pool = new HostMemoryPool();

    @Override
    public Storage allocate(DType dtype, long elements) {
        return pool.allocate(dtype, elements, true);
    }

    @Override
    public Storage allocateOutput(DType dtype, long elements) {
        return pool.allocate(dtype, elements, false);
    }

    @Override
    public HostStorage staging(DType dtype, long elements) {
        return pool.allocate(dtype, elements, false);
    }

    @Override
    public Storage upload(HostStorage host) {
        return host;
    }

    @Override
    public HostStorage download(Storage storage) {
        return (HostStorage) storage;
    }

    @Override
    public void write(Storage dst, long offset, HostStorage src) {
        long bytes = src.elements() * src.dtype().bytes();
        ((HostStorage) dst).segment().asSlice(offset * src.dtype().bytes(), bytes).copyFrom(src.segment());
    }

    @Override
    public MemoryStats memoryStats() {
        return pool.stats();
    }

    /**
     * Frees this backend's pooled memory, cached or still owned by open scopes, and refuses pooled allocations from
     * then on. For backends you created; those {@code Backends.of} hands out live as long as the JVM.
     */
    public void close() {
        pool.close();
    }
}

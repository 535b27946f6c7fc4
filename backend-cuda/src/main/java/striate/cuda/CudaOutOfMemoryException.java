package striate.cuda;

/**
 * The device had no memory for a request even after the caching allocator gave its cache back: names the request
 * and what was held, so the caller can retry with a smaller batch (the process keeps working).
 */
public final class CudaOutOfMemoryException extends RuntimeException {
    private final long requested;
    private final long inUse;
    private final long cached;

    public CudaOutOfMemoryException(String device, long requested, long inUse, long cached) {
        super("out of memory on " + device + ": asked for " + mib(requested) + " with " + mib(inUse) + " in use by tensors"
                + " and " + mib(cached) + " cached (a garbage collection was asked for, the cache released and the request"
                + " retried); use a smaller"
                + " batch, or free tensors (close them or their MemoryScope)");
        this.requested = requested;
        this.inUse = inUse;
        this.cached = cached;
    }

    public long requested() {
        return requested;
    }

    public long inUse() {
        return inUse;
    }

    public long cached() {
        return cached;
    }

    private static String mib(long bytes) {
        return String.format("%.1f MiB (%d bytes)", bytes / (double) (1 << 20), bytes);
    }
}

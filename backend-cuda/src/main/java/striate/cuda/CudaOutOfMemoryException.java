package striate.cuda;

/**
 * The device had no memory for a request even after the caching allocator gave its cache back: names the request
 * and what was held, so the caller can retry with a smaller batch (the process keeps working).
 */
public final class CudaOutOfMemoryException extends RuntimeException {
    private final long requested;
    private final long inUse;
    private final long cached;

    /**
     * {@code graphCached} bytes are held free by {@code graphs} CUDA graphs not yet destroyed; {@code capturing}: the
     * request came during a graph's capture, when the cache cannot be given back (that would wait for the stream).
     */
    public CudaOutOfMemoryException(String device, long requested, long inUse, long cached, long graphCached,
                                    int graphs, boolean capturing) {
        super("out of memory on " + device + ": asked for " + mib(requested) + " with " + mib(inUse) + " in use by tensors"
                + " and " + mib(cached) + " cached"
                + (graphs > 0 ? ", " + mib(graphCached) + " more held free by " + graphs + " CUDA graph(s) not yet"
                        + " destroyed (closing a graph gives its memory back)" : "")
                + (capturing ? " (during a CUDA graph's capture: a garbage collection was asked for, but the cache"
                        + " cannot be released while the stream captures)"
                        : " (a garbage collection was asked for, the cache released and the request retried)")
                + "; use a smaller batch, or free tensors (close them or their MemoryScope)");
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

package striate.tensor;

/**
 * A backend's pooled-memory counters, for {@code striate doctor}, benchmarks and leak tests. Bytes are whole
 * blocks (size classes), so they include the rounding slack. Memory allocated outside any {@link MemoryScope} is
 * garbage-collected and not counted.
 *
 * @param bytesInUse        bytes owned by open scopes now
 * @param peakBytesInUse    the most bytes owned by open scopes at once
 * @param bytesCached       bytes of free blocks kept for reuse
 * @param reusedAllocations allocations served from cached blocks
 * @param freshAllocations  allocations that needed new memory from the arena (page faults on first touch)
 */
public record MemoryStats(long bytesInUse, long peakBytesInUse, long bytesCached, long reusedAllocations,
                          long freshAllocations) {
}

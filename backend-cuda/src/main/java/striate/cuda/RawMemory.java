package striate.cuda;

/**
 * The device's own allocator under {@link CachingAllocator}: cuMemAlloc/cuMemFree on a GPU, a counting fake in
 * tests. {@code H} is the handle of one block (a device pointer).
 */
public interface RawMemory<H> {
    /** A new block of exactly {@code bytes}, or null when the device is out of memory. */
    H allocate(long bytes);

    /** Returns a block to the device. */
    void free(H block);

    /** Waits until queued work is done, so blocks can be handed back to the device safely. */
    void synchronize();
}

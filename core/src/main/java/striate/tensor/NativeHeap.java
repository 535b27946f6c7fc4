package striate.tensor;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.util.Optional;

/**
 * Uninitialized 64-byte-aligned host memory from the C library's allocator ({@code aligned_alloc}/{@code free}
 * through the FFM linker), for kernel outputs that the kernel overwrites completely. Unlike an {@link Arena}
 * allocation it is not zeroed, and the C allocator recycles freed blocks without new page faults, which cost more
 * than a small op (benchmarks/RESULTS.md). Blocks are freed when their segment becomes unreachable, and counted while
 * they are held ({@link UnscopedMemory}, which asks for a collection when they grow). Available only when
 * the JVM grants this code native access ({@code --enable-native-access=ALL-UNNAMED}); otherwise callers use
 * zeroed arena memory.
 */
final class NativeHeap {
    private static final long ALIGN = 64;

    private final MethodHandle alignedAlloc;
    private final MethodHandle free;
    private final UnscopedMemory held;

    private NativeHeap(MethodHandle alignedAlloc, MethodHandle free, UnscopedMemory held) {
        this.alignedAlloc = alignedAlloc;
        this.free = free;
        this.held = held;
    }

    /**
     * The C allocator, counting its blocks in {@code held}; empty when native access is not enabled or the symbols
     * are missing.
     */
    static Optional<NativeHeap> open(UnscopedMemory held) {
        if (!NativeHeap.class.getModule().isNativeAccessEnabled()) {
            return Optional.empty();
        }
        Linker linker = Linker.nativeLinker();
        var lookup = linker.defaultLookup();
        var alloc = lookup.find("aligned_alloc");
        var release = lookup.find("free");
        if (alloc.isEmpty() || release.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new NativeHeap(
                linker.downcallHandle(alloc.get(), FunctionDescriptor.of(ValueLayout.ADDRESS, ValueLayout.JAVA_LONG,
                        ValueLayout.JAVA_LONG)),
                linker.downcallHandle(release.get(), FunctionDescriptor.ofVoid(ValueLayout.ADDRESS)), held));
    }

    /** {@code bytes} of uninitialized memory, freed when the returned segment is garbage. */
    MemorySegment allocate(long bytes) {
        long rounded = (Math.max(1, bytes) + ALIGN - 1) / ALIGN * ALIGN; // aligned_alloc wants a multiple
        held.allocated(rounded); // first: a collection it asks for frees blocks this call can reuse
        MemorySegment block;
        try {
            block = (MemorySegment) alignedAlloc.invokeExact(ALIGN, rounded);
        } catch (Throwable t) {
            held.freed(rounded);
            throw new IllegalStateException("aligned_alloc failed", t);
        }
        if (block.equals(MemorySegment.NULL)) {
            held.freed(rounded);
            throw new OutOfMemoryError("out of native memory: could not allocate " + rounded + " bytes for a tensor");
        }
        return block.reinterpret(bytes, Arena.ofAuto(), unreachable -> release(unreachable, rounded));
    }

    private void release(MemorySegment block, long rounded) {
        try {
            free.invokeExact(block);
        } catch (Throwable t) {
            throw new IllegalStateException("free failed", t);
        } finally {
            held.freed(rounded);
        }
    }
}

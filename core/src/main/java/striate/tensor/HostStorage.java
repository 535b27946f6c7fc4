package striate.tensor;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Optional;

/**
 * Host memory in an off-heap {@link MemorySegment} (64-byte aligned), so native BLAS and device copies can
 * read it without a copy; kernel outputs of at most {@link #SMALL_BYTES} are heap segments instead. Element access widens to double, which is what the reference kernels compute in.
 */
public final class HostStorage implements Storage {
    private final DType dtype;
    private final MemorySegment segment;

    public HostStorage(DType dtype, MemorySegment segment) {
        if (segment.byteSize() % dtype.bytes() != 0) {
            throw new IllegalArgumentException("segment of " + segment.byteSize() + " bytes is not a whole number of "
                    + dtype + " elements");
        }
        this.dtype = dtype;
        this.segment = segment;
    }

    private static final Optional<NativeHeap> NATIVE_HEAP = NativeHeap.open();
    /** Test switch: fill uninitialized memory with NaN (all bits set) so a kernel that relies on zeros fails. */
    private static final boolean POISON = Boolean.getBoolean("striate.poisonUninitialized");

    /**
     * Outputs up to this size live in Java heap arrays: a native block costs a cleaner registration and a phantom
     * reference for the GC (about half a microsecond), which dominates an op on a handful of elements.
     */
    static final long SMALL_BYTES = 1024;

    /**
     * Memory for {@code elements} values whose content is undefined, for outputs a kernel overwrites completely;
     * released when no tensor refers to it any more. Small outputs are heap segments (8-byte aligned; native code
     * gets them by copy); larger ones come from the C allocator, or zeroed arena memory without native access.
     */
    public static HostStorage allocateUninitialized(DType dtype, long elements) {
        long bytes = Math.max(1, elements) * dtype.bytes();
        if (bytes <= SMALL_BYTES) {
            MemorySegment heap = MemorySegment.ofArray(new long[(int) ((bytes + 7) / 8)]).asSlice(0, bytes);
            if (POISON) {
                heap.fill((byte) 0xFF);
            }
            return new HostStorage(dtype, heap);
        }
        if (NATIVE_HEAP.isEmpty()) {
            return allocate(dtype, elements);
        }
        MemorySegment segment = NATIVE_HEAP.get().allocate(bytes);
        if (POISON) {
            segment.fill((byte) 0xFF);
        }
        return new HostStorage(dtype, segment);
    }

    /** Zeroed memory for {@code elements} values, released when no tensor refers to it any more. */
    public static HostStorage allocate(DType dtype, long elements) {
        long bytes = Math.max(1, elements) * dtype.bytes();
        return new HostStorage(dtype, Arena.ofAuto().allocate(bytes, 64));
    }

    @Override
    public DType dtype() {
        return dtype;
    }

    @Override
    public long elements() {
        return segment.byteSize() / dtype.bytes();
    }

    public MemorySegment segment() {
        return segment;
    }

    /** Element {@code i} widened to double. */
    public double get(long i) {
        return switch (dtype) {
            case F32 -> segment.getAtIndex(ValueLayout.JAVA_FLOAT, i);
            case F64 -> segment.getAtIndex(ValueLayout.JAVA_DOUBLE, i);
            case I32 -> segment.getAtIndex(ValueLayout.JAVA_INT, i);
        };
    }

    /** Stores {@code v} at element {@code i}, rounding to the storage type (I32 truncates toward zero). */
    public void set(long i, double v) {
        switch (dtype) {
            case F32 -> segment.setAtIndex(ValueLayout.JAVA_FLOAT, i, (float) v);
            case F64 -> segment.setAtIndex(ValueLayout.JAVA_DOUBLE, i, v);
            case I32 -> segment.setAtIndex(ValueLayout.JAVA_INT, i, (int) v);
        }
    }
}

package striate.tensor;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Optional;

/**
 * Host memory in an off-heap {@link MemorySegment} (64-byte aligned), so native BLAS and device copies can
 * read it without a copy; outside a scope, kernel outputs of at most {@link #SMALL_BYTES} are heap segments
 * instead. Element access widens to double, which is what the reference kernels compute in (BF16 and F16 widen
 * exactly; a double stored into them is rounded to float32 first, then to nearest-even in 2 bytes); copies between
 * storages are byte copies by the backends' copy primitive ({@code Backend.copy}), never element access.
 *
 * <p>Either garbage-collected (allocated outside any {@link MemoryScope}) or a block of a {@link HostMemoryPool}
 * owned by a scope. When that scope closes the block goes back to the pool and this storage is released:
 * {@link #segment}, {@link #get} and {@link #set} then throw instead of reading memory that another tensor
 * may already be using.
 */
public final class HostStorage implements Storage, ScopeOwned {
    /** The bytes held outside scopes, process-wide as the garbage collector is (see {@link UnscopedMemory}). */
    private static final UnscopedMemory UNSCOPED = UnscopedMemory.fromSystemProperties();
    private static final Optional<NativeHeap> NATIVE_HEAP = NativeHeap.open(UNSCOPED);
    /**
     * Test switch ({@code -Dstriate.poisonUninitialized=true}, set by the build): fill memory handed out with
     * undefined contents with NaN (all bits set), so a kernel that relies on zeros or leaves elements unwritten
     * fails the conformance tests.
     */
    static final boolean POISON = Boolean.getBoolean("striate.poisonUninitialized");

    /**
     * Outputs up to this size live in Java heap arrays: a native block costs a cleaner registration and a phantom
     * reference for the GC, which dominates an op on a handful of elements (benchmarks/RESULTS.md).
     */
    static final long SMALL_BYTES = 1024;

    private final DType dtype;
    private MemorySegment segment; // the visible bytes; replaced once by leaveScopes() at the outermost scope
    private MemorySegment block; // the pool block behind segment, or null when garbage-collected
    private HostMemoryPool pool; // where block goes back, or null
    private volatile boolean released;
    private int version;

    public HostStorage(DType dtype, MemorySegment segment) {
        this(dtype, segment, null, null);
    }

    HostStorage(DType dtype, MemorySegment segment, MemorySegment block, HostMemoryPool pool) {
        if (segment.byteSize() % dtype.bytes() != 0) {
            throw new IllegalArgumentException("segment of " + segment.byteSize() + " bytes is not a whole number of "
                    + dtype + " elements");
        }
        this.dtype = dtype;
        this.segment = segment;
        this.block = block;
        this.pool = pool;
    }

    /**
     * Garbage-collected memory for {@code elements} values whose content is undefined, for outputs a kernel
     * overwrites completely. Small outputs are heap segments (8-byte aligned; native code gets them by copy);
     * larger ones come from the C allocator, or zeroed arena memory without native access.
     */
    public static HostStorage allocateUninitialized(DType dtype, long elements) {
        long bytes = bytes(dtype, elements);
        MemorySegment segment;
        if (bytes <= SMALL_BYTES) {
            segment = MemorySegment.ofArray(new long[(int) ((bytes + 7) / 8)]);
            if (segment.byteSize() != bytes) {
                segment = segment.asSlice(0, bytes);
            }
        } else if (NATIVE_HEAP.isPresent()) {
            segment = NATIVE_HEAP.get().allocate(bytes);
        } else {
            return allocate(dtype, elements);
        }
        if (POISON) {
            segment.fill((byte) 0xFF);
        }
        return new HostStorage(dtype, segment);
    }

    /**
     * Zeroed garbage-collected memory for {@code elements} values, released when no tensor refers to it any more
     * (counted meanwhile: {@link UnscopedMemory}).
     */
    public static HostStorage allocate(DType dtype, long elements) {
        MemorySegment segment = Arena.ofAuto().allocate(bytes(dtype, elements), 64);
        return new HostStorage(dtype, segment.byteSize() > SMALL_BYTES ? UNSCOPED.track(segment) : segment);
    }

    /** Bytes of {@code elements} values (at least one, so every storage has an address). */
    static long bytes(DType dtype, long elements) {
        return Math.max(1, elements) * dtype.bytes();
    }

    @Override
    public DType dtype() {
        return dtype;
    }

    @Override
    public long elements() {
        return segment.byteSize() / dtype.bytes();
    }

    /** The memory; throws once this storage's scope has closed. Kernels call it once per run. */
    public MemorySegment segment() {
        checkLive();
        return segment;
    }

    @Override
    public int version() {
        return version;
    }

    @Override
    public void changed() {
        version++;
    }

    /** True once the scope that owned this storage closed and gave its memory back to the pool. */
    @Override
    public boolean released() {
        return released;
    }

    /** Element {@code i} widened to double. */
    public double get(long i) {
        checkLive();
        return switch (dtype) {
            case F32 -> segment.getAtIndex(ValueLayout.JAVA_FLOAT, i);
            case F64 -> segment.getAtIndex(ValueLayout.JAVA_DOUBLE, i);
            case I32 -> segment.getAtIndex(ValueLayout.JAVA_INT, i);
            case BF16 -> BFloat16.toFloat(segment.getAtIndex(ValueLayout.JAVA_SHORT, i));
            case F16 -> Float.float16ToFloat(segment.getAtIndex(ValueLayout.JAVA_SHORT, i));
        };
    }

    /** Stores {@code v} at element {@code i}, rounding once to the storage type (I32 truncates toward zero). */
    public void set(long i, double v) {
        checkLive();
        switch (dtype) {
            case F32 -> segment.setAtIndex(ValueLayout.JAVA_FLOAT, i, (float) v);
            case F64 -> segment.setAtIndex(ValueLayout.JAVA_DOUBLE, i, v);
            case I32 -> segment.setAtIndex(ValueLayout.JAVA_INT, i, (int) v);
            case BF16 -> segment.setAtIndex(ValueLayout.JAVA_SHORT, i, Narrowing.toBFloat16(v));
            case F16 -> segment.setAtIndex(ValueLayout.JAVA_SHORT, i, Narrowing.toFloat16(v));
        }
    }

    private void checkLive() {
        if (released) {
            throw new IllegalStateException("tensor used after its MemoryScope closed: its memory went back to the "
                    + "pool and may hold another tensor's values now; keep it with scope.keep(tensor) or create it "
                    + "outside the scope");
        }
    }

    /** Called by the owning scope's close(): gives the block back to its pool; every later access throws. */
    @Override
    public void release() {
        released = true;
        pool.give(block);
        block = null;
        pool = null;
    }

    /** Called when kept past the outermost scope: moves the values to garbage-collected memory, frees the block. */
    @Override
    public void leaveScopes() {
        MemorySegment copy = allocateUninitialized(dtype, segment.byteSize() / dtype.bytes()).segment;
        copy.copyFrom(segment);
        pool.give(block);
        segment = copy;
        block = null;
        pool = null;
    }
}

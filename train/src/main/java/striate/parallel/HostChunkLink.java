package striate.parallel;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import striate.tensor.DType;
import striate.tensor.HostStorage;
import striate.tensor.MemoryScope;
import striate.tensor.Shape;
import striate.tensor.Tensor;

/**
 * {@link ChunkLink} for host devices (reference, cpu:i). Every transfer is the backends' copy primitive, so the
 * receiving backend counts it (device→device between cpu:0 and cpu:1): a copy is one memory copy between the two
 * ranges; an add brings the source range over in blocks of {@value #BLOCK} elements into a small buffer on the
 * receiving device (where it stays in cache) and adds each block into the destination in place. Float32 and float64.
 */
public final class HostChunkLink implements ChunkLink {
    /** Elements per block of an add. */
    static final int BLOCK = 16384;

    @Override
    public void copy(Tensor src, long srcAt, Tensor dst, long dstAt, long n) {
        check("copy", src, dst, srcAt, dstAt, n);
        if (n > 0) {
            range(dst, dstAt, n).copyFrom(range(src, srcAt, n));
        }
    }

    @Override
    public void add(Tensor src, Tensor dst, long at, long n) {
        check("add", src, dst, at, at, n);
        if (n == 0) {
            return;
        }
        try (MemoryScope scope = MemoryScope.open()) { // the block comes from dst's backend's pool, and goes back
            Tensor block = Tensor.output(dst.backend(), Shape.of(Math.min(n, BLOCK)), dst.dtype());
            addInBlocks(src, dst, at, n, block);
        }
    }

    private static void addInBlocks(Tensor src, Tensor dst, long at, long n, Tensor block) {
        MemorySegment b = segment(block);
        MemorySegment d = segment(dst);
        for (long from = 0; from < n; from += BLOCK) {
            long k = Math.min(BLOCK, n - from);
            block.slice(0, 0, k).copyFrom(range(src, at + from, k));
            long first = dst.offset() + at + from;
            if (dst.dtype() == DType.F32) {
                for (long i = 0; i < k; i++) {
                    d.setAtIndex(ValueLayout.JAVA_FLOAT, first + i, d.getAtIndex(ValueLayout.JAVA_FLOAT, first + i)
                            + b.getAtIndex(ValueLayout.JAVA_FLOAT, i));
                }
            } else {
                for (long i = 0; i < k; i++) {
                    d.setAtIndex(ValueLayout.JAVA_DOUBLE, first + i, d.getAtIndex(ValueLayout.JAVA_DOUBLE, first + i)
                            + b.getAtIndex(ValueLayout.JAVA_DOUBLE, i));
                }
            }
        }
    }

    /** Checks both ranges. */
    private static void check(String what, Tensor src, Tensor dst, long srcAt, long dstAt, long n) {
        if (src.dtype() != dst.dtype() || !src.dtype().isFloating()) {
            throw new IllegalArgumentException("HostChunkLink." + what + ": both buffers must be float32 or float64 "
                    + "alike, got " + src.dtype() + " and " + dst.dtype());
        }
        range(what, "source", src, srcAt, n);
        range(what, "destination", dst, dstAt, n);
    }

    private static void range(String what, String role, Tensor t, long at, long n) {
        if (!t.isContiguous() || !(t.storage() instanceof HostStorage)) {
            throw new IllegalArgumentException("HostChunkLink." + what + ": the " + role + " must be a contiguous "
                    + "tensor in host memory, got " + t.shape() + " on " + t.device());
        }
        if (at < 0 || n < 0 || at + n > t.size()) {
            throw new IndexOutOfBoundsException("HostChunkLink." + what + ": elements [" + at + ", " + (at + n)
                    + ") of a " + role + " of " + t.size());
        }
    }

    /** Elements [at, at + n) of a contiguous tensor, as a 1-D view. */
    private static Tensor range(Tensor t, long at, long n) {
        return t.reshape(t.size()).slice(0, at, at + n);
    }

    private static MemorySegment segment(Tensor t) {
        return ((HostStorage) t.storage()).segment();
    }
}

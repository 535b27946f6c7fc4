package striate.parallel;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import striate.tensor.DType;
import striate.tensor.HostStorage;
import striate.tensor.Tensor;

/**
 * {@link ChunkLink} for host devices (reference, cpu:i): the buffers are host memory, so a transfer is a memory
 * copy and an add is a loop over both ranges. Float32 and float64.
 */
public final class HostChunkLink implements ChunkLink {
    @Override
    public void copy(Tensor src, long srcAt, Tensor dst, long dstAt, long n) {
        long bytes = check("copy", src, dst, srcAt, dstAt, n);
        MemorySegment.copy(segment(src), (src.offset() + srcAt) * bytes, segment(dst), (dst.offset() + dstAt) * bytes,
                n * bytes);
    }

    @Override
    public void add(Tensor src, Tensor dst, long at, long n) {
        check("add", src, dst, at, at, n);
        MemorySegment s = segment(src).asSlice((src.offset() + at) * src.dtype().bytes());
        MemorySegment d = segment(dst).asSlice((dst.offset() + at) * dst.dtype().bytes());
        if (src.dtype() == DType.F32) {
            for (long i = 0; i < n; i++) {
                d.setAtIndex(ValueLayout.JAVA_FLOAT, i, d.getAtIndex(ValueLayout.JAVA_FLOAT, i)
                        + s.getAtIndex(ValueLayout.JAVA_FLOAT, i));
            }
        } else {
            for (long i = 0; i < n; i++) {
                d.setAtIndex(ValueLayout.JAVA_DOUBLE, i, d.getAtIndex(ValueLayout.JAVA_DOUBLE, i)
                        + s.getAtIndex(ValueLayout.JAVA_DOUBLE, i));
            }
        }
    }

    /** Checks both ranges; returns the bytes per element. */
    private static long check(String what, Tensor src, Tensor dst, long srcAt, long dstAt, long n) {
        if (src.dtype() != dst.dtype() || !src.dtype().isFloating()) {
            throw new IllegalArgumentException("HostChunkLink." + what + ": both buffers must be float32 or float64 "
                    + "alike, got " + src.dtype() + " and " + dst.dtype());
        }
        range(what, "source", src, srcAt, n);
        range(what, "destination", dst, dstAt, n);
        return src.dtype().bytes();
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

    private static MemorySegment segment(Tensor t) {
        return ((HostStorage) t.storage()).segment();
    }
}

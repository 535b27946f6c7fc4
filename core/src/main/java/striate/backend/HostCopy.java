package striate.backend;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import striate.tensor.HostStorage;
import striate.tensor.Tensor;

/**
 * Copies between two views (dims, strides, offset, in elements) in host memory, byte for byte: the host backends'
 * copy primitive, and the host side of a device's copy when a view there is strided. Along the {@link CopyPlan}
 * every run contiguous in both views is one {@link MemorySegment#copy}; an innermost axis strided in either view is
 * an element loop. The two views must not overlap in memory (unless they are the same view).
 */
public final class HostCopy {
    private HostCopy() {
    }

    /** dst = src: two views of one shape and dtype, both in host memory. */
    public static void copy(Tensor src, Tensor dst) {
        copy(segment(src), src.offset(), src.strides(), segment(dst), dst.offset(), dst.strides(),
                src.shape().dims(), src.dtype().bytes());
    }

    /** src's elements, row-major, into {@code dst}: contiguous host memory of at least src's size in bytes. */
    public static void copy(Tensor src, MemorySegment dst) {
        copy(segment(src), src.offset(), src.strides(), dst, 0, src.shape().contiguousStrides(), src.shape().dims(),
                src.dtype().bytes());
    }

    /** dst's elements, row-major, from {@code src}: contiguous host memory of at least dst's size in bytes. */
    public static void copy(MemorySegment src, Tensor dst) {
        copy(src, 0, dst.shape().contiguousStrides(), segment(dst), dst.offset(), dst.strides(), dst.shape().dims(),
                dst.dtype().bytes());
    }

    /**
     * For every index i of {@code dims}: the element at {@code dstOffset + Σ i_a·dstStrides_a} of {@code dst} becomes
     * the one at {@code srcOffset + Σ i_a·srcStrides_a} of {@code src} (offsets and strides in elements of
     * {@code elementBytes} bytes).
     */
    public static void copy(MemorySegment src, long srcOffset, long[] srcStrides, MemorySegment dst, long dstOffset,
                            long[] dstStrides, long[] dims, int elementBytes) {
        CopyPlan plan = CopyPlan.of(dims, srcStrides, srcOffset, dstStrides, dstOffset);
        long eb = elementBytes;
        if (plan.run() > 1 || plan.rank() == 0) {
            long bytes = plan.run() * eb;
            plan.forEach(0, (so, to) -> MemorySegment.copy(src, so * eb, dst, to * eb, bytes));
        } else { // the innermost axis is strided in a view: walk it element by element
            int last = plan.rank() - 1;
            long n = plan.dims()[last];
            long ss = plan.srcStrides()[last];
            long ts = plan.dstStrides()[last];
            plan.forEach(1, (so, to) -> elements(src, so, ss, dst, to, ts, n, elementBytes));
        }
    }

    /** {@code n} elements along one strided axis. */
    private static void elements(MemorySegment src, long so, long ss, MemorySegment dst, long to, long ts, long n,
                                 int bytes) {
        switch (bytes) {
            case 2 -> {
                for (long i = 0; i < n; i++) {
                    dst.set(ValueLayout.JAVA_SHORT_UNALIGNED, (to + i * ts) * 2,
                            src.get(ValueLayout.JAVA_SHORT_UNALIGNED, (so + i * ss) * 2));
                }
            }
            case 4 -> {
                for (long i = 0; i < n; i++) {
                    dst.set(ValueLayout.JAVA_INT_UNALIGNED, (to + i * ts) * 4,
                            src.get(ValueLayout.JAVA_INT_UNALIGNED, (so + i * ss) * 4));
                }
            }
            case 8 -> {
                for (long i = 0; i < n; i++) {
                    dst.set(ValueLayout.JAVA_LONG_UNALIGNED, (to + i * ts) * 8,
                            src.get(ValueLayout.JAVA_LONG_UNALIGNED, (so + i * ss) * 8));
                }
            }
            default -> {
                for (long i = 0; i < n; i++) {
                    MemorySegment.copy(src, (so + i * ss) * bytes, dst, (to + i * ts) * bytes, bytes);
                }
            }
        }
    }

    private static MemorySegment segment(Tensor t) {
        if (!(t.storage() instanceof HostStorage h)) {
            throw new IllegalArgumentException("HostCopy: tensor " + t.shape() + " on " + t.device()
                    + " is not in host memory");
        }
        return h.segment();
    }
}

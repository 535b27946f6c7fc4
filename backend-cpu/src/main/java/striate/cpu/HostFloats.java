package striate.cpu;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import striate.backend.HostCopy;
import striate.tensor.DType;
import striate.tensor.HostStorage;
import striate.tensor.Tensor;

/**
 * Moves float32 tensor data between off-heap storage and Java arrays, which the Vector API kernels work on.
 * A contiguous tensor is one bulk copy; a strided view is gathered by {@link HostCopy}.
 */
final class HostFloats {
    private HostFloats() {
    }

    /** The tensor's elements in row-major order. */
    static float[] read(Tensor t) {
        float[] out = new float[Math.toIntExact(t.size())];
        if (t.isContiguous()) {
            MemorySegment seg = ((HostStorage) t.storage()).segment();
            MemorySegment.copy(seg, ValueLayout.JAVA_FLOAT, t.offset() * 4, out, 0, out.length);
        } else {
            HostCopy.copy(t, MemorySegment.ofArray(out));
        }
        return out;
    }

    /** The tensor's elements in row-major order, into dst[0, size). */
    static void read(Tensor t, float[] dst) {
        if (t.isContiguous()) {
            MemorySegment seg = ((HostStorage) t.storage()).segment();
            MemorySegment.copy(seg, ValueLayout.JAVA_FLOAT, t.offset() * 4, dst, 0, Math.toIntExact(t.size()));
        } else {
            HostCopy.copy(t, MemorySegment.ofArray(dst));
        }
    }

    /** Writes {@code values} into a contiguous float32 output tensor. */
    static void write(Tensor out, float[] values) {
        MemorySegment seg = ((HostStorage) out.storage()).segment();
        MemorySegment.copy(values, 0, seg, ValueLayout.JAVA_FLOAT, out.offset() * 4, values.length);
    }

    /** Copies src into elements [from, from + src.length) of a contiguous float32 output tensor. */
    static void writeRange(Tensor out, long from, float[] src) {
        writeRange(out, from, src, src.length);
    }

    /** Copies src[0, length) into elements [from, from + length) of a contiguous float32 output tensor. */
    static void writeRange(Tensor out, long from, float[] src, int length) {
        MemorySegment seg = ((HostStorage) out.storage()).segment();
        MemorySegment.copy(src, 0, seg, ValueLayout.JAVA_FLOAT, (out.offset() + from) * 4, length);
    }
}

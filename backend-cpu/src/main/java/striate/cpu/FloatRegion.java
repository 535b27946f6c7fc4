package striate.cpu;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import striate.backend.HostCopy;
import striate.tensor.HostStorage;
import striate.tensor.Tensor;

/**
 * A float32 tensor's elements in row-major order as one run of memory: the tensor's own storage when it is
 * contiguous (no copy), else a gathered copy on the heap. Offsets are in elements.
 */
record FloatRegion(MemorySegment segment, long offset) {
    static FloatRegion of(Tensor t) {
        if (t.isContiguous()) {
            return new FloatRegion(((HostStorage) t.storage()).segment(), t.offset());
        }
        float[] gathered = new float[Math.toIntExact(t.size())];
        HostCopy.copy(t, MemorySegment.ofArray(gathered));
        return new FloatRegion(MemorySegment.ofArray(gathered), 0);
    }

    /** Copies elements [from, from + dst.length) into dst. */
    void read(long from, float[] dst) {
        read(from, dst, dst.length);
    }

    /** Copies elements [from, from + length) into dst[0, length). */
    void read(long from, float[] dst, int length) {
        read(from, dst, 0, length);
    }

    /** Copies elements [from, from + length) into dst[dstOff, dstOff + length). */
    void read(long from, float[] dst, int dstOff, int length) {
        MemorySegment.copy(segment, ValueLayout.JAVA_FLOAT, (offset + from) * 4, dst, dstOff, length);
    }
}

package striate.backend;

import java.util.Arrays;

/**
 * The axes of a copy between two views of one shape (dims, and each view's strides and offset, in elements),
 * simplified once for every copy path: axes of size 1 are dropped, neighbouring axes that both views lay out
 * contiguously are merged, and an innermost axis contiguous in both becomes the {@code run}, the elements one plain
 * memory copy moves. What remains are the outer axes; each index of them starts one run. A [64, 1000] slice of a
 * [64, 4096] buffer is one axis of 64 and a run of 1000; a contiguous tensor is no axis and one run of all of it; a
 * transposed matrix keeps both axes and a run of 1 element.
 *
 * @param dims       the outer axes' sizes
 * @param srcStrides the source's strides along them
 * @param dstStrides the destination's strides along them
 * @param run        elements per contiguous run (1 when the innermost axis is strided in either view; 0 when
 *                   the shape is empty and nothing moves)
 * @param srcOffset  the source's first element
 * @param dstOffset  the destination's first element
 */
public record CopyPlan(long[] dims, long[] srcStrides, long[] dstStrides, long run, long srcOffset, long dstOffset) {
    /** Receives the first element of one run (or row), in the source and in the destination. */
    @FunctionalInterface
    public interface Offsets {
        void at(long src, long dst);
    }

    /** The plan of a copy of shape {@code dims} between views with these strides and offsets. */
    public static CopyPlan of(long[] dims, long[] srcStrides, long srcOffset, long[] dstStrides, long dstOffset) {
        int rank = dims.length;
        long[] d = new long[rank];
        long[] s = new long[rank];
        long[] t = new long[rank];
        int r = 0;
        for (int a = 0; a < rank; a++) {
            if (dims[a] == 0) {
                return new CopyPlan(new long[0], new long[0], new long[0], 0, srcOffset, dstOffset);
            }
            if (dims[a] == 1) {
                continue;
            }
            if (r > 0 && s[r - 1] == srcStrides[a] * dims[a] && t[r - 1] == dstStrides[a] * dims[a]) {
                d[r - 1] *= dims[a];
                s[r - 1] = srcStrides[a];
                t[r - 1] = dstStrides[a];
            } else {
                d[r] = dims[a];
                s[r] = srcStrides[a];
                t[r] = dstStrides[a];
                r++;
            }
        }
        long run = 1;
        if (r > 0 && s[r - 1] == 1 && t[r - 1] == 1) {
            run = d[r - 1];
            r--;
        }
        return new CopyPlan(Arrays.copyOf(d, r), Arrays.copyOf(s, r),
                Arrays.copyOf(t, r), run, srcOffset, dstOffset);
    }

    /** Number of outer axes. */
    public int rank() {
        return dims.length;
    }

    /**
     * Calls {@code f} with the first element of every index of the outer axes but the last {@code inner} ones, last
     * axis fastest: {@code inner = 0} visits every run, {@code inner = 1} every row of the innermost outer axis.
     */
    public void forEach(int inner, Offsets f) {
        if (run == 0) {
            return;
        }
        int outer = rank() - inner;
        long[] index = new long[outer];
        long so = srcOffset;
        long to = dstOffset;
        while (true) {
            f.at(so, to);
            int a = outer - 1;
            for (; a >= 0; a--) {
                so += srcStrides[a];
                to += dstStrides[a];
                if (++index[a] < dims[a]) {
                    break;
                }
                so -= srcStrides[a] * dims[a];
                to -= dstStrides[a] * dims[a];
                index[a] = 0;
            }
            if (a < 0) {
                return;
            }
        }
    }
}

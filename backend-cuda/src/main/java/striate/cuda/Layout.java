package striate.cuda;

import java.util.Arrays;
import striate.tensor.Shape;
import striate.tensor.Tensor;

/**
 * How a kernel reads one operand: the {@code Layout} struct of {@code kernels/src/main/cuda/striate.cuh}, packed as
 * 18 longs {rank, offset, dims[8], strides[8]}. The kernel maps the row-major linear index i of the output to
 * {@code offset + Σ coord_a·stride_a} over dims (last axis fastest); rank 0 means contiguous ({@code offset + i}).
 * Broadcasting is a stride of 0; axes of size 1 are dropped and neighbours that are contiguous with each other
 * are merged, so most views need few axes.
 */
public record Layout(long rank, long offset, long[] dims, long[] strides) {
    public static final int MAX_RANK = 8;
    /** Size of the packed struct in longs. */
    public static final int LONGS = 2 + 2 * MAX_RANK;

    /** A layout reading {@code t} broadcast to {@code target} (t's shape must broadcast to it). */
    public static Layout of(Tensor t, Shape target) {
        return of(t.shape().dims(), t.strides(), t.offset(), target.dims());
    }

    /** A layout reading {@code t} in its own shape. */
    public static Layout of(Tensor t) {
        return of(t.shape().dims(), t.strides(), t.offset(), t.shape().dims());
    }

    /** The layout of a view (dims, strides, offset) broadcast to {@code target}. */
    public static Layout of(long[] dims, long[] strides, long offset, long[] target) {
        int lead = target.length - dims.length;
        if (lead < 0) {
            throw new IllegalArgumentException("cannot broadcast " + Arrays.toString(dims) + " to " + Arrays.toString(target));
        }
        long[] d = new long[target.length];
        long[] s = new long[target.length];
        int r = 0;
        for (int a = 0; a < target.length; a++) {
            long size = target[a];
            long stride = a < lead ? 0 : dims[a - lead] == 1 && size != 1 ? 0 : strides[a - lead];
            if (a >= lead && dims[a - lead] != 1 && dims[a - lead] != size) {
                throw new IllegalArgumentException("cannot broadcast " + Arrays.toString(dims) + " to "
                        + Arrays.toString(target));
            }
            if (size == 1) {
                continue; // one coordinate: contributes nothing
            }
            if (r > 0 && s[r - 1] == stride * size) {
                d[r - 1] *= size; // merge with the axis before
                s[r - 1] = stride;
            } else {
                d[r] = size;
                s[r] = stride;
                r++;
            }
        }
        if (r == 0 || (r == 1 && s[0] == 1)) {
            return new Layout(0, offset, new long[0], new long[0]);
        }
        if (r > MAX_RANK) {
            throw new IllegalArgumentException("a view with " + r + " non-mergeable axes; CUDA kernels take at most "
                    + MAX_RANK + " (make it contiguous first)");
        }
        return new Layout(r, offset, Arrays.copyOf(d, r), Arrays.copyOf(s, r));
    }

    /** True when the kernel reads offset + i. */
    public boolean contiguous() {
        return rank == 0;
    }

    /** The struct's bytes as the kernel parameter expects them. */
    public long[] packed() {
        long[] p = new long[LONGS];
        p[0] = rank;
        p[1] = offset;
        System.arraycopy(dims, 0, p, 2, dims.length);
        System.arraycopy(strides, 0, p, 2 + MAX_RANK, strides.length);
        return p;
    }

    /** Element offset of linear index {@code i}: what the kernel's {@code at()} computes. */
    public long at(long i) {
        if (rank == 0) {
            return offset + i;
        }
        long p = offset;
        for (int a = (int) rank - 1; a >= 0; a--) {
            p += (i % dims[a]) * strides[a];
            i /= dims[a];
        }
        return p;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Layout l && l.rank == rank && l.offset == offset && Arrays.equals(l.dims, dims)
                && Arrays.equals(l.strides, strides);
    }

    @Override
    public int hashCode() {
        return Long.hashCode(rank * 31 + offset) + Arrays.hashCode(dims) + 7 * Arrays.hashCode(strides);
    }

    @Override
    public String toString() {
        return rank == 0 ? "Layout[contiguous from " + offset + "]"
                : "Layout[dims " + Arrays.toString(dims) + ", strides " + Arrays.toString(strides) + ", offset " + offset + "]";
    }
}

package striate.tensor;

import java.util.Arrays;

/**
 * The dimensions of a tensor (immutable, {@code long} sizes). Strides belong to a tensor's view of its
 * storage, not to its shape, so two tensors with equal shapes may be laid out differently. Broadcasting
 * follows NumPy/PyTorch: align trailing dimensions; a dimension of 1 stretches.
 */
public final class Shape {
    private static final Shape SCALAR = new Shape(new long[0]);
    private final long[] dims;
    private final long size; // the element count, computed once (asked on every op); -1 when it overflows a long

    private Shape(long[] dims) {
        this.dims = dims;
        long n = 1;
        for (long d : dims) {
            if (d != 0 && n > Long.MAX_VALUE / d) {
                n = -1;
                break;
            }
            n *= d;
        }
        this.size = n;
    }

    /** A shape with these dimensions; every dimension must be ≥ 0. */
    public static Shape of(long... dims) {
        for (long d : dims) {
            if (d < 0) {
                throw new IllegalArgumentException("negative dimension in " + Arrays.toString(dims));
            }
        }
        return dims.length == 0 ? SCALAR : new Shape(dims.clone());
    }

    /** The shape of a scalar: rank 0, one element. */
    public static Shape scalar() {
        return SCALAR;
    }

    public int rank() {
        return dims.length;
    }

    /** Dimension {@code axis}; negative axes count from the end (-1 is the last). */
    public long dim(int axis) {
        return dims[axis(axis)];
    }

    /** A copy of the dimensions. */
    public long[] dims() {
        return dims.clone();
    }

    /** Number of elements (1 for a scalar). */
    public long size() {
        if (size < 0) {
            throw new ArithmeticException("shape " + this + " has more than Long.MAX_VALUE elements");
        }
        return size;
    }

    /** Normalizes a possibly negative axis into [0, rank), with a clear error when out of range. */
    public int axis(int axis) {
        int a = axis < 0 ? axis + dims.length : axis;
        if (a < 0 || a >= dims.length) {
            throw new IllegalArgumentException("axis " + axis + " is out of range for shape " + this);
        }
        return a;
    }

    /** The shape seen as [outer, d, inner] around {@code axis}: the sizes before it, at it and after it. */
    public long[] aroundAxis(int axis) {
        int a = axis(axis);
        long outer = 1;
        long inner = 1;
        for (int i = 0; i < a; i++) {
            outer *= dims[i];
        }
        for (int i = a + 1; i < dims.length; i++) {
            inner *= dims[i];
        }
        return new long[] {outer, dims[a], inner};
    }

    /** Row-major strides, in elements, of a contiguous tensor of this shape. */
    public long[] contiguousStrides() {
        long[] s = new long[dims.length];
        long stride = 1;
        for (int i = dims.length - 1; i >= 0; i--) {
            s[i] = stride;
            stride *= Math.max(dims[i], 1);
        }
        return s;
    }

    /** This shape with dimension {@code axis} replaced by {@code size}. */
    public Shape withDim(int axis, long size) {
        long[] d = dims.clone();
        d[axis(axis)] = size;
        return new Shape(d);
    }

    /** The broadcast of two shapes, or an error naming both. */
    public static Shape broadcast(Shape a, Shape b) {
        int rank = Math.max(a.rank(), b.rank());
        long[] out = new long[rank];
        for (int i = 0; i < rank; i++) {
            long da = i < rank - a.rank() ? 1 : a.dims[i - (rank - a.rank())];
            long db = i < rank - b.rank() ? 1 : b.dims[i - (rank - b.rank())];
            if (da != db && da != 1 && db != 1) {
                throw new ShapeMismatchException("broadcast", "shapes " + a + " and " + b,
                        "equal dimensions or 1 in each trailing position");
            }
            out[i] = da == 1 ? db : da;
        }
        return new Shape(out);
    }

    /** True when this shape broadcasts to {@code target} without changing target. */
    public boolean broadcastsTo(Shape target) {
        if (rank() > target.rank()) {
            return false;
        }
        int lead = target.rank() - rank();
        for (int i = 0; i < rank(); i++) {
            if (dims[i] != 1 && dims[i] != target.dims[i + lead]) {
                return false;
            }
        }
        return true;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Shape s && Arrays.equals(dims, s.dims);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(dims);
    }

    @Override
    public String toString() {
        return Arrays.toString(dims);
    }
}

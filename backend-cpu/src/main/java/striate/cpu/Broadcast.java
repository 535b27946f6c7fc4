package striate.cpu;

import java.lang.foreign.MemorySegment;
import striate.tensor.HostStorage;
import striate.tensor.Shape;
import striate.tensor.Tensor;

/**
 * How an operand of an elementwise op lies against the output y: output element i (row-major over y's shape) reads
 * the operand's element (i / repeat) % period from {@code offset} in {@code segment}. The forms: y's own shape
 * (repeat 1, period y's size), one value (period 1), a trailing block (a bias [c] over [n, c]: repeat 1, period c)
 * and values repeated over the axes after a run of axes (a channel [1, c, 1, 1] over [n, c, h, w]: repeat h·w,
 * period c). Read from the operand's strides once expanded to y's shape, so an expanded view (the gradient of a
 * sum, [1, c, 1, 1] expanded to [n, c, h, w]) is read in place instead of gathered. {@link #of} gives null for any
 * other layout.
 */
record Broadcast(MemorySegment segment, long offset, long repeat, long period) {
    /** The form of t (whose shape broadcasts to y) against y, or null when it has none of them. */
    static Broadcast of(Tensor t, Shape y) {
        Tensor v = t.shape().equals(y) ? t : t.expand(y);
        long[] strides = v.strides();
        int first = -1;
        int last = -1;
        for (int i = 0; i < y.rank(); i++) {
            if (y.dim(i) != 1 && strides[i] != 0) {
                first = first < 0 ? i : first;
                last = i;
            }
        }
        long period = 1;
        for (int i = last; i >= first && i >= 0; i--) { // the run must be dense and row-major: strides 1, d, d·d', ...
            if (y.dim(i) == 1) {
                continue;
            }
            if (strides[i] != period) {
                return null;
            }
            period *= y.dim(i);
        }
        long repeat = 1;
        for (int i = last + 1; i < y.rank(); i++) {
            repeat *= y.dim(i);
        }
        return new Broadcast(((HostStorage) v.storage()).segment(), v.offset(), first < 0 ? y.size() : repeat, period);
    }

    /** Whether every output element reads its own element: the operand has y's shape and lies densely. */
    boolean full(long size) {
        return repeat == 1 && period == size;
    }

    /** Whether every output element reads the same element. */
    boolean one() {
        return period == 1;
    }
}

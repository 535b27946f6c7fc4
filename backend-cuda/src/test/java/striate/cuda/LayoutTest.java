package striate.cuda;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import striate.tensor.Shape;

/** The kernels' index arithmetic, checked in Java: Layout.at(i) is the element a strided loop would read. */
class LayoutTest {
    /** The offset of linear index i of {@code target} in a view broadcast to it, the long way. */
    private static long naive(long[] dims, long[] strides, long offset, long[] target, long i) {
        long p = offset;
        int lead = target.length - dims.length;
        for (int a = target.length - 1; a >= 0; a--) {
            long c = i % target[a];
            i /= target[a];
            if (a >= lead && dims[a - lead] != 1) {
                p += c * strides[a - lead];
            }
        }
        return p;
    }

    private static void check(long[] dims, long[] strides, long offset, long[] target) {
        Layout l = Layout.of(dims, strides, offset, target);
        long n = Shape.of(target).size();
        for (long i = 0; i < n; i++) {
            assertEquals(naive(dims, strides, offset, target, i), l.at(i), l + " at " + i);
        }
    }

    @Test
    void contiguousViewsReadOffsetPlusIndex() {
        Layout l = Layout.of(new long[] {2, 3, 4}, new long[] {12, 4, 1}, 5, new long[] {2, 3, 4});
        assertTrue(l.contiguous());
        assertEquals(5, l.offset());
        assertTrue(Layout.of(new long[0], new long[0], 3, new long[0]).contiguous(), "a scalar");
        assertTrue(Layout.of(new long[] {1, 7}, new long[] {99, 1}, 0, new long[] {1, 7}).contiguous(), "size-1 axes");
    }

    @Test
    void transposesSlicesAndBroadcastsMatchTheLongWay() {
        check(new long[] {33, 7}, new long[] {1, 33}, 0, new long[] {33, 7});         // a transpose
        check(new long[] {7, 27}, new long[] {33, 1}, 3, new long[] {7, 27});         // a slice of [7, 33]
        check(new long[] {33}, new long[] {1}, 0, new long[] {7, 33});                // trailing broadcast
        check(new long[] {1, 3, 1}, new long[] {3, 1, 1}, 0, new long[] {2, 3, 5});   // middle broadcast
        check(new long[0], new long[0], 4, new long[] {33});                          // a scalar everywhere
        check(new long[] {2, 3, 4, 5}, new long[] {60, 1, 15, 3}, 2, new long[] {2, 3, 4, 5}); // a permute
    }

    @Test
    void neighbouringContiguousAxesMerge() {
        // [4, 6, 5] sliced along the last axis: the two leading axes merge into one of 24 rows.
        Layout l = Layout.of(new long[] {4, 6, 3}, new long[] {30, 5, 1}, 1, new long[] {4, 6, 3});
        assertEquals(2, l.rank());
        assertArrayEquals(new long[] {24, 3}, l.dims());
        assertArrayEquals(new long[] {5, 1}, l.strides());
    }

    @Test
    void packedMatchesTheCudaStruct() {
        Layout l = Layout.of(new long[] {33, 7}, new long[] {1, 33}, 9, new long[] {33, 7});
        long[] p = l.packed();
        assertEquals(Layout.LONGS, p.length);
        assertEquals(2, p[0]);
        assertEquals(9, p[1]);
        assertArrayEquals(new long[] {33, 7}, new long[] {p[2], p[3]});
        assertArrayEquals(new long[] {1, 33}, new long[] {p[2 + Layout.MAX_RANK], p[3 + Layout.MAX_RANK]});
    }

    @Test
    void shapesThatDoNotBroadcastAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> Layout.of(new long[] {3}, new long[] {1}, 0, new long[] {4}));
        assertThrows(IllegalArgumentException.class, () -> Layout.of(new long[] {2, 3}, new long[] {3, 1}, 0, new long[] {3}));
    }

    @Test
    void reducePlansPutKeptAxesFirst() {
        CudaReduce.Plan p = CudaReduce.plan(new boolean[] {true, false, true}, new long[] {3, 33, 7},
                new long[] {231, 7, 1});
        assertArrayEquals(new long[] {33, 3, 7}, p.dims());
        assertArrayEquals(new long[] {7, 231, 1}, p.strides());
        assertEquals(33, p.outer());
        assertEquals(21, p.inner());
    }
}

package striate.parallel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import striate.tensor.Shape;

/**
 * The flat buffer's layout, worked out by hand: gradients packed back to back inside a bucket, every bucket starting
 * at a multiple of 256 bytes, a parameter larger than the bucket size alone in its bucket, and one bucket (no
 * padding at all) when everything fits. The last bucket ends with one usage flag per parameter, right after its
 * gradients.
 */
class BucketsTest {
    private static final List<Shape> SHAPES = List.of(Shape.of(10), Shape.of(10, 10), Shape.of(3), Shape.of(7, 10));

    private static long[] offsets(Buckets b, int count) {
        return IntStream.range(0, count).mapToLong(b::offset).toArray();
    }

    @Test
    void bucketsStartAligned() {
        // float32, 400-byte buckets (100 elements), 256-byte alignment (64 elements):
        // [10] alone (10 + 100 > 100); [100] alone (100 + 3 > 100) at 64; [3, 70] together at 192, 195
        Buckets b = new Buckets(SHAPES, 4, 400);
        assertEquals(3, b.buckets());
        assertArrayEquals(new long[] {0, 64, 192, 195}, offsets(b, 4));
        assertArrayEquals(new long[] {10, 100, 3, 70}, IntStream.range(0, 4).mapToLong(b::size).toArray());
        assertArrayEquals(new int[] {0, 1, 2, 2}, IntStream.range(0, 4).map(b::bucketOf).toArray());
        assertEquals(List.of(0L, 64L, 192L), IntStream.range(0, 3).mapToObj(b::start).toList());
        // the last bucket's gradients end at 265, its 4 usage flags at 269
        assertEquals(List.of(10L, 164L, 269L), IntStream.range(0, 3).mapToObj(b::end).toList());
        assertEquals(List.of(1, 1, 2), IntStream.range(0, 3).mapToObj(b::parametersIn).toList());
        assertEquals(265, b.usageOffset());
        assertEquals(269, b.elements());
        for (int k = 0; k < b.buckets(); k++) {
            assertEquals(0, b.start(k) * 4 % Buckets.ALIGNMENT, "bucket " + k + " starts aligned");
        }
    }

    @Test
    void float64AlignsTo32Elements() {
        // float64, 1 KiB buckets (128 elements): [10], [100] and [3] together (113), [70] from 128 on
        Buckets b = new Buckets(SHAPES, 8, 1024);
        assertEquals(2, b.buckets());
        assertArrayEquals(new long[] {0, 10, 110, 128}, offsets(b, 4));
        assertEquals(113, b.end(0));
        assertEquals(198, b.usageOffset());
        assertEquals(202, b.elements());
    }

    @Test
    void parameterLargerThanABucketIsAloneAndTheFirstBucketIsNeverEmpty() {
        Buckets b = new Buckets(SHAPES, 4, 8);
        assertEquals(4, b.buckets());
        assertArrayEquals(new long[] {0, 64, 192, 256}, offsets(b, 4));
        assertEquals(326, b.usageOffset());
        assertEquals(330, b.elements());
    }

    @Test
    void oneBucketHasNoPadding() {
        Buckets b = new Buckets(SHAPES, 4, 25L << 20);
        assertEquals(1, b.buckets());
        assertArrayEquals(new long[] {0, 10, 110, 113}, offsets(b, 4));
        assertEquals(183, b.usageOffset());
        assertEquals(187, b.elements());
        assertEquals(b.elements(), b.end(0) - b.start(0));
    }

    @Test
    void rejectsBadSizes() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new Buckets(SHAPES, 4, 0));
        assertTrue(e.getMessage().contains("bucket size"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new Buckets(SHAPES, 3, 400));
        assertTrue(e.getMessage().contains("divides 256"), e.getMessage());
    }
}

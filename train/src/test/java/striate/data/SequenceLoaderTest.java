package striate.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import striate.tensor.DType;
import striate.tensor.Device;

/** Padding, targets with the ignore index, lengths, seeded shuffling and bucketing of variable-length sequences. */
class SequenceLoaderTest {
    private static final Device DEVICE = Device.reference();

    /** Sequence i has length 1 + (i * 7) % 13 and holds 1000 + i at every step; its target is i at every step. */
    static SequenceDataset numbered(int n) {
        return new SequenceDataset() {
            @Override
            public int size() {
                return n;
            }

            @Override
            public int[] input(int i) {
                int[] x = new int[length(i)];
                Arrays.fill(x, 1000 + i);
                return x;
            }

            @Override
            public int[] target(int i) {
                int[] y = new int[length(i)];
                Arrays.fill(y, i);
                return y;
            }

            @Override
            public int length(int i) {
                return 1 + (i * 7) % 13;
            }
        };
    }

    /** Checks a batch's padding against its dataset and returns its example ids. */
    private static List<Integer> check(SequenceDataset d, SequenceBatch b) {
        int n = b.size();
        int t = b.maxLength();
        assertEquals(DType.I32, b.x().dtype());
        assertEquals(DType.I32, b.y().dtype());
        assertArrayEquals(new long[] {n, t}, b.x().shape().dims());
        assertArrayEquals(new long[] {n, t}, b.y().shape().dims());
        assertEquals(Arrays.stream(b.lengths()).max().orElseThrow(), t);
        int[] x = b.x().toIntArray();
        int[] y = b.y().toIntArray();
        List<Integer> ids = new ArrayList<>();
        for (int k = 0; k < n; k++) {
            int i = b.indices()[k];
            assertEquals(d.length(i), b.lengths()[k]);
            for (int s = 0; s < t; s++) {
                boolean real = s < b.lengths()[k];
                assertEquals(real ? 1000 + i : Vocabulary.PAD, x[k * t + s], "x at " + k + ", " + s);
                assertEquals(real ? i : SequenceBatch.IGNORE_INDEX, y[k * t + s], "y at " + k + ", " + s);
            }
            ids.add(i);
        }
        return ids;
    }

    private static List<Integer> epochIds(SequenceLoader l, int epoch) {
        List<Integer> ids = new ArrayList<>();
        int index = 0;
        for (SequenceBatch b : l.epoch(epoch)) {
            assertEquals(index++, b.index());
            assertEquals(epoch, b.epoch());
            ids.addAll(check(l.dataset(), b));
        }
        assertEquals(l.numBatches(), index);
        return ids;
    }

    @Test
    void batchesArePaddedToTheLongestWithPadInputsAndIgnoredTargets() {
        SequenceDataset d = numbered(23);
        SequenceLoader l = SequenceLoader.builder(d, DEVICE).batchSize(5).build();
        assertEquals(5, l.numBatches());
        List<Integer> ids = epochIds(l, 0);
        assertEquals(IntStream.range(0, 23).boxed().toList(), ids);
        SequenceBatch first = l.epoch(0).iterator().next();
        assertArrayEquals(new int[] {1, 8, 2, 9, 3}, first.lengths());
        assertEquals(9, first.maxLength());
        assertEquals(23, first.tokens());
    }

    @Test
    void shufflingIsSeededPerEpochAndVisitsEveryExampleOnce() {
        SequenceDataset d = numbered(50);
        SequenceLoader a = SequenceLoader.builder(d, DEVICE).batchSize(8).shuffle(42).build();
        SequenceLoader b = SequenceLoader.builder(d, DEVICE).batchSize(8).shuffle(42).build();
        List<Integer> e0 = epochIds(a, 0);
        assertEquals(e0, epochIds(b, 0));
        assertNotEquals(e0, epochIds(a, 1));
        assertEquals(50, e0.stream().distinct().count());
        assertNotEquals(IntStream.range(0, 50).boxed().toList(), e0);
        int[] dataLoaderOrder = DataLoader.builder(ImageDatasetTest.numbered(50), DEVICE).shuffle(42).build().order(3);
        assertArrayEquals(dataLoaderOrder, a.plan(3).stream().flatMapToInt(Arrays::stream).toArray(),
                "the same permutation as DataLoader's for the same seed and epoch");
    }

    @Test
    void bucketingGroupsSimilarLengthsLessPaddingSameExamples() {
        SequenceDataset d = numbered(400);
        SequenceLoader plain = SequenceLoader.builder(d, DEVICE).batchSize(10).shuffle(3).build();
        SequenceLoader bucketed = SequenceLoader.builder(d, DEVICE).batchSize(10).shuffle(3).bucket(8).build();
        assertTrue(padding(d, plain.plan(0)) > 3 * padding(d, bucketed.plan(0)),
                "padding " + padding(d, plain.plan(0)) + " without buckets, " + padding(d, bucketed.plan(0))
                        + " with");
        List<Integer> ids = epochIds(bucketed, 0);
        assertEquals(400, ids.stream().distinct().count());
        assertEquals(ids, epochIds(SequenceLoader.builder(d, DEVICE).batchSize(10).shuffle(3).bucket(8).build(), 0));
        assertNotEquals(ids, epochIds(bucketed, 1));
        for (int[] batch : bucketed.plan(0)) {
            int[] lengths = Arrays.stream(batch).map(d::length).toArray();
            int[] sorted = lengths.clone();
            Arrays.sort(sorted);
            assertArrayEquals(sorted, lengths, "a batch of a pool is a run of its length-sorted examples");
        }
    }

    private static int padding(SequenceDataset d, List<int[]> plan) {
        int pad = 0;
        for (int[] batch : plan) {
            int t = Arrays.stream(batch).map(d::length).max().orElseThrow();
            for (int i : batch) {
                pad += t - d.length(i);
            }
        }
        return pad;
    }

    @Test
    void dropLastDropsOnlyThePartialBatch() {
        SequenceDataset d = numbered(23);
        SequenceLoader l = SequenceLoader.builder(d, DEVICE).batchSize(5).shuffle(1).bucket(2).dropLast(true).build();
        assertEquals(4, l.numBatches());
        List<int[]> plan = l.plan(0);
        assertEquals(4, plan.size());
        plan.forEach(b -> assertEquals(5, b.length));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SequenceLoader.builder(d, DEVICE).batchSize(30).dropLast(true).build());
        assertTrue(e.getMessage().contains("larger than the dataset (23 sequences)"), e.getMessage());
    }

    @Test
    void emptySequenceOrMismatchedTargetsAreErrorsNamingTheSequence() {
        SequenceDataset withEmpty = new SequenceDataset() {
            @Override
            public int size() {
                return 3;
            }

            @Override
            public int[] input(int i) {
                return new int[i == 2 ? 0 : 2];
            }

            @Override
            public int[] target(int i) {
                return new int[i == 1 ? 3 : input(i).length];
            }
        };
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SequenceLoader.builder(withEmpty, DEVICE).build());
        assertTrue(e.getMessage().startsWith("sequence 2 of the dataset is empty"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> SequenceBatch.of(withEmpty, new int[] {0, 1}, DEVICE, 0, 0));
        assertTrue(e.getMessage().startsWith("sequence 1 has 2 inputs but 3 targets"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> SequenceLoader.builder(numbered(3), DEVICE).batchSize(0).build());
        assertEquals("batch size must be > 0, got 0", e.getMessage());
    }

    @Test
    void longestFirstSortsEachBatchAndKeepsItsExamples() {
        SequenceDataset d = numbered(23);
        SequenceLoader plain = SequenceLoader.builder(d, DEVICE).batchSize(5).shuffle(3).build();
        SequenceLoader sorted = SequenceLoader.builder(d, DEVICE).batchSize(5).shuffle(3).longestFirst().build();
        List<SequenceBatch> a = new ArrayList<>();
        plain.epoch(1).forEach(a::add);
        List<SequenceBatch> b = new ArrayList<>();
        sorted.epoch(1).forEach(b::add);
        assertEquals(a.size(), b.size());
        for (int k = 0; k < a.size(); k++) {
            List<Integer> ids = check(d, b.get(k));
            int[] lengths = b.get(k).lengths();
            for (int i = 1; i < lengths.length; i++) {
                assertTrue(lengths[i] <= lengths[i - 1], "batch " + k + " longest first: " + Arrays.toString(lengths));
            }
            assertEquals(check(d, a.get(k)).stream().sorted().toList(), ids.stream().sorted().toList(),
                    "batch " + k + " holds the same examples");
        }
    }
}

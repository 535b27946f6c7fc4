package striate.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import striate.tensor.DType;
import striate.tensor.Device;

/** Batching, seeded per-epoch shuffling, the last partial batch, validation, and the prefetch thread. */
class DataLoaderTest {
    private static final Device DEVICE = Device.reference();

    private static DataLoader.Builder loader(Dataset d, int batchSize) {
        return DataLoader.builder(d, DEVICE).batchSize(batchSize);
    }

    /** The example ids of one epoch, in the order seen (each numbered image holds its id in every pixel). */
    private static List<Integer> ids(DataLoader l, int epoch) {
        List<Integer> seen = new ArrayList<>();
        for (Batch b : l.epoch(epoch)) {
            float[] x = b.x().toFloatArray();
            int[] y = b.y().toIntArray();
            for (int k = 0; k < b.size(); k++) {
                int id = (int) x[k * 4];
                assertEquals(id % 3, y[k], "label travels with its image");
                for (int p = 1; p < 4; p++) {
                    assertEquals(id, x[k * 4 + p]);
                }
                seen.add(id);
            }
        }
        return seen;
    }

    /** A Dataset of the user's own whose size() is negative is refused when the loader is built (it failed later). */
    @Test
    void aNegativeDatasetSizeIsRefused() {
        Dataset numbered = ImageDatasetTest.numbered(3);
        Dataset broken = new Dataset() {
            @Override
            public int size() {
                return -3;
            }

            @Override
            public void image(int i, float[] dst, int offset) {
                numbered.image(i, dst, offset);
            }

            @Override
            public int label(int i) {
                return numbered.label(i);
            }

            @Override
            public int classes() {
                return numbered.classes();
            }

            @Override
            public int channels() {
                return numbered.channels();
            }

            @Override
            public int height() {
                return numbered.height();
            }

            @Override
            public int width() {
                return numbered.width();
            }
        };
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> loader(broken, 8).build());
        assertEquals("the dataset's size() is -3; a Dataset has 0 or more examples", e.getMessage());
    }

    @Test
    void everyExampleExactlyOncePerEpochWithShapesAndTypes() {
        try (DataLoader l = loader(ImageDatasetTest.numbered(103), 10).shuffle(42).build()) {
            assertEquals(11, l.numBatches());
            int index = 0;
            for (Batch b : l.epoch(0)) {
                assertEquals(index, b.index());
                assertEquals(0, b.epoch());
                int n = index < 10 ? 10 : 3;
                assertArrayEquals(new long[] {n, 1, 2, 2}, b.x().shape().dims());
                assertArrayEquals(new long[] {n}, b.y().shape().dims());
                assertEquals(DType.F32, b.x().dtype());
                assertEquals(DType.I32, b.y().dtype());
                assertEquals(DEVICE, b.x().device());
                assertEquals(DEVICE, b.y().device());
                index++;
            }
            assertEquals(11, index);
            for (int e = 0; e < 3; e++) {
                List<Integer> seen = ids(l, e);
                assertEquals(103, seen.size());
                assertArrayEquals(IntStream.range(0, 103).toArray(), seen.stream().mapToInt(i -> i).sorted().toArray());
            }
        }
    }

    @Test
    void sameSeedSameOrderAndResumedRunSeesTheSameEpoch() {
        Dataset d = ImageDatasetTest.numbered(50);
        try (DataLoader a = loader(d, 8).shuffle(7).build(); DataLoader b = loader(d, 8).shuffle(7).build()) {
            List<Integer> a0 = ids(a, 0);
            List<Integer> a1 = ids(a, 1);
            List<Integer> a2 = ids(a, 2);
            // b starts at epoch 2, as a run resumed from a checkpoint would
            assertEquals(a2, ids(b, 2));
            assertEquals(a0, ids(b, 0));
            assertEquals(a1, ids(b, 1));
            assertEquals(a2, ids(a, 2), "iterating an epoch twice gives the same order");
            assertArrayEquals(a.order(5), b.order(5));
        }
    }

    @Test
    void differentEpochOrSeedGivesDifferentOrder() {
        Dataset d = ImageDatasetTest.numbered(50);
        try (DataLoader a = loader(d, 8).shuffle(7).build(); DataLoader c = loader(d, 8).shuffle(8).build()) {
            List<Integer> a0 = ids(a, 0);
            assertNotEquals(a0, ids(a, 1));
            assertNotEquals(a0, ids(c, 0));
            assertNotEquals(IntStream.range(0, 50).boxed().toList(), a0, "shuffled");
            for (int e = 0; e < 5; e++) {
                assertArrayEquals(IntStream.range(0, 50).toArray(),
                        Arrays.stream(a.order(e)).sorted().toArray(), "a permutation");
            }
        }
        try (DataLoader plain = loader(d, 8).build()) {
            assertEquals(IntStream.range(0, 50).boxed().toList(), ids(plain, 3), "no shuffle: dataset order");
        }
    }

    @Test
    void lastPartialBatchAndDropLast() {
        Dataset d = ImageDatasetTest.numbered(25);
        try (DataLoader keep = loader(d, 10).build(); DataLoader drop = loader(d, 10).dropLast(true).build()) {
            assertEquals(3, keep.numBatches());
            assertEquals(List.of(10, 10, 5), sizes(keep));
            assertEquals(2, drop.numBatches());
            assertEquals(List.of(10, 10), sizes(drop));
            assertEquals(IntStream.range(0, 20).boxed().toList(), ids(drop, 0));
        }
        try (DataLoader exact = loader(ImageDatasetTest.numbered(20), 10).dropLast(true).build()) {
            assertEquals(2, exact.numBatches());
        }
        try (DataLoader empty = loader(ImageDatasetTest.numbered(0), 4).shuffle(1).build()) {
            assertEquals(0, empty.numBatches());
            assertFalse(empty.epoch(0).iterator().hasNext());
        }
    }

    private static List<Integer> sizes(DataLoader l) {
        List<Integer> s = new ArrayList<>();
        l.epoch(0).forEach(b -> s.add(b.size()));
        return s;
    }

    @Test
    void optionsAreValidated() {
        Dataset d = ImageDatasetTest.numbered(5);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> loader(d, 0).build());
        assertEquals("batch size must be > 0, got 0", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> loader(d, -3).build());
        assertThrows(IllegalArgumentException.class, () -> loader(d, 2).prefetch(-1).build());
        IllegalArgumentException big = assertThrows(IllegalArgumentException.class,
                () -> loader(d, 6).dropLast(true).build());
        assertTrue(big.getMessage().contains("no batches"), big.getMessage());
        assertThrows(IllegalArgumentException.class, () -> DataLoader.builder(d, null));
        try (DataLoader l = loader(d, 2).build()) {
            assertThrows(IllegalArgumentException.class, () -> l.epoch(-1));
        }
    }

    @Test
    void noPrefetchGivesTheSameBatches() {
        Dataset d = ImageDatasetTest.numbered(37);
        try (DataLoader a = loader(d, 5).shuffle(3).build();
                DataLoader b = loader(d, 5).shuffle(3).prefetch(0).build()) {
            for (int e = 0; e < 2; e++) {
                assertEquals(ids(a, e), ids(b, e));
            }
        }
    }

    /** A dataset whose example {@code bad} cannot be read. */
    @Test
    void withoutAugmentationBatchesHoldTheDeterministicImages() {
        Dataset plain = ImageDatasetTest.numbered(10);
        Dataset augmented = new Dataset() { // sample() negates the image, as a stand-in for a random crop
            public int size() {
                return plain.size();
            }

            public int channels() {
                return plain.channels();
            }

            public int height() {
                return plain.height();
            }

            public int width() {
                return plain.width();
            }

            public int classes() {
                return plain.classes();
            }

            public int label(int i) {
                return plain.label(i);
            }

            public void image(int i, float[] dst, int offset) {
                plain.image(i, dst, offset);
            }

            @Override
            public void sample(int i, float[] dst, int offset, striate.tensor.Rng rng) {
                plain.image(i, dst, offset);
                for (int p = offset; p < offset + exampleSize(); p++) {
                    dst[p] = -dst[p] - 1;
                }
            }
        };
        try (DataLoader training = loader(augmented, 4).workers(2).build();
             DataLoader evaluation = loader(augmented, 4).workers(2).augment(false).build()) {
            assertEquals(List.of(0, 1, 2, 3, 4, 5, 6, 7, 8, 9), ids(evaluation, 0));
            float first = training.iterator(0).next().x().toFloatArray()[4]; // example 1, sampled
            assertEquals(-2f, first);
        }
    }

    private static Dataset failingAt(Dataset d, int bad, RuntimeException error) {
        return failingAt(d, Map.of(bad, error));
    }

    /** A dataset whose examples in {@code errors} cannot be read, each failing with its own exception. */
    private static Dataset failingAt(Dataset d, Map<Integer, RuntimeException> errors) {
        return new Dataset() {
            public int size() {
                return d.size();
            }

            public int channels() {
                return d.channels();
            }

            public int height() {
                return d.height();
            }

            public int width() {
                return d.width();
            }

            public int classes() {
                return d.classes();
            }

            public int label(int i) {
                return d.label(i);
            }

            public void image(int i, float[] dst, int offset) {
                if (errors.containsKey(i)) {
                    throw errors.get(i);
                }
                d.image(i, dst, offset);
            }
        };
    }

    @Test
    void prefetchFailureReachesTheConsumerWithTheOriginalCause() {
        IllegalStateException boom = new IllegalStateException("disk on fire");
        for (int depth : new int[] {2, 0}) {
            try (DataLoader l = loader(failingAt(ImageDatasetTest.numbered(100), 57, boom), 10).prefetch(depth)
                    .build()) {
                Iterator<Batch> it = l.epoch(0).iterator();
                for (int k = 0; k < 5; k++) {
                    assertEquals(k, it.next().index(), "batches before the failure arrive");
                }
                assertTrue(it.hasNext());
                DataLoaderException e = assertThrows(DataLoaderException.class, it::next);
                assertSame(boom, e.getCause());
                assertTrue(e.getMessage().contains("batch 5 of epoch 0"), e.getMessage());
                assertTrue(e.getMessage().contains("disk on fire"), e.getMessage());
                assertFalse(it.hasNext(), "the pass ends after a failure");
            }
        }
    }

    @Test
    void workersGiveTheSameBatchesAsOneThread() {
        Dataset d = ImageDatasetTest.numbered(103);
        try (DataLoader one = loader(d, 10).shuffle(5).build();
                DataLoader four = loader(d, 10).shuffle(5).workers(4).build();
                DataLoader direct = loader(d, 10).shuffle(5).workers(3).prefetch(0).build()) {
            for (int e = 0; e < 3; e++) {
                List<Integer> want = ids(one, e);
                assertEquals(want, ids(four, e));
                assertEquals(want, ids(direct, e));
            }
        }
        assertThrows(IllegalArgumentException.class, () -> loader(d, 10).workers(0).build());
    }

    @Test
    void workersReportTheFirstFailingExampleOfTheBatch() {
        IllegalStateException first = new IllegalStateException("example 52 is bad");
        IllegalStateException second = new IllegalStateException("example 57 is bad");
        Dataset d = failingAt(ImageDatasetTest.numbered(100), Map.of(52, first, 57, second));
        for (int round = 0; round < 20; round++) { // the workers race; the report must not depend on who wins
            for (int depth : new int[] {2, 0}) {
                try (DataLoader l = loader(d, 10).workers(4).prefetch(depth).build()) {
                    Iterator<Batch> it = l.epoch(0).iterator();
                    for (int k = 0; k < 5; k++) {
                        it.next();
                    }
                    DataLoaderException e = assertThrows(DataLoaderException.class, it::next);
                    assertSame(first, e.getCause());
                    assertTrue(e.getMessage().contains("batch 5 of epoch 0"), e.getMessage());
                    assertFalse(it.hasNext());
                }
            }
        }
    }

    @Test
    void closingStopsTheWorkers() throws InterruptedException {
        try (DataLoader l = loader(ImageDatasetTest.numbered(1000), 4).workers(3).build()) {
            DataLoader.Batches it = l.iterator(0);
            it.next();
            List<Thread> workers = Thread.getAllStackTraces().keySet().stream()
                    .filter(t -> t.getName().startsWith("striate-loader-epoch-0-worker-")).toList();
            assertFalse(workers.isEmpty(), "helpers started");
            assertTrue(workers.stream().allMatch(Thread::isDaemon));
            it.close();
            for (Thread t : workers) {
                t.join(5_000);
                assertFalse(t.isAlive(), t.getName());
            }
        }
    }

    @Test
    void closingStopsThePrefetchThread() throws InterruptedException {
        Dataset d = ImageDatasetTest.numbered(1000);
        DataLoader l = loader(d, 4).shuffle(1).build();
        try {
            DataLoader.Batches it = l.iterator(0);
            it.next();
            Thread t = prefetchThread(0);
            assertTrue(t.isDaemon());
            assertTrue(it.prefetching(), "250 batches: the producer is blocked on the full queue");
            it.close();
            assertFalse(it.prefetching());
            assertFalse(t.isAlive());
            assertFalse(it.hasNext());
            assertThrows(IllegalStateException.class, it::next);

            // a loop abandoned with break leaves a thread that DataLoader.close() stops
            DataLoader.Batches abandoned = l.iterator(1);
            abandoned.next();
            assertTrue(abandoned.prefetching());
            l.close();
            assertFalse(abandoned.prefetching());
            assertThrows(IllegalStateException.class, abandoned::next);
            assertThrows(IllegalStateException.class, () -> l.epoch(2).iterator());
        } finally {
            l.close();
        }
    }

    @Test
    void threadEndsByItselfAtTheEndOfAnEpoch() throws InterruptedException {
        try (DataLoader l = loader(ImageDatasetTest.numbered(30), 4).build()) {
            DataLoader.Batches it = l.iterator(0);
            int n = 0;
            while (it.hasNext()) {
                it.next();
                n++;
            }
            assertEquals(8, n);
            assertFalse(it.prefetching());
        }
    }

    private static Thread prefetchThread(int epoch) {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().equals("striate-prefetch-epoch-" + epoch) && t.isAlive())
                .findFirst().orElseThrow();
    }
}

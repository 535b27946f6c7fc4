package striate.parallel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static striate.parallel.Training.LENET;
import static striate.parallel.Training.SGD;
import static striate.parallel.Training.assertBitIdentical;
import static striate.parallel.Training.cpus;
import static striate.parallel.Training.weights;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Gradients reduce in buckets that start while backward still runs. The proof does not rely on timing: a listener
 * holds each replica inside backward, as it fills its last bucket, until the all-reduce of bucket 0 has started;
 * an implementation that reduced only after backward would never start it, and the test would fail on its timeout.
 */
class DataParallelBucketsTest {
    @Test
    void bucketZeroIsReducedWhileBackwardStillRunsAndBucketSizeDoesNotChangeTheResult() throws Exception {
        List<Training.Batch> batches = Training.lenetBatches(3, 10);
        List<String> events = Collections.synchronizedList(new ArrayList<>());
        CountDownLatch firstReduceStarted = new CountDownLatch(1);
        List<Boolean> waitedInVain = Collections.synchronizedList(new ArrayList<>());
        int[] lastBucket = {-1};
        StepListener listener = new StepListener() {
            @Override
            public void bucketFilled(int replica, int bucket) {
                events.add("filled " + replica + " " + bucket);
                if (bucket == lastBucket[0]) { // returns at once when it has started already
                    try {
                        waitedInVain.add(!firstReduceStarted.await(30, TimeUnit.SECONDS));
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
            }

            @Override
            public void backwardDone(int replica) {
                events.add("backward done " + replica);
            }

            @Override
            public void reduceStarted(int bucket) {
                events.add("reduce " + bucket);
                if (bucket == 0) {
                    firstReduceStarted.countDown();
                }
            }
        };
        Map<String, float[]> small;
        try (DataParallel dp = DataParallel.builder(cpus(2), LENET, SGD).bucketBytes(8 << 10).listener(listener)
                .build()) {
            lastBucket[0] = dp.buckets() - 1;
            assertTrue(dp.buckets() >= 4, "LeNet-5 in 8 KiB buckets makes several, got " + dp.buckets());
            dp.step(batches.get(0).x(), batches.get(0).y());
            assertEquals(List.of(false, false), waitedInVain, "each replica waited for bucket 0's all-reduce inside "
                    + "backward; true means it never started");
            List<String> first = List.copyOf(events);
            int reduce0 = first.indexOf("reduce 0");
            assertTrue(reduce0 >= 0 && reduce0 < first.indexOf("backward done 0")
                    && reduce0 < first.indexOf("backward done 1"), "bucket 0 reduced before backward ended: " + first);
            List<String> reduces = first.stream().filter(e -> e.startsWith("reduce")).toList();
            for (int k = 0; k < dp.buckets(); k++) {
                assertEquals("reduce " + k, reduces.get(k), "buckets reduce once each, in order");
                for (int r = 0; r < 2; r++) {
                    assertEquals(1, Collections.frequency(first, "filled " + r + " " + k));
                }
            }
            dp.step(batches.get(1).x(), batches.get(1).y());
            dp.step(batches.get(2).x(), batches.get(2).y());
            small = weights(dp.module());
        }
        try (DataParallel dp = DataParallel.builder(cpus(2), LENET, SGD).build()) {
            assertEquals(1, dp.buckets(), "LeNet-5 fits in one 25 MiB bucket");
            batches.forEach(b -> dp.step(b.x(), b.y()));
            // two replicas: each element's sum is a + b whichever bucket and chunk it falls in
            assertBitIdentical(weights(dp.module()), small, "one bucket against many");
        }
    }
}

package striate.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Shards are disjoint and contiguous, an epoch visits each example of a shard at most once, epochs differ. */
class ShardOrderTest {
    @Test
    void eachWorkerReadsOnlyItsShardAndAnEpochVisitsAnExampleOnce() {
        ShardOrder order = new ShardOrder(103, 3, 10, 5); // shards of 34, 34, 35: 3 steps each
        assertEquals(3, order.stepsPerEpoch());
        assertArrayEquals(new int[] {0, 34, 68, 103}, new int[] {order.shardStart(0), order.shardStart(1),
                order.shardStart(2), order.shardStart(3)});
        for (int r = 0; r < 3; r++) {
            Set<Integer> seen = new HashSet<>();
            for (int step = 0; step < 3; step++) {
                for (int i : order.batch(r, 0, step)) {
                    assertTrue(i >= order.shardStart(r) && i < order.shardStart(r + 1), "worker " + r + " read " + i);
                    assertTrue(seen.add(i), "worker " + r + " read " + i + " twice in an epoch");
                }
            }
        }
    }

    @Test
    void theGlobalBatchIsTheWorkersBatchesInRankOrderAndEpochsAreShuffledAnew() {
        ShardOrder order = new ShardOrder(64, 2, 8, 1);
        int[] global = order.globalBatch(1, 2);
        assertArrayEquals(order.batch(0, 1, 2), Arrays.copyOfRange(global, 0, 8));
        assertArrayEquals(order.batch(1, 1, 2), Arrays.copyOfRange(global, 8, 16));
        assertFalse(Arrays.equals(order.batch(0, 0, 0), order.batch(0, 1, 0)));
        assertArrayEquals(order.batch(1, 3, 1), new ShardOrder(64, 2, 8, 1).batch(1, 3, 1));
    }

    @Test
    void theEpochOrderHoldsEveryStepsBatchInTurn() {
        ShardOrder order = new ShardOrder(70, 3, 5, 4);
        for (int r = 0; r < 3; r++) {
            int[] epoch = order.epochOrder(r, 2);
            assertEquals(order.shardStart(r + 1) - order.shardStart(r), epoch.length);
            for (int step = 0; step < order.stepsPerEpoch(); step++) {
                assertArrayEquals(order.batch(r, 2, step), Arrays.copyOfRange(epoch, step * 5, step * 5 + 5));
            }
        }
    }

    @Test
    void aShardSmallerThanABatchIsAnError() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new ShardOrder(30, 4, 8, 1));
        assertTrue(e.getMessage().contains("fewer than one batch of 8"), e.getMessage());
    }

    /**
     * A DataFrame's rows go to the worker that owns them: training examples by shard, test images (keys −1 − index)
     * by contiguous slices, the empty slices of fewer test images than workers skipped.
     */
    @Test
    void dealtRowsGoToTheWorkerThatOwnsThem() {
        ShardOrder order = new ShardOrder(10, 3, 2, 7); // shards [0, 3), [3, 6), [6, 10)
        FrameShards.ByShard byShard = new FrameShards.ByShard(order, 2); // test slices [0, 0), [0, 1), [1, 2)
        assertEquals(3, byShard.numPartitions());
        int[] expected = {0, 0, 0, 1, 1, 1, 2, 2, 2, 2};
        for (int i = 0; i < 10; i++) {
            assertEquals(expected[i], byShard.getPartition(i), "example " + i);
        }
        assertEquals(1, byShard.getPartition(-1), "test image 0: worker 1's");
        assertEquals(2, byShard.getPartition(-2), "test image 1: worker 2's");
        for (int r = 0; r < 3; r++) {
            int worker = r;
            assertEquals(order.shardStart(r), java.util.stream.IntStream.range(0, 10)
                    .filter(i -> byShard.getPartition(i) == worker).min().orElseThrow());
        }
        FrameShards.ByShard many = new FrameShards.ByShard(order, 7); // slices [0, 2), [2, 4), [4, 7)
        int[] slices = {0, 0, 1, 1, 2, 2, 2};
        for (int t = 0; t < 7; t++) {
            assertEquals(slices[t], many.getPartition(-1 - t), "test image " + t);
        }
    }
}

package striate.parallel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static striate.parallel.Training.LENET;
import static striate.parallel.Training.SGD;
import static striate.parallel.Training.assertBitIdentical;
import static striate.parallel.Training.cpus;
import static striate.parallel.Training.weights;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import striate.nn.Module;
import striate.tensor.DType;
import striate.tensor.Device;
import striate.tensor.Shape;
import striate.tensor.ShapeMismatchException;
import striate.tensor.Tensor;

/**
 * Misuse and failures give clear errors: no devices, a model factory that returns one model twice,
 * labels that do not match the batch; a replica that fails mid-step is named and the others do not deadlock at the
 * all-reduce; a failing exchange names the bucket; after a failure, steps wait for syncFromFirst().
 */
class DataParallelErrorsTest {
    private static final Duration NO_DEADLOCK = Duration.ofSeconds(60);

    /** LeNet-5 that throws in forward on {@code bad} while {@code failing} is set. */
    private static final class FailsOn extends Module {
        private final Module net = registerModule("net", LENET.get());
        private final Device bad;
        private final AtomicBoolean failing;

        FailsOn(Device bad, AtomicBoolean failing) {
            this.bad = bad;
            this.failing = failing;
        }

        @Override
        public Tensor forward(Tensor x) {
            if (failing.get() && x.device().equals(bad)) {
                throw new IllegalStateException("injected failure on " + bad);
            }
            return net.forward(x);
        }
    }

    @Test
    void devicesMustBeGiven() {
        IllegalArgumentException none = assertThrows(IllegalArgumentException.class,
                () -> DataParallel.builder(List.of(), LENET, SGD));
        assertTrue(none.getMessage().contains("at least one device"), none.getMessage());
    }

    @Test
    void aFactoryThatReturnsOneModelTwiceIsRefused() {
        Module shared = LENET.get();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> DataParallel.builder(cpus(2), () -> shared, SGD).build());
        assertTrue(e.getMessage().contains("new model on every call"), e.getMessage());
    }

    @Test
    void labelsMustMatchTheBatch() {
        try (DataParallel dp = DataParallel.builder(cpus(2), LENET, SGD).build()) {
            Training.Batch b = Training.lenetBatches(1, 6).getFirst();
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> dp.step(b.x(), b.y().slice(0, 0, 5)));
            assertTrue(e.getMessage().contains("y [5]") || e.getMessage().contains("[5]"), e.getMessage());
        }
    }

    @Test
    void aReplicaThatFailsIsNamedTheOthersStopAndSyncFromFirstRecovers() {
        AtomicBoolean failing = new AtomicBoolean(true);
        Device cpu1 = Device.parse("cpu:1");
        List<Training.Batch> batches = Training.lenetBatches(2, 9);
        try (DataParallel dp = DataParallel.builder(cpus(3), () -> new FailsOn(cpu1, failing), SGD).build()) {
            ReplicaFailedException e = assertTimeoutPreemptively(NO_DEADLOCK, () -> assertThrows(
                    ReplicaFailedException.class, () -> dp.step(batches.get(0).x(), batches.get(0).y())));
            assertEquals(1, e.replica());
            assertEquals(cpu1, e.device());
            assertTrue(e.getMessage().contains("replica 1 on cpu:1") && e.getMessage().contains("injected failure"),
                    e.getMessage());

            failing.set(false);
            IllegalStateException refused = assertThrows(IllegalStateException.class,
                    () -> dp.step(batches.get(1).x(), batches.get(1).y()));
            assertTrue(refused.getMessage().contains("syncFromFirst"), refused.getMessage());
            dp.syncFromFirst();
            assertTimeoutPreemptively(NO_DEADLOCK, () -> dp.step(batches.get(1).x(), batches.get(1).y()));
            for (int r = 1; r < 3; r++) {
                assertBitIdentical(weights(dp.module()), weights(dp.replica(r)), "replica " + r + " after recovery");
            }
        }
    }

    @Test
    void anInputOfTheWrongShapeFailsInEveryReplicaWithoutDeadlock() {
        try (DataParallel dp = DataParallel.builder(cpus(3), LENET, SGD).build()) {
            Tensor x = Tensor.rand(Training.CPU0, DType.F32, Shape.of(6, 1, 27, 27), -1, 1, 3);
            Tensor y = Tensor.ofInts(Training.CPU0, new int[] {1, 2, 3, 4, 5, 6});
            ReplicaFailedException e = assertTimeoutPreemptively(NO_DEADLOCK,
                    () -> assertThrows(ReplicaFailedException.class, () -> dp.step(x, y)));
            assertEquals(0, e.replica());
            assertInstanceOf(ShapeMismatchException.class, e.getCause());
        }
    }

    @Test
    void aFailingExchangeNamesTheBucketAndIsStillFinished() {
        java.util.concurrent.atomic.AtomicInteger finished = new java.util.concurrent.atomic.AtomicInteger();
        GradientExchange broken = new GradientExchange() {
            @Override
            public void allReduce(int bucket, List<Tensor> buffers) {
                throw new IllegalStateException("link down");
            }

            @Override
            public void finish() { // what was queued before the failure must be waited for before the next step
                finished.incrementAndGet();
            }
        };
        try (DataParallel dp = DataParallel.builder(cpus(2), LENET, SGD).exchange(broken).build()) {
            Training.Batch b = Training.lenetBatches(1, 4).getFirst();
            IllegalStateException e = assertTimeoutPreemptively(NO_DEADLOCK,
                    () -> assertThrows(IllegalStateException.class, () -> dp.step(b.x(), b.y())));
            assertTrue(e.getMessage().contains("gradient exchange failed") && e.getMessage().contains("bucket 0")
                    && e.getMessage().contains("link down"), e.getMessage());
            assertEquals(1, finished.get());
        }
    }

    @Test
    void anExchangeThatFailsToFinishSaysSoAndNoReplicaUpdates() {
        RingAllReduce ring = new RingAllReduce(new HostChunkLink());
        GradientExchange unfinished = new GradientExchange() {
            @Override
            public void allReduce(int bucket, List<Tensor> buffers) {
                ring.allReduce(bucket, buffers);
            }

            @Override
            public void finish() {
                throw new IllegalStateException("stream lost");
            }
        };
        try (DataParallel dp = DataParallel.builder(cpus(2), LENET, SGD).exchange(unfinished).build()) {
            float[] before = dp.module().namedParameters().values().iterator().next().value().toFloatArray();
            Training.Batch b = Training.lenetBatches(1, 4).getFirst();
            IllegalStateException e = assertTimeoutPreemptively(NO_DEADLOCK,
                    () -> assertThrows(IllegalStateException.class, () -> dp.step(b.x(), b.y())));
            assertTrue(e.getMessage().contains("failed to finish") && e.getMessage().contains("stream lost"),
                    e.getMessage());
            assertArrayEquals(before, dp.module().namedParameters().values().iterator().next().value().toFloatArray(),
                    "no update without the sums");
        }
    }

    @Test
    void aClosedDataParallelRefusesSteps() {
        DataParallel dp = DataParallel.builder(cpus(1), LENET, SGD).build();
        dp.close();
        dp.close();
        Training.Batch b = Training.lenetBatches(1, 2).getFirst();
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> dp.step(b.x(), b.y()));
        assertTrue(e.getMessage().contains("closed"), e.getMessage());
    }
}

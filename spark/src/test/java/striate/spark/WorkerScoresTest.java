package striate.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import striate.data.Dataset;
import striate.data.MnistFolder;
import striate.data.Normalization;
import striate.nn.Module;
import striate.tensor.Device;
import striate.train.Evaluation;

/**
 * The per-epoch scores of N workers on localhost rings: the test slices' counts add up exactly to one process's
 * score of the whole test set (3 workers, whose means are not exact in float32), the training values average, and a
 * worker that fails to score its slice leaves the epoch's test score out on every worker instead of failing the run.
 */
class WorkerScoresTest {
    private static final int TESTS = 100;

    private static Dataset testImages() throws IOException {
        Path dir = MnistFolder.defaultFashionMnistFolder();
        assumeTrue(MnistFolder.isComplete(dir), "Fashion-MNIST not found in " + dir
                + ": install Debian's package dataset-fashion-mnist (bin/setup does)");
        return MnistFolder.testSet(dir, Normalization.FASHION_MNIST).subset(TESTS);
    }

    private static Options options() {
        return Options.parse("--model", "lenet5", "--data", "/unused", "--epochs", "1", "--batch-size", "16", "--lr",
                "0.05", "--seed", "7", "--checkpoint-dir", "/unused", "--workers", "3");
    }

    private static Module model(Options o) {
        Module m = Worker.model(o, 10);
        m.to(Device.cpu());
        return m;
    }

    private static Dataset slice(Dataset test, int rank) {
        return test.subset(FrameShards.testStart(rank, test.size(), 3), FrameShards.testStart(rank + 1, test.size(), 3));
    }

    @Test
    void threeWorkersSlicesAddUpToOneProcesssScoreExactly() throws Exception {
        Dataset test = testImages();
        Options o = options();
        Evaluation whole = Evaluation.of(model(o), test, Device.cpu(), 50);
        List<EpochScores> scores = SocketRingTest.onRing(3, (rank, ring) -> EpochScores.exchanged(model(o),
                slice(test, rank), o, rank, Device.cpu(), ring, new double[] {1.0 + rank, 10 + rank, 16}));
        for (EpochScores s : scores) {
            assertEquals(scores.getFirst(), s, "every worker has the same scores");
        }
        EpochScores s = scores.getFirst();
        assertEquals(TESTS, s.test().images());
        assertEquals((double) whole.correct() / TESTS, s.test().accuracy(), 0.0, "the counts, exact");
        assertEquals(whole.loss(), s.test().loss(), 1e-6, "float32 batch losses, summed in other batches");
        assertEquals(2.0, s.trainLoss(), 1e-15, "the workers' mean training losses averaged");
        assertEquals(33.0 / 48, s.trainAccuracy(), 0.0, "right answers over examples, exact");
        assertEquals(0, s.unscored());
    }

    @Test
    void aWorkerThatFailsToScoreLeavesTheTestScoreOutOnEveryWorker() throws Exception {
        Dataset test = testImages();
        Options o = options();
        List<EpochScores> scores = SocketRingTest.onRing(3, (rank, ring) -> EpochScores.exchanged(model(o),
                rank == 1 ? new Unreadable(slice(test, rank)) : slice(test, rank), o, rank, Device.cpu(), ring,
                new double[] {1, 8, 16}));
        for (EpochScores s : scores) {
            assertNull(s.test(), "no test score this epoch");
            assertEquals(1, s.unscored());
            assertEquals(0.5, s.trainAccuracy(), 0.0, "the training values still averaged");
        }
    }

    /**
     * With --test-every 2 over 3 epochs, two workers score the test images after the second epoch and after the last,
     * and the checkpoint's history has the three epochs' training values and those two scores.
     */
    @Test
    void testEveryScoresEveryNthEpochAndTheLast(@org.junit.jupiter.api.io.TempDir Path tmp) throws Exception {
        Dataset test = testImages();
        Path dir = MnistFolder.defaultFashionMnistFolder();
        Options o = Options.parse("--model", "lenet5", "--data", dir.toString(), "--epochs", "3", "--batch-size", "16",
                "--lr", "0.05", "--seed", "7", "--checkpoint-dir", tmp.toString(), "--workers", "2", "--limit", "128",
                "--test-every", "2");
        Dataset train = Worker.data(o);
        List<Worker.Report> reports = SocketRingTest.onRing(2, (rank, ring) -> Worker.run(o, rank, Device.cpu(), ring,
                Worker.prepare(o, new BarrierTask.Shard(train, test.subset(FrameShards.testStart(rank, TESTS, 2),
                        FrameShards.testStart(rank + 1, TESTS, 2))))));
        List<Worker.Epoch> epochs = reports.getFirst().epochs();
        assertEquals(3, epochs.size());
        assertNull(epochs.get(0).scores().test(), "epoch 1: not scored");
        assertEquals(TESTS, epochs.get(1).scores().test().images(), "epoch 2: scored");
        assertEquals(epochs.get(2).scores().test(), reports.getFirst().test(), "the last epoch: scored, the final");
        List<striate.train.EpochStats> history = striate.train.Checkpoint.load(tmp.resolve(Worker.CHECKPOINT))
                .history();
        assertEquals(3, history.size());
        assertTrue(Double.isNaN(history.get(0).valMetric()) && !Double.isNaN(history.get(1).valMetric())
                && !Double.isNaN(history.get(2).valMetric()), history.toString());
        assertTrue(history.stream().allMatch(h -> Double.isFinite(h.trainLoss())), "every epoch's training values");
    }

    /**
     * A stage resumed from a mid-epoch checkpoint records the whole epoch in its history: two workers, 2 epochs of 4
     * steps, a checkpoint every 3 steps. The first run stops when worker 1 fails at step 7, after the checkpoint at
     * step 6; the resumed run's history equals an uninterrupted run's (training losses to rounding, accuracies and
     * test scores exactly), and its second epoch's seconds include the first run's.
     */
    @Test
    void aStageResumedMidEpochRecordsTheWholeEpoch(@org.junit.jupiter.api.io.TempDir Path tmp) throws Exception {
        Dataset test = testImages();
        Path dir = MnistFolder.defaultFashionMnistFolder();
        java.util.function.Function<Path, Options> options = out -> Options.parse("--model", "lenet5", "--data",
                dir.toString(), "--epochs", "2", "--batch-size", "16", "--lr", "0.05", "--seed", "7",
                "--checkpoint-dir", out.toString(), "--workers", "2", "--limit", "128", "--checkpoint-every", "3");
        Options whole = options.apply(tmp.resolve("whole"));
        Options cut = options.apply(tmp.resolve("cut"));
        Dataset train = Worker.data(whole);
        java.util.function.IntFunction<BarrierTask.Shard> shard = rank -> new BarrierTask.Shard(train,
                test.subset(FrameShards.testStart(rank, TESTS, 2), FrameShards.testStart(rank + 1, TESTS, 2)));
        SocketRingTest.onRing(2, (rank, ring) -> Worker.run(whole, rank, Device.cpu(), ring,
                Worker.prepare(whole, shard.apply(rank))));

        java.util.concurrent.ExecutionException stopped = org.junit.jupiter.api.Assertions.assertThrows(
                java.util.concurrent.ExecutionException.class, () -> SocketRingTest.onRing(2, (rank, ring) -> Worker.run(
                        cut, rank, Device.cpu(), ring, Worker.prepare(cut, rank == 0 ? shard.apply(rank)
                                : new BarrierTask.Shard(new FailsAfter(train, 6 * 16), shard.apply(rank).test())))));
        assertTrue(String.valueOf(stopped.getCause()).contains("rank 1 closed its connection"),
                String.valueOf(stopped.getCause())); // rank 0 reports losing worker 1
        Path last = tmp.resolve("cut").resolve(Worker.CHECKPOINT);
        striate.train.Checkpoint atCut = striate.train.Checkpoint.load(last);
        assertEquals(6, atCut.globalStep(), "the first run's last checkpoint");
        PartialEpoch carried = PartialEpoch.of(atCut, 4);
        assertEquals(2, carried.steps(), "two steps of epoch 2 carried");
        assertTrue(carried.seconds() > 0);
        List<Worker.Report> resumed = SocketRingTest.onRing(2, (rank, ring) -> Worker.run(cut, rank, Device.cpu(),
                ring, Worker.prepare(cut, shard.apply(rank))));

        Worker.Epoch rest = resumed.getFirst().epochs().getFirst();
        assertEquals(1, resumed.getFirst().epochs().size());
        assertEquals(2 * 16, rest.examples(), "the resumed stage ran the epoch's last 2 steps");
        List<striate.train.EpochStats> want = striate.train.Checkpoint.load(tmp.resolve("whole")
                .resolve(Worker.CHECKPOINT)).history();
        List<striate.train.EpochStats> got = striate.train.Checkpoint.load(last).history();
        assertEquals(2, got.size());
        for (int e = 0; e < 2; e++) {
            assertEquals(want.get(e).trainLoss(), got.get(e).trainLoss(), 1e-12, "epoch " + (e + 1) + "'s loss");
            assertEquals(want.get(e).trainMetric(), got.get(e).trainMetric(), "epoch " + (e + 1) + "'s accuracy");
            assertEquals(want.get(e).valMetric(), got.get(e).valMetric(), "epoch " + (e + 1) + "'s test accuracy");
        }
        assertEquals(carried.seconds() + rest.seconds(), got.get(1).seconds(), 1e-9,
                "epoch 2's seconds: the first run's up to its checkpoint, then the resumed stage's");
        assertEquals(4 * 16 * 2 / got.get(1).seconds(), got.get(1).samplesPerSecond(), 1e-6,
                "the whole epoch's images over those seconds");
    }

    /** A training set whose reads fail after {@code samples} examples (an executor lost mid-epoch). */
    private static final class FailsAfter extends Wrapped {
        private final int samples;
        private int read;

        FailsAfter(Dataset inner, int samples) {
            super(inner);
            this.samples = samples;
        }

        @Override
        public void image(int i, float[] dst, int offset) {
            if (read++ == samples) {
                throw new IllegalStateException("the worker is lost after " + samples + " examples");
            }
            inner.image(i, dst, offset);
        }
    }

    /** A test slice whose images cannot be read (a corrupt file). */
    private static final class Unreadable extends Wrapped {
        Unreadable(Dataset inner) {
            super(inner);
        }

        @Override
        public void image(int i, float[] dst, int offset) {
            throw new IllegalStateException("test image " + i + " is corrupt");
        }
    }

    /** Another dataset's examples, whose reads a subclass changes. */
    private abstract static class Wrapped implements Dataset {
        final Dataset inner;

        Wrapped(Dataset inner) {
            this.inner = inner;
        }

        @Override
        public int size() {
            return inner.size();
        }

        @Override
        public int channels() {
            return inner.channels();
        }

        @Override
        public int height() {
            return inner.height();
        }

        @Override
        public int width() {
            return inner.width();
        }

        @Override
        public int classes() {
            return inner.classes();
        }

        @Override
        public int label(int i) {
            return inner.label(i);
        }
    }
}

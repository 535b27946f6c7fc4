package striate.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import striate.data.Batch;
import striate.data.Dataset;
import striate.data.ImageDataset;
import striate.nn.Linear;
import striate.nn.Module;
import striate.nn.Parameter;
import striate.nn.ReLU;
import striate.nn.Sequential;
import striate.optim.LrSchedule;
import striate.optim.Optimizer;
import striate.optim.Sgd;
import striate.tensor.Device;
import striate.tensor.Rng;
import striate.tensor.Tensor;

/**
 * The training loop on small synthetic images (3 classes, each a bright band at a different row, plus noise)
 * on the reference backend: it learns, a resumed run reaches exactly the weights of an uninterrupted one,
 * a diverging loss stops with the last good checkpoint kept, early stopping ends the run, and without validation
 * the training loss picks the best epoch. Where the test is about the loop's reaction to a loss, a scripted step
 * reports the losses.
 */
class TrainerTest {
    private static final Device REF = Device.reference();

    /** n images [1, 6, 6]: class k has rows 2k..2k+1 bright. */
    static ImageDataset bands(int n, long seed) {
        Rng rng = new Rng(seed);
        float[] x = new float[n * 36];
        int[] y = new int[n];
        for (int i = 0; i < n; i++) {
            y[i] = rng.nextInt(3);
            for (int p = 0; p < 36; p++) {
                int row = p / 6;
                x[i * 36 + p] = (float) ((row / 2 == y[i] ? 1.0 : 0.0) + 0.3 * rng.nextGaussian());
            }
        }
        return new ImageDataset(x, y, 3, 1, 6, 6);
    }

    /** Flattens [n, 1, 6, 6] and applies a 36 → 16 → 3 perceptron. */
    static final class Net extends Module {
        private final Sequential body;

        Net(long seed) {
            Rng rng = new Rng(seed);
            body = registerModule("body", new Sequential(new Linear(36, 16, rng), new ReLU(), new Linear(16, 3, rng)));
        }

        @Override
        public Tensor forward(Tensor x) {
            return body.forward(x.reshape(x.dim(0), -1));
        }
    }

    private static Trainer.Options options(int epochs, double lr, Path dir, int patience) {
        return new Trainer.Options(epochs, 16, 7, lr, LrSchedule.constant(), patience, 0, "net", "", dir, null);
    }

    private static Optimizer sgd(Module m, double lr) {
        return Sgd.builder(m.namedParameters()).lr(lr).momentum(0.9).build();
    }

    /** A step that trains nothing and reports {@code losses[epoch]} for every batch of that epoch (0-based). */
    static final class Scripted implements TrainStep<Batch> {
        private final double[] losses;
        private int epoch;

        Scripted(double... losses) {
            this.losses = losses;
        }

        @Override
        public void beforeEpoch(int epoch) {
            this.epoch = epoch;
        }

        @Override
        public Result run(Batch batch) {
            int b = batch.size();
            return new Result(losses[epoch], b / 2, b, b);
        }
    }

    /**
     * An optimizer that lacks the model's parameters (built from another model) or starts at another learning rate
     * than the options' (which the schedule sets every epoch) is refused, naming the parameter or both rates.
     */
    @Test
    void anOptimizerOfAnotherModelOrRateIsRefused(@TempDir Path dir) {
        Net net = new Net(1);
        IllegalArgumentException other = assertThrows(IllegalArgumentException.class,
                () -> new Trainer(net, sgd(new Net(2), 0.05), REF, options(1, 0.05, dir, 0)));
        assertTrue(other.getMessage().startsWith("the optimizer does not hold the model's parameter 'body.0.weight' "
                + "[16, 36]; build the optimizer from this model's namedParameters()"), other.getMessage());
        IllegalArgumentException rate = assertThrows(IllegalArgumentException.class,
                () -> new Trainer(net, sgd(net, 0.5), REF, options(1, 0.05, dir, 0)));
        assertTrue(rate.getMessage().startsWith("the optimizer's learning rate is 0.5 but Options.learningRate is 0.05"),
                rate.getMessage());
    }

    @Test
    void learnsAndWritesCheckpoints(@TempDir Path dir) throws Exception {
        Dataset train = bands(480, 1);
        Dataset val = bands(120, 2);
        Net net = new Net(3);
        Map<String, String> settings = Map.of("--seed", "7", "--lr", "0.05");
        Trainer.Options o = new Trainer.Options(4, 16, 7, 0.05, LrSchedule.constant(), 0, 0, "net", "", dir, null, 1,
                settings);
        History h = new Trainer(net, sgd(net, 0.05), REF, o).fit(train, val, null);
        assertEquals(4, h.size());
        assertTrue(h.last().orElseThrow().valMetric() > 0.9, "validation accuracy " + h.last());
        assertTrue(h.epochs().get(3).trainLoss() < h.epochs().get(0).trainLoss(), "loss decreases");
        assertTrue(Files.exists(dir.resolve(Trainer.LAST)) && Files.exists(dir.resolve(Trainer.BEST)));
        Checkpoint c = Checkpoint.load(dir.resolve(Trainer.LAST));
        assertEquals(4, c.epoch());
        assertEquals(4 * 30, c.globalStep());
        assertEquals(4, c.history().size());
        assertEquals(settings, c.settings());
        assertTrue(c.optimizerScalars().get(Trainer.FIRST_LOSS).doubleValue() > h.epochs().get(3).trainLoss(),
                "the run's first loss, before any update, is above the last epoch's mean");
    }

    @Test
    void holdCheckpointsSaysWhatLastCkptHolds(@TempDir Path dir) throws Exception {
        Net net = new Net(3);
        assertEquals(0, new Trainer(net, sgd(net, 0.05), REF, options(2, 0.05, dir, 0)).holdCheckpoints(1),
                "nothing written yet");
        Trainer trainer = new Trainer(net, sgd(net, 0.05), REF, options(2, 0.05, dir, 0));
        trainer.fit(bands(64, 1), null, null);
        assertEquals(2, trainer.holdCheckpoints(1));
        assertEquals(2, Checkpoint.load(dir.resolve(Trainer.LAST)).epoch());
    }

    @Test
    void resumedRunReachesTheSameWeightsAsAnUninterruptedOne(@TempDir Path dir) throws Exception {
        Dataset train = bands(200, 4);
        Dataset val = bands(50, 5);
        Net full = new Net(6);
        new Trainer(full, sgd(full, 0.05), REF, options(3, 0.05, dir.resolve("full"), 0)).fit(train, val, null);

        Net first = new Net(6);
        new Trainer(first, sgd(first, 0.05), REF, options(1, 0.05, dir.resolve("split"), 0)).fit(train, val, null);
        Checkpoint c = Checkpoint.load(dir.resolve("split").resolve(Trainer.LAST));
        Net resumed = new Net(99); // different initial weights: all must come from the checkpoint
        History h = new Trainer(resumed, sgd(resumed, 0.05), REF, options(3, 0.05, dir.resolve("split"), 0))
                .fit(train, val, c);
        assertEquals(3, h.size());
        for (Map.Entry<String, Parameter> e : full.namedParameters().entrySet()) {
            assertArrayEquals(e.getValue().value().toFloatArray(),
                    resumed.namedParameters().get(e.getKey()).value().toFloatArray(), e.getKey());
        }
    }

    @Test
    void divergingLossStopsAndKeepsTheLastGoodCheckpoint(@TempDir Path dir) throws Exception {
        Dataset train = bands(64, 7); // 4 batches of 16 an epoch
        Net net = new Net(8);
        // epoch 1 at 1.0; epoch 2 at 50: the window [1, 1, 1, 1, 50] has mean 10.8, over 10 × 1.0 at its first batch
        Trainer trainer = new Trainer(net, sgd(net, 0.05), REF, new Scripted(1.0, 50), options(3, 0.05, dir, 0));
        TrainingDivergedException e = assertThrows(TrainingDivergedException.class,
                () -> trainer.fit(train, null, null));
        assertTrue(e.getMessage().startsWith("training diverged at epoch 2, batch 1 (step 5): the mean loss of the "
                + "last 5 batches, 10.80, is over 10 times the run's first loss, 1.000; training stopped. The last "
                + "good checkpoint is kept at " + dir.resolve(Trainer.LAST)), e.getMessage());
        assertEquals(1, Checkpoint.load(dir.resolve(Trainer.LAST)).epoch()); // loads: checksum intact
    }

    @Test
    void aHugeLearningRateDivergesBeforeTheLossIsNaN(@TempDir Path dir) {
        Net net = new Net(8);
        TrainingDivergedException e = assertThrows(TrainingDivergedException.class,
                () -> new Trainer(net, sgd(net, 1e6), REF, options(2, 1e6, dir, 0)).fit(bands(64, 7), null, null));
        assertTrue(e.getMessage().contains("is over 10 times the run's first loss")
                && e.getMessage().contains("No checkpoint was written before it happened")
                && e.getMessage().contains("Lower the learning rate (now 1000000.0)"), e.getMessage());
    }

    @Test
    void aResumedRunKeepsTheFirstLossOfItsRun(@TempDir Path dir) throws Exception {
        Dataset train = bands(64, 7);
        Net net = new Net(8);
        new Trainer(net, sgd(net, 0.05), REF, new Scripted(1.0), options(1, 0.05, dir, 0)).fit(train, null, null);
        Checkpoint c = Checkpoint.load(dir.resolve(Trainer.LAST));
        assertEquals(1.0, c.optimizerScalars().get(Trainer.FIRST_LOSS));
        // 10.5 as the first loss of a new run would be its own reference; after resuming it is over 10 × 1.0
        TrainingDivergedException e = assertThrows(TrainingDivergedException.class,
                () -> new Trainer(net, sgd(net, 0.05), REF, new Scripted(1.0, 10.5), options(2, 0.05, dir, 0))
                        .fit(train, null, c));
        assertTrue(e.getMessage().startsWith("training diverged at epoch 2, batch 1 (step 5): the loss, 10.50, is "
                + "over 10 times the run's first loss, 1.000"), e.getMessage());
    }

    @Test
    void withoutValidationTheTrainingLossPicksTheBestEpochAndStopsEarly(@TempDir Path dir) throws Exception {
        Dataset train = bands(64, 9);
        Net net = new Net(11);
        java.io.ByteArrayOutputStream progress = new java.io.ByteArrayOutputStream();
        Trainer.Options o = new Trainer.Options(10, 16, 7, 0.05, LrSchedule.constant(), 2, 0, "net", "", dir,
                new java.io.PrintStream(progress, true, java.nio.charset.StandardCharsets.UTF_8), 1, Map.of());
        History h = new Trainer(net, sgd(net, 0.05), REF, new Scripted(1.0, 0.8, 0.9, 0.95, 0.1), o)
                .fit(train, train.subset(0), null); // an empty validation set, as --validation 0 makes
        assertEquals(4, h.size(), "best at epoch 2, then two epochs without a lower training loss");
        assertEquals(2, h.best().orElseThrow().epoch());
        assertEquals(2, Checkpoint.load(dir.resolve(Trainer.BEST)).epoch());
        String out = progress.toString(java.nio.charset.StandardCharsets.UTF_8);
        assertTrue(out.contains("loss 0.8000 acc 0.5000 | lr 0.0500"), out);
        assertFalse(out.contains("val"), "no validation columns: " + out);
    }

    @Test
    void earlyStoppingEndsTheRun() {
        Dataset train = bands(64, 9);
        Dataset val = bands(64, 10);
        Net net = new Net(11);
        // A tiny learning rate cannot improve validation loss by the required margin.
        Trainer.Options o = new Trainer.Options(20, 16, 7, 1e-7, LrSchedule.constant(), 2, 1.0, "net", "", null, null);
        History h = new Trainer(net, sgd(net, 1e-7), REF, o).fit(train, val, null);
        assertEquals(3, h.size(), "best at epoch 1, then two epochs without improvement");
        assertFalse(h.isEmpty());
    }

    @Test
    void badOptionsAndDevicesAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> options(0, 0.1, null, 0));
        assertThrows(IllegalArgumentException.class, () -> options(1, -1, null, 0));
        Net net = new Net(1);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new Trainer(net, sgd(net, 0.1), new Device(Device.Kind.REFERENCE, 1), options(1, 0.1, null, 0)));
        assertTrue(e.getMessage().contains("model.to(device)"), e.getMessage());
    }
}

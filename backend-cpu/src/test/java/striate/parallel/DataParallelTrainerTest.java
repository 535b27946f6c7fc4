package striate.parallel;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import striate.data.Dataset;
import striate.data.ImageDataset;
import striate.models.LeNet5;
import striate.nn.Module;
import striate.optim.LrSchedule;
import striate.optim.Optimizer;
import striate.tensor.Rng;
import striate.train.Checkpoint;
import striate.train.History;
import striate.train.Trainer;

/**
 * The Trainer with a data-parallel step (two CPU devices, uneven last batch) reaches the weights of the
 * one-device Trainer, through its schedule, validation and checkpoints, and a resumed data-parallel run matches an
 * uninterrupted one.
 */
class DataParallelTrainerTest {
    @TempDir
    Path dir;

    /** 90 random 28×28 images in 10 classes: batches of 16 leave a last batch of 10. */
    private static Dataset data() {
        Rng rng = new Rng(3);
        float[] x = new float[90 * 28 * 28];
        int[] y = new int[90];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) (rng.nextDouble() * 2 - 1);
        }
        for (int i = 0; i < y.length; i++) {
            y[i] = rng.nextInt(10);
        }
        return new ImageDataset(x, y, 10, 1, 28, 28);
    }

    private static Trainer.Options options(int epochs, Path checkpoints) {
        return new Trainer.Options(epochs, 16, 7, 0.05, LrSchedule.cosine(epochs, 0.005), 0, 0, "lenet5", "",
                checkpoints, null);
    }

    @Test
    void dataParallelTrainerMatchesOneDeviceAndResumesExactly() throws Exception {
        Dataset train = data().subset(0, 70);
        Dataset validation = data().subset(70, 90);

        Module single = Training.LENET.get().to(Training.CPU0);
        Optimizer singleOpt = Training.SGD.apply(single);
        History one = new Trainer(single, singleOpt, Training.CPU0, options(2, null)).fit(train, validation, null);

        Map<String, float[]> uninterrupted;
        try (DataParallel dp = DataParallel.builder(Training.cpus(2), Training.LENET, Training.SGD).build()) {
            History two = new Trainer(dp.module(), dp.optimizer(), Training.CPU0, dp.trainStep(),
                    options(2, dir.resolve("full"))).fit(train, validation, null);
            Training.assertClose(Training.weights(single), Training.weights(dp.module()), 1e-4, "2 devices vs 1");
            Training.assertBitIdentical(Training.weights(dp.module()), Training.weights(dp.replica(1)), "replicas");
            assertEquals(2, two.epochs().size());
            for (int e = 0; e < 2; e++) {
                assertEquals(one.epochs().get(e).trainLoss(), two.epochs().get(e).trainLoss(), 1e-4);
                assertEquals(one.epochs().get(e).valMetric(), two.epochs().get(e).valMetric(), 1e-9);
                assertEquals(one.epochs().get(e).learningRate(), two.epochs().get(e).learningRate(), 1e-12);
            }
            uninterrupted = Training.weights(dp.module());
        }

        assertResumeMatches(Training.LENET, () -> new LeNet5(LeNet5.Config.defaults(), 99), uninterrupted,
                dir.resolve("half"));
    }

    @Test
    void withDropoutAResumedDataParallelRunMatchesAnUninterruptedOne() throws Exception {
        LeNet5.Config config = new LeNet5.Config(LeNet5.Activation.RELU, LeNet5.Pooling.MAX, 0.5, 10);
        Supplier<Module> dropout = () -> new LeNet5(config, 42);
        Dataset train = data().subset(0, 70);
        Map<String, float[]> uninterrupted;
        try (DataParallel dp = DataParallel.builder(Training.cpus(2), dropout, Training.SGD).build()) {
            new Trainer(dp.module(), dp.optimizer(), Training.CPU0, dp.trainStep(), options(2, null))
                    .fit(train, null, null);
            uninterrupted = Training.weights(dp.module());
        }
        assertResumeMatches(dropout, () -> new LeNet5(config, 99), uninterrupted, dir.resolve("dropout"));
    }

    /** One epoch, then a fresh DataParallel built with other weights resumes from its checkpoint for the second. */
    private static void assertResumeMatches(Supplier<Module> model, Supplier<Module> otherWeights,
                                            Map<String, float[]> uninterrupted, Path folder) throws Exception {
        Dataset train = data().subset(0, 70);
        try (DataParallel dp = DataParallel.builder(Training.cpus(2), model, Training.SGD).build()) {
            new Trainer(dp.module(), dp.optimizer(), Training.CPU0, dp.trainStep(), options(1, folder))
                    .fit(train, null, null);
        }
        try (DataParallel dp = DataParallel.builder(Training.cpus(2), otherWeights, Training.SGD).build()) {
            Module first = dp.module();
            Checkpoint last = Checkpoint.load(folder.resolve(Trainer.LAST));
            new Trainer(first, dp.optimizer(), Training.CPU0, dp.trainStep(), options(2, folder))
                    .fit(train, null, last);
            Training.assertBitIdentical(uninterrupted, Training.weights(first), "resumed vs uninterrupted");
            Training.assertBitIdentical(uninterrupted, Training.weights(dp.replica(1)), "resumed replica 1");
        }
    }
}

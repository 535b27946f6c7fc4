package striate.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import striate.autograd.GradMode;
import striate.data.Batch;
import striate.data.DataLoader;
import striate.data.Dataset;
import striate.data.ImageDataset;
import striate.data.MnistFolder;
import striate.data.Normalization;
import striate.models.Autoencoder;
import striate.models.Vae;
import striate.nn.Module;
import striate.nn.Parameter;
import striate.optim.Adam;
import striate.optim.LrSchedule;
import striate.tensor.Device;
import striate.tensor.MemoryScope;
import striate.tensor.Rng;

/**
 * The VAE and the autoencoder trained by the {@link Trainer} on the {@link Reconstruction} task: on real
 * Fashion-MNIST (skipped, with the reason, when Debian's dataset-fashion-mnist is not installed) one epoch over
 * 1,024 images lowers the test −ELBO and the autoencoder's test reconstruction error below the untrained model's;
 * a resumed VAE run (ε from the registered generator) reaches bit for bit the weights of an uninterrupted one.
 */
class ReconstructionTest {
    private static final Device REF = Device.reference();
    private static final int TRAIN = 1024;
    private static final int TEST = 500;

    private static Trainer.Options options(int epochs, Path dir) {
        return new Trainer.Options(epochs, 128, 11, 1e-3, LrSchedule.constant(), 0, 0, "vae", "", dir, null);
    }

    /** The task's mean loss and metric over {@code data}, in evaluation mode, without gradients. */
    private static double[] evaluate(Module model, Reconstruction task, Dataset data) {
        model.eval();
        double loss = 0;
        double metric = 0;
        try (GradMode.Scope off = GradMode.off();
             DataLoader loader = DataLoader.builder(data, REF).batchSize(250).build()) {
            for (Batch b : loader.epoch(0)) {
                try (MemoryScope scope = MemoryScope.open()) {
                    Task.Output out = task.forward(b);
                    loss += out.loss().item() * out.units();
                    metric += out.metricSum();
                }
            }
        } finally {
            model.train();
        }
        return new double[] {loss / data.size(), metric / data.size()};
    }

    private static Dataset[] fashionMnist() throws IOException {
        Path dir = MnistFolder.defaultFashionMnistFolder();
        assumeTrue(MnistFolder.isComplete(dir), "Fashion-MNIST not found in " + dir
                + ": install Debian's package dataset-fashion-mnist (apt-get install dataset-fashion-mnist)");
        MnistFolder folder = MnistFolder.open(dir);
        return new Dataset[] {folder.train(Normalization.UNIT).subset(TRAIN),
                folder.test(Normalization.UNIT).subset(TEST)};
    }

    private static History fit(Module model, Reconstruction task, Dataset train, Dataset test, Trainer.Options o,
                               Checkpoint resume) {
        Adam adam = Adam.builder(model.namedParameters()).lr(o.learningRate()).build();
        try (DataLoader t = DataLoader.builder(train, REF).batchSize(o.batchSize()).shuffle(o.seed()).build();
             DataLoader v = DataLoader.builder(test, REF).batchSize(250).build()) {
            return new Trainer(model, adam, REF, o).fit(task, BatchSource.of(t), BatchSource.of(v), resume);
        }
    }

    @Test
    void oneEpochOnRealImagesLowersTheTestNegativeElbo() throws IOException {
        Dataset[] d = fashionMnist();
        Vae vae = new Vae(20, 3);
        Reconstruction task = new Reconstruction(vae);
        double[] before = evaluate(vae, task, d[1]);
        History h = fit(vae, task, d[0], d[1], options(1, null), null);
        EpochStats e = h.last().orElseThrow();
        double kl = e.valLoss() - e.valMetric();
        // untrained: about 784·ln 2 = 543 nats per image; one epoch of 8 Adam steps takes off a tenth or more
        assertTrue(before[0] > 450, "untrained test −ELBO " + before[0]);
        assertTrue(e.valLoss() < 0.9 * before[0], "test −ELBO " + e.valLoss() + " after one epoch, untrained "
                + before[0]);
        assertTrue(e.valMetric() < before[1], "reconstruction " + e.valMetric() + " vs untrained " + before[1]);
        assertTrue(kl >= 0, "KL " + kl);
        assertTrue(e.trainLoss() > e.trainMetric(), "training −ELBO includes a positive KL");
    }

    @Test
    void theAutoencodersReconstructionErrorFalls() throws IOException {
        Dataset[] d = fashionMnist();
        Autoencoder ae = new Autoencoder(20, 3);
        Reconstruction task = new Reconstruction(ae);
        double[] before = evaluate(ae, task, d[1]);
        assertEquals(before[0], before[1], 1e-9, "the autoencoder's loss is its reconstruction term");
        History h = fit(ae, task, d[0], d[1], options(1, null), null);
        EpochStats e = h.last().orElseThrow();
        assertTrue(e.valMetric() < 0.8 * before[1], "test reconstruction " + e.valMetric() + ", untrained "
                + before[1]);
        assertEquals(e.valLoss(), e.valMetric(), 1e-6 * e.valLoss(), "KL is 0");
    }

    /** 96 random 4×4 images: pixels in [0, 1] with a bright top-left block on half of them. */
    private static Dataset blocks() {
        Rng rng = new Rng(21);
        int n = 96;
        float[] x = new float[n * 16];
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            labels[i] = i % 2;
            for (int p = 0; p < 16; p++) {
                boolean block = labels[i] == 1 && p % 4 < 2 && p / 4 < 2;
                x[i * 16 + p] = (float) (block ? 0.7 + 0.3 * rng.nextDouble() : 0.3 * rng.nextDouble());
            }
        }
        return new ImageDataset(x, labels, 2, 1, 4, 4);
    }

    @Test
    void aResumedRunReachesExactlyTheWeightsAndNoiseStateOfAnUninterruptedOne(@TempDir Path dir) throws Exception {
        Dataset train = blocks();
        Dataset test = blocks().subset(32);
        Vae full = new Vae(4, 4, 8, 2, new Rng(5));
        fit(full, new Reconstruction(full), train, test, small(3, dir.resolve("full")), null);

        Vae first = new Vae(4, 4, 8, 2, new Rng(5));
        fit(first, new Reconstruction(first), train, test, small(1, dir.resolve("split")), null);
        Checkpoint c = Checkpoint.load(dir.resolve("split").resolve(Trainer.LAST));
        Vae resumed = new Vae(4, 4, 8, 2, new Rng(99)); // other weights and ε: all must come from the checkpoint
        History h = fit(resumed, new Reconstruction(resumed), train, test, small(3, dir.resolve("split")), c);
        assertEquals(3, h.size());
        for (Map.Entry<String, Parameter> e : full.namedParameters().entrySet()) {
            assertArrayEquals(e.getValue().value().toFloatArray(),
                    resumed.namedParameters().get(e.getKey()).value().toFloatArray(), e.getKey());
        }
        assertEquals(full.namedRngs().get("noise").state(), resumed.namedRngs().get("noise").state());
        assertEquals(Checkpoint.load(dir.resolve("full").resolve(Trainer.LAST)).history().get(2).valLoss(),
                h.epochs().get(2).valLoss(), 0.0);
    }

    private static Trainer.Options small(int epochs, Path dir) {
        return new Trainer.Options(epochs, 16, 11, 1e-2, LrSchedule.constant(), 0, 0, "vae", "", dir, null);
    }
}

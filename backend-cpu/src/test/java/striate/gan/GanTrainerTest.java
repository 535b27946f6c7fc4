package striate.gan;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import striate.data.DataLoader;
import striate.data.ImageDataset;
import striate.nn.Module;
import striate.nn.Parameter;
import striate.tensor.Device;
import striate.tensor.Rng;
import striate.tensor.Tensor;
import striate.train.Checkpoint;
import striate.train.TrainingDivergedException;

/**
 * GanTrainer on the CPU with small generated images: each net's step leaves the other's weights (and gradients)
 * alone, WGAN's clip holds after every critic step, a resumed run reaches the uninterrupted one's bits, and a NaN loss
 * stops the run with the last good checkpoint kept.
 */
class GanTrainerTest {
    private static final Device CPU = Device.cpu();

    /** {@code n} images [1, 28, 28] in [-1, 1] with labels 0..9; a NaN pixel in the last when {@code poisoned}. */
    static ImageDataset images(int n, boolean poisoned) {
        Rng rng = new Rng(11);
        float[] x = new float[n * 784];
        int[] y = new int[n];
        for (int i = 0; i < n; i++) {
            y[i] = i % 10;
            for (int p = 0; p < 784; p++) {
                x[i * 784 + p] = (float) Math.tanh(rng.nextGaussian() + (p % 28 < 14 ? 0.5 : -0.5) * (y[i] - 4.5) / 4);
            }
        }
        if (poisoned) {
            x[x.length - 1] = Float.NaN;
        }
        return new ImageDataset(x, y, 10, 1, 28, 28);
    }

    private static DataLoader loader(ImageDataset data, int batch) {
        return DataLoader.builder(data, CPU).batchSize(batch).shuffle(5).dropLast(true).prefetch(0).build();
    }

    private static GanTrainer trainer(Gan gan, int epochs, Path dir) {
        return new GanTrainer(gan, CPU, new GanTrainer.Options(epochs, 9, dir, null, Map.of("--model",
                gan.recipe().model()), null));
    }

    private static Map<String, float[]> weights(Module m) {
        Map<String, float[]> out = new LinkedHashMap<>();
        Checkpoint.stateOf(m).forEach((k, t) -> out.put(k, t.contiguous().toFloatArray()));
        return out;
    }

    private static Map<String, float[]> parameters(Module m) {
        Map<String, float[]> out = new LinkedHashMap<>();
        m.namedParameters().forEach((k, p) -> out.put(k, p.value().contiguous().toFloatArray()));
        return out;
    }

    private static void assertSame(Map<String, float[]> a, Map<String, float[]> b, String what) {
        assertEquals(a.keySet(), b.keySet(), what);
        a.forEach((k, v) -> assertArrayEquals(v, b.get(k), what + ": " + k));
    }

    private static boolean changed(Map<String, float[]> a, Map<String, float[]> b) {
        return a.keySet().stream().anyMatch(k -> !java.util.Arrays.equals(a.get(k), b.get(k)));
    }

    private static Tensor batch(int n) {
        ImageDataset d = images(n, false);
        float[] x = new float[n * 784];
        for (int i = 0; i < n; i++) {
            d.image(i, x, i * 784);
        }
        return Tensor.of(CPU, x, n, 1, 28, 28);
    }

    @Test
    void discriminatorStepLeavesTheGeneratorAndGeneratorStepLeavesTheDiscriminator() {
        for (String model : List.of("dcgan", "cgan")) {
            Gan gan = Gan.create(GanRecipe.of(model).withBatchSize(4), 3, CPU);
            GanTrainer t = trainer(gan, 1, null);
            Tensor labels = gan.conditional() ? Tensor.ofInts(CPU, new int[] {1, 2, 3, 4}, 4) : null;

            Map<String, float[]> g0 = parameters(gan.generator());
            Map<String, float[]> d0 = parameters(gan.discriminator());
            t.discriminatorStep(batch(4), labels);
            assertSame(g0, parameters(gan.generator()), model + ": G after D's step");
            assertTrue(changed(d0, parameters(gan.discriminator())), model + ": D moved");
            gan.generator().parameters().forEach(p -> assertNull(p.grad(), model + ": G has no gradient"));

            Map<String, float[]> d1 = parameters(gan.discriminator());
            Map<String, float[]> g1 = parameters(gan.generator());
            double loss = t.generatorStep(4);
            assertTrue(Double.isFinite(loss));
            assertSame(d1, parameters(gan.discriminator()), model + ": D after G's step");
            for (Parameter p : gan.discriminator().parameters()) {
                assertNull(p.grad(), model + ": D accumulated no gradient");
                assertTrue(p.value().requiresGrad(), model + ": D's weights train again");
            }
            assertTrue(changed(g1, parameters(gan.generator())), model + ": G moved");
        }
    }

    @Test
    void wganClipsTheCriticAfterEveryStep() {
        Gan gan = Gan.create(GanRecipe.of("wgan").withBatchSize(4), 3, CPU);
        double largest = gan.discriminator().parameters().stream().flatMapToDouble(p -> java.util.Arrays.stream(
                p.value().toDoubleArray())).map(Math::abs).max().orElseThrow();
        assertTrue(largest > 0.01, "the DCGAN init draws weights beyond the clip: " + largest);
        GanTrainer t = trainer(gan, 1, null);
        for (int i = 0; i < 3; i++) {
            t.discriminatorStep(batch(4), null);
            for (Parameter p : gan.discriminator().parameters()) {
                for (double v : p.value().toDoubleArray()) {
                    assertTrue(Math.abs(v) <= 0.01f, "critic weight " + v + " after step " + (i + 1));
                }
            }
        }
    }

    @Test
    void wganGpAddsTenTimesThePenaltyToTheCriticLoss() {
        Gan gan = Gan.create(GanRecipe.of("wgan-gp").withBatchSize(4), 3, CPU);
        GanTrainer t = trainer(gan, 1, null);
        Map<String, float[]> d0 = parameters(gan.discriminator());
        GanTrainer.Critic c = t.discriminatorStep(batch(4), null);
        double penalty = (c.loss() - (c.fake() - c.real())) / 10;
        // at the DCGAN init the critic's input gradients are far below norm 1, so the penalty is near (0 − 1)² = 1
        assertTrue(penalty > 0.5 && penalty <= 1.0001, "penalty " + penalty);
        assertTrue(changed(d0, parameters(gan.discriminator())));
        gan.discriminator().parameters().forEach(p -> assertNull(p.grad()));
    }

    @Test
    void criticStepsPerGeneratorStepFollowTheRecipe() {
        Gan gan = Gan.create(GanRecipe.of("wgan").withBatchSize(4), 3, CPU);
        GanTrainer t = trainer(gan, 1, null);
        try (DataLoader loader = loader(images(40, false), 4)) {
            GanHistory h = t.fit(loader, null);
            assertEquals(10, h.steps());
            assertEquals(2, t.generatorSteps());
            double[] g = h.gLoss();
            for (int i = 0; i < g.length; i++) {
                assertEquals((i + 1) % 5 == 0, !Double.isNaN(g[i]), "step " + (i + 1));
                assertEquals(h.dReal()[i] - h.dFake()[i], h.wasserstein()[i], 1e-12);
            }
        }
    }

    @Test
    void resumedRunsReachTheUninterruptedRunsBits(@TempDir Path dir) throws IOException {
        for (String model : List.of("wgan", "wgan-gp", "cgan")) {
            ImageDataset data = images(24, false); // 3 steps an epoch: wgan's G steps fall across epochs
            Gan straight = Gan.create(GanRecipe.of(model).withBatchSize(8), 3, CPU);
            GanTrainer a = trainer(straight, 3, null);
            try (DataLoader loader = loader(data, 8)) {
                a.fit(loader, null);
            }
            Path run = dir.resolve(model);
            Gan first = Gan.create(GanRecipe.of(model).withBatchSize(8), 3, CPU);
            try (DataLoader loader = loader(data, 8)) {
                trainer(first, 1, run).fit(loader, null);
            }
            Checkpoint saved = Checkpoint.load(run.resolve(GanTrainer.LAST));
            assertEquals(1, saved.epoch());
            assertEquals(3, saved.globalStep());
            Gan fresh = Gan.create(GanRecipe.of(model).withBatchSize(8), 77, CPU); // other weights until restored
            GanTrainer b = trainer(fresh, 3, run);
            GanHistory h;
            try (DataLoader loader = loader(data, 8)) {
                h = b.fit(loader, saved);
            }
            assertSame(weights(straight.generator()), weights(fresh.generator()), model + " generator");
            assertSame(weights(straight.discriminator()), weights(fresh.discriminator()), model + " discriminator");
            assertArrayEquals(a.history().dLoss(), h.dLoss(), model + " D losses");
            assertArrayEquals(a.history().gLoss(), h.gLoss(), model + " G losses");
            assertEquals(a.generatorSteps(), b.generatorSteps());
            assertArrayEquals(a.fixedSamples().toFloatArray(), b.fixedSamples().toFloatArray());
            assertEquals(3, Checkpoint.load(run.resolve(GanTrainer.LAST)).epoch());
        }
    }

    @Test
    void aCheckpointMissingARandomStateOrACountIsRefusedInOneLine(@TempDir Path dir) throws IOException {
        Gan gan = Gan.create(GanRecipe.of("gan").withBatchSize(8), 3, CPU);
        try (DataLoader loader = loader(images(16, false), 8)) {
            trainer(gan, 1, dir).fit(loader, null);
        }
        Checkpoint saved = Checkpoint.load(dir.resolve(GanTrainer.LAST));
        List<String> fields = new ArrayList<>(saved.rngStates().keySet());
        fields.addAll(saved.optimizerScalars().keySet());
        assertTrue(fields.containsAll(List.of("trainer", "generator_steps", "low_d_loss_steps")), fields.toString());
        for (String field : fields) {
            Map<String, Long> rngs = new LinkedHashMap<>(saved.rngStates());
            Map<String, Number> scalars = new LinkedHashMap<>(saved.optimizerScalars());
            rngs.remove(field);
            scalars.remove(field);
            Checkpoint lacking = new Checkpoint(saved.modelName(), saved.modelConfig(), saved.settings(), saved.epoch(),
                    saved.globalStep(), rngs, List.of(), saved.model(), saved.optimizer(), scalars);
            Gan fresh = Gan.create(GanRecipe.of("gan").withBatchSize(8), 3, CPU);
            IllegalArgumentException e;
            try (DataLoader loader = loader(images(16, false), 8)) {
                e = assertThrows(IllegalArgumentException.class, () -> trainer(fresh, 2, null).fit(loader, lacking));
            }
            assertTrue(e.getMessage().contains("'" + field + "'") && e.getMessage().contains("not written by a GAN run")
                    && !e.getMessage().contains("\n"), e.getMessage());
        }
    }

    @Test
    void anEpochWithoutAGeneratorStepSaysSoInsteadOfNan() {
        Gan gan = Gan.create(GanRecipe.of("wgan").withBatchSize(8), 3, CPU); // 2 batches, 5 critic steps per G step
        ByteArrayOutputStream text = new ByteArrayOutputStream();
        GanTrainer.Options options = new GanTrainer.Options(1, 9, null, new PrintStream(text, true,
                StandardCharsets.UTF_8), Map.of(), null);
        try (DataLoader loader = loader(images(16, false), 8)) {
            new GanTrainer(gan, CPU, options).fit(loader, null);
        }
        String[] lines = text.toString(StandardCharsets.UTF_8).strip().split("\n");
        String summary = lines[lines.length - 1];
        assertTrue(summary.contains("no G step") && !summary.contains("NaN"), summary);
    }

    @Test
    void aNanLossStopsTheRunAndKeepsTheLastGoodCheckpoint(@TempDir Path dir) throws IOException {
        Gan gan = Gan.create(GanRecipe.of("gan").withBatchSize(8), 3, CPU);
        List<Integer> epochs = new ArrayList<>();
        GanTrainer.Options options = new GanTrainer.Options(1, 9, dir, null, Map.of(), (e, s) -> epochs.add(e));
        try (DataLoader loader = loader(images(16, false), 8)) {
            new GanTrainer(gan, CPU, options).fit(loader, null);
        }
        assertEquals(List.of(1), epochs);
        byte[] good = Files.readAllBytes(dir.resolve(GanTrainer.LAST));
        Map<String, float[]> before = weights(gan.discriminator());

        GanTrainer.Options more = new GanTrainer.Options(2, 9, dir, null, Map.of(), null);
        GanTrainer resumed = new GanTrainer(gan, CPU, more);
        TrainingDivergedException e;
        try (DataLoader loader = loader(images(16, true), 8)) {
            e = assertThrows(TrainingDivergedException.class,
                    () -> resumed.fit(loader, Checkpoint.load(dir.resolve(GanTrainer.LAST))));
        }
        assertTrue(e.getMessage().contains("loss became NaN") && e.getMessage().contains("epoch 2")
                && e.getMessage().contains(GanTrainer.LAST), e.getMessage());
        assertArrayEquals(good, Files.readAllBytes(dir.resolve(GanTrainer.LAST)));
        assertFalse(weights(gan.discriminator()).values().stream().anyMatch(v -> {
            for (float f : v) {
                if (Float.isNaN(f)) {
                    return true;
                }
            }
            return false;
        }), "the NaN step updated nothing");
        assertEquals(before.keySet(), weights(gan.discriminator()).keySet());
    }

    @Test
    void cganSamplesStayInStepWithTheirLabels() {
        Gan gan = Gan.create(GanRecipe.of("cgan"), 3, CPU);
        GanTrainer t = trainer(gan, 1, null);
        int n = 6;
        Tensor labels = Latents.evenLabels(n, 10, CPU);
        float[] all = t.samples(n, new Rng(7), labels).toFloatArray();
        Tensor z = Latents.sample(new Rng(7), n, CPU); // the latents samples() draws from the same generator
        int[] y = labels.toIntArray();
        for (int i = 0; i < n; i++) {
            float[] alone = t.generate(z.slice(0, i, i + 1), Tensor.ofInts(CPU, new int[] {y[i]}, 1)).toFloatArray();
            assertArrayEquals(alone, java.util.Arrays.copyOfRange(all, i * 784, (i + 1) * 784), 1e-5f, "row " + i);
            float[] other = t.generate(z.slice(0, i, i + 1), Tensor.ofInts(CPU, new int[] {(y[i] + 1) % 10}, 1))
                    .toFloatArray();
            assertTrue(changed(Map.of("x", alone), Map.of("x", other)), "row " + i + "'s label changes its image");
        }
    }

    @Test
    void sampleUtilitiesGiveImagesInRange() {
        Gan gan = Gan.create(GanRecipe.of("cgan"), 3, CPU);
        GanTrainer t = trainer(gan, 1, null);
        Tensor grid = t.fixedSamples();
        assertArrayEquals(new long[] {80, 1, 28, 28}, grid.shape().dims());
        assertEquals(9, (int) t.fixedLabels().toIntArray()[79]);
        Tensor strip = t.interpolation(8, true);
        assertArrayEquals(new long[] {8, 1, 28, 28}, strip.shape().dims());
        Tensor more = t.samples(3, new Rng(1), Latents.evenLabels(3, 10, CPU));
        assertArrayEquals(new long[] {3, 1, 28, 28}, more.shape().dims());
        assertTrue(gan.generator().isTraining(), "sampling leaves the generator in training mode");
        Gan dcgan = Gan.create(GanRecipe.of("dcgan"), 3, CPU);
        assertArrayEquals(new long[] {64, 1, 28, 28}, trainer(dcgan, 1, null).fixedSamples().shape().dims());
    }
}

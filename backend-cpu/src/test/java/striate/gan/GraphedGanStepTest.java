package striate.gan;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import striate.data.DataLoader;
import striate.data.ImageDataset;
import striate.tensor.Device;
import striate.tensor.Tensor;
import striate.train.Checkpoint;
import striate.train.GraphMode;

/**
 * The GAN trainer's captured steps (--cuda-graphs on) on the CPU, whose graphs record kernel calls under CUDA
 * graphs' rules: every step is recorded, the kinds of step follow the recipe, replays see new batches, and a resumed
 * run reaches the uninterrupted one's bits, for the unconditional and the conditional GAN.
 */
class GraphedGanStepTest {
    private static final Device CPU = Device.cpu();

    private static ImageDataset images(int n) {
        return GanTrainerTest.images(n, false);
    }

    private static DataLoader loader(ImageDataset data, int batch) {
        return DataLoader.builder(data, CPU).batchSize(batch).shuffle(5).dropLast(true).prefetch(0).build();
    }

    private static GanTrainer trainer(Gan gan, int epochs, Path dir, GraphMode graphs) {
        return new GanTrainer(gan, CPU, new GanTrainer.Options(epochs, 9, dir, null, Map.of("--model",
                gan.recipe().model()), null, graphs));
    }

    @Test
    void replayedStepsAreRecordedAndFollowTheRecipesKindsOfStep() {
        for (String model : List.of("dcgan", "wgan", "wgan-gp", "cgan")) {
            Gan gan = Gan.create(GanRecipe.of(model).withBatchSize(4), 3, CPU);
            GanTrainer t = trainer(gan, 2, null, GraphMode.ON);
            GanHistory h;
            try (DataLoader loader = loader(images(48), 4)) { // 12 steps an epoch: 3 eager, then replays
                h = t.fit(loader, null);
            }
            int every = gan.recipe().criticSteps();
            assertEquals(24, h.steps(), model);
            assertEquals(24 / every, t.generatorSteps(), model);
            assertEquals(24, gan.discriminatorOptimizer().steps(), model + ": replayed D steps are counted");
            assertEquals(24 / every, gan.generatorOptimizer().steps(), model + ": replayed G steps are counted");
            double[] d = h.dLoss();
            double[] g = h.gLoss();
            for (int i = 0; i < d.length; i++) {
                assertTrue(Double.isFinite(d[i]), model + " step " + (i + 1));
                assertEquals((i + 1) % every == 0, !Double.isNaN(g[i]), model + " step " + (i + 1));
            }
            assertTrue(java.util.Arrays.stream(d, 12, 24).distinct().count() > 6, model
                    + ": replays see new batches and latents: " + java.util.Arrays.toString(d));
        }
    }

    @Test
    void aResumedGraphedRunReachesTheUninterruptedRunsBits(@TempDir Path dir) throws java.io.IOException {
        for (String model : List.of("dcgan", "wgan", "cgan")) {
            ImageDataset data = images(48);
            Gan straight = Gan.create(GanRecipe.of(model).withBatchSize(8), 3, CPU);
            GanTrainer a = trainer(straight, 3, null, GraphMode.ON);
            try (DataLoader loader = loader(data, 8)) {
                a.fit(loader, null);
            }
            Path run = dir.resolve(model);
            Gan first = Gan.create(GanRecipe.of(model).withBatchSize(8), 3, CPU);
            try (DataLoader loader = loader(data, 8)) {
                trainer(first, 1, run, GraphMode.ON).fit(loader, null);
            }
            Checkpoint saved = Checkpoint.load(run.resolve(GanTrainer.LAST));
            Gan fresh = Gan.create(GanRecipe.of(model).withBatchSize(8), 77, CPU);
            GanTrainer b = trainer(fresh, 3, run, GraphMode.ON);
            GanHistory h;
            try (DataLoader loader = loader(data, 8)) {
                h = b.fit(loader, saved);
            }
            straight.generator().namedParameters().forEach((k, p) -> assertArrayEquals(p.value().toFloatArray(),
                    fresh.generator().namedParameters().get(k).value().toFloatArray(), model + " " + k));
            assertArrayEquals(a.history().dLoss(), h.dLoss(), model + " D losses");
            assertEquals(a.generatorSteps(), b.generatorSteps());
        }
    }

    @Test
    void aStepThatCannotBeCapturedStopsARequiredRunAndTrainsEagerlyOtherwise() {
        Gan gan = dcganWith(Reading::new);
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> {
                    try (DataLoader loader = loader(images(40), 4)) {
                        trainer(gan, 1, null, GraphMode.ON).fit(loader, null);
                    }
                });
        assertTrue(e.getMessage().startsWith("--cuda-graphs on: the GAN's training step could not be captured: ")
                && e.getMessage().contains("being captured"), e.getMessage());
        GanTrainer eager = trainer(gan, 1, null, GraphMode.OFF);
        GraphedGanStep auto = new GraphedGanStep(eager, CPU, false);
        try (DataLoader loader = loader(images(40), 4)) {
            var batches = loader.epoch(0).iterator();
            for (int i = 0; i < 8; i++) {
                long before = eager.random().state();
                assertEquals(null, auto.run(batches.next(), true), "eager, batch " + i + " (the capture failed)");
                assertEquals(before, eager.random().state(), "batch " + i + ": a failed capture's draws are undone");
            }
        }
    }

    /**
     * A short last batch is not the one captured: 14 images in batches of 4 are three eager steps and one of 2, which
     * runs eagerly too (cuDNN cannot search a new shape inside a capture; the discriminator here refuses, in a
     * capture, a batch size it has not run eagerly, so a required graph captured on it would stop the run). With the
     * short batch always 4th, nothing is captured; 22 images (a full 4th batch) are captured on it.
     */
    @Test
    void aShortLastBatchIsNotCaptured() {
        Searching[] searching = new Searching[1];
        Gan gan = dcganWith(d -> searching[0] = new Searching(d));
        GanHistory h;
        try (DataLoader loader = DataLoader.builder(images(14), CPU).batchSize(4).shuffle(5).prefetch(0).build()) {
            h = trainer(gan, 2, null, GraphMode.ON).fit(loader, null);
        }
        assertEquals(8, h.steps());
        assertEquals(List.of(), searching[0].captured, "no capture: each epoch's 4th batch is the short one");
        try (DataLoader loader = DataLoader.builder(images(22), CPU).batchSize(4).shuffle(5).prefetch(0).build()) {
            trainer(gan, 1, null, GraphMode.ON).fit(loader, null);
        }
        assertEquals(List.of(4L, 4L), searching[0].captured, "captured on the full 4th batch (D's loss, then G's)");
    }

    /** A DCGAN at batch 4 whose discriminator is {@code wrap} of its own. */
    private static Gan dcganWith(java.util.function.Function<GanNet, GanNet> wrap) {
        Gan plain = Gan.create(GanRecipe.of("dcgan").withBatchSize(4), 3, CPU);
        GanNet d = wrap.apply(plain.discriminator());
        d.to(CPU);
        return new Gan(plain.recipe(), plain.generator(), d, plain.generatorOptimizer(), plain.discriminatorOptimizer());
    }

    /** A discriminator whose forward pass, in a capture, refuses a batch size it has not run eagerly. */
    static final class Searching extends GanNet {
        private final GanNet inner;
        final java.util.Set<Long> searched = new java.util.HashSet<>();
        final List<Long> captured = new java.util.ArrayList<>();

        Searching(GanNet inner) {
            this.inner = registerModule("inner", inner);
        }

        @Override
        public Tensor forward(Tensor x, Tensor labels) {
            long n = x.dim(0);
            if (striate.backend.HostGraph.capturing(x.backend())) {
                if (!searched.contains(n)) {
                    throw new IllegalStateException("no algorithm was searched for a batch of " + n);
                }
                if (!captured.contains(n) || captured.size() < 2) {
                    captured.add(n);
                }
            } else {
                searched.add(n);
            }
            return inner.forward(x, labels);
        }

        @Override
        public boolean conditional() {
            return inner.conditional();
        }
    }

    /** A discriminator that reads a value in its forward pass (a host read, which no capture allows). */
    static final class Reading extends GanNet {
        private final GanNet inner;

        Reading(GanNet inner) {
            this.inner = registerModule("inner", inner);
        }

        @Override
        public Tensor forward(Tensor x, Tensor labels) {
            if (!(x.sum().item() < Double.POSITIVE_INFINITY)) {
                throw new IllegalArgumentException("a non-finite batch");
            }
            return inner.forward(x, labels);
        }

        @Override
        public boolean conditional() {
            return inner.conditional();
        }
    }
}

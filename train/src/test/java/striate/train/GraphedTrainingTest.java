package striate.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import striate.amp.GradScaler;
import striate.amp.Precision;
import striate.data.Dataset;
import striate.data.DocumentWindows;
import striate.data.StreamBatches;
import striate.models.CharLstm;
import striate.nn.Dropout;
import striate.nn.Linear;
import striate.nn.Module;
import striate.nn.Parameter;
import striate.nn.ReLU;
import striate.nn.Sequential;
import striate.optim.Adam;
import striate.optim.LrSchedule;
import striate.optim.Optimizer;
import striate.optim.Sgd;
import striate.tensor.Device;
import striate.tensor.Rng;
import striate.tensor.Tensor;
import striate.testing.PlainSgd;

/**
 * The trainer's graphed step ({@code --cuda-graphs on}) on the reference backend, whose graphs record kernel calls
 * under the same rules as CUDA graphs: it must train exactly as the eager step does.
 */
class GraphedTrainingTest {
    private static final Device REF = Device.reference();

    private static Trainer.Options options(int epochs, LrSchedule schedule, Path dir, GraphMode graphs) {
        return new Trainer.Options(epochs, 16, 7, 0.05, schedule, 0, 0, "net", "", dir, null).withGraphs(graphs);
    }

    private static Optimizer sgd(Module m) {
        return Sgd.builder(m.namedParameters()).lr(0.05).momentum(0.9).weightDecay(1e-4).build();
    }

    private static History train(Module net, Optimizer sgd, Trainer.Options o, Dataset train, Dataset val,
                                 Checkpoint resume) {
        return new Trainer(net, sgd, REF, o).fit(train, val, resume);
    }

    @Test
    void aGraphedRunTrainsExactlyAsTheEagerRun() {
        // 1000 images in batches of 16: 62 full batches (3 eager, then replays, read at 50) and a partial one (eager)
        Dataset train = TrainerTest.bands(1000, 4);
        Dataset val = TrainerTest.bands(50, 5);
        LrSchedule cosine = LrSchedule.cosine(2, 1e-3); // another learning rate in epoch 2: captured again
        TrainerTest.Net eager = new TrainerTest.Net(6);
        Optimizer eagerSgd = sgd(eager);
        History e = train(eager, eagerSgd, options(2, cosine, null, GraphMode.OFF), train, val, null);
        TrainerTest.Net graphed = new TrainerTest.Net(6);
        Optimizer graphedSgd = sgd(graphed);
        History g = train(graphed, graphedSgd, options(2, cosine, null, GraphMode.ON), train, val, null);

        assertSameWeights(eager, graphed);
        assertEquals(eagerSgd.steps(), graphedSgd.steps(), "replayed steps are counted");
        for (int i = 0; i < 2; i++) {
            EpochStats a = e.epochs().get(i);
            EpochStats b = g.epochs().get(i);
            assertEquals(a.trainMetric(), b.trainMetric(), 0, "right predictions counted on the device");
            assertEquals(a.trainLoss(), b.trainLoss(), 1e-6 * a.trainLoss(), "loss summed on the device in float");
            assertEquals(a.valLoss(), b.valLoss(), 0);
            assertEquals(a.learningRate(), b.learningRate(), 0);
        }
    }

    @Test
    void aClassifierTrainedFromBatchesOfItsOwnIsGraphedToo() {
        Dataset data = TrainerTest.bands(400, 4);
        float[][] weights = new float[2][];
        for (GraphMode mode : new GraphMode[] {GraphMode.OFF, GraphMode.ON}) {
            TrainerTest.Net net = new TrainerTest.Net(6);
            try (striate.data.DataLoader loader = striate.data.DataLoader.builder(data, REF).batchSize(16).shuffle(3)
                    .build()) {
                History h = new Trainer(net, sgd(net), REF, options(2, LrSchedule.constant(), null, mode))
                        .fit(new Classification(net, "msg"), BatchSource.of(loader), null, null);
                assertEquals(2, h.size());
            }
            weights[mode == GraphMode.ON ? 1 : 0] = weightsOf(net);
        }
        assertArrayEquals(weights[0], weights[1], "fit(Task, ...) with a Classification replays as fit(Dataset, ...)");
    }

    @Test
    void clippedGradientsAreClippedOnTheDeviceInTheGraphAsInTheEagerStep() {
        Dataset train = TrainerTest.bands(400, 4);
        TrainerTest.Net eager = new TrainerTest.Net(6);
        train(eager, sgd(eager), options(2, LrSchedule.constant(), null, GraphMode.OFF).withClipGradNorm(0.05), train,
                null, null);
        TrainerTest.Net graphed = new TrainerTest.Net(6);
        train(graphed, sgd(graphed), options(2, LrSchedule.constant(), null, GraphMode.ON).withClipGradNorm(0.05),
                train, null, null);
        assertSameWeights(eager, graphed);
        TrainerTest.Net unclipped = new TrainerTest.Net(6);
        train(unclipped, sgd(unclipped), options(2, LrSchedule.constant(), null, GraphMode.ON), train, null, null);
        assertTrue(!java.util.Arrays.equals(weightsOf(unclipped), weightsOf(graphed)), "0.05 clips these gradients");
    }

    private static float[] weightsOf(Module m) {
        return m.namedParameters().values().iterator().next().value().toFloatArray();
    }

    @Test
    void aResumedGraphedRunReachesTheWeightsOfAnUninterruptedOne(@TempDir Path dir) throws Exception {
        Dataset train = TrainerTest.bands(200, 4);
        TrainerTest.Net full = new TrainerTest.Net(6);
        train(full, sgd(full), options(3, LrSchedule.constant(), dir.resolve("full"), GraphMode.ON), train, null,
                null);
        TrainerTest.Net first = new TrainerTest.Net(6);
        train(first, sgd(first), options(1, LrSchedule.constant(), dir.resolve("split"), GraphMode.ON), train, null,
                null);
        Checkpoint c = Checkpoint.load(dir.resolve("split").resolve(Trainer.LAST));
        TrainerTest.Net resumed = new TrainerTest.Net(99);
        train(resumed, sgd(resumed), options(3, LrSchedule.constant(), dir.resolve("split"), GraphMode.ON), train,
                null, c);
        assertSameWeights(full, resumed);
    }

    @Test
    void aDivergingPendingStepStopsAtTheReadThatSeesItAndNamesTheBatches() {
        Dataset train = TrainerTest.bands(1600, 4); // 100 batches of 16: reads after 50 and at the end
        TrainerTest.Net net = new TrainerTest.Net(6);
        TrainStep<striate.data.Batch> pending = new TrainStep<>() {
            private int reads;

            @Override
            public Result run(striate.data.Batch batch) {
                return Result.pending(batch.size(), batch.size());
            }

            @Override
            public Sums readPending() {
                reads++;
                return new Sums(reads == 1 ? 50 * 16 * 1.0 : Double.NaN, 400); // mean loss 1, then NaN
            }
        };
        TrainingDivergedException e = assertThrows(TrainingDivergedException.class,
                () -> new Trainer(net, sgd(net), REF, pending, options(1, LrSchedule.constant(), null, GraphMode.AUTO))
                        .fit(train, null, null));
        assertTrue(e.getMessage().contains("epoch 1, batches 51–100 (steps 51–100, whose mean loss this is"),
                e.getMessage());
    }

    @Test
    void stepsThatCannotBeCapturedAreRefusedWithTheReason() {
        Dataset train = TrainerTest.bands(64, 4);
        TrainerTest.Net net = new TrainerTest.Net(6);
        Optimizer decaying = new DecayingSgd(net.namedParameters());
        assertRefused("DecayingSgd is not capturable", () -> train(net, decaying, options(1, LrSchedule.constant(),
                null, GraphMode.ON), train, null, null));
        Optimizer reading = new PlainSgd(net.namedParameters(), 0.05, true); // capturable; skips by reading
        assertRefused("PlainSgd does not skip a step on the device", () -> train(net, reading, options(1,
                LrSchedule.constant(), null, GraphMode.ON).withPrecision(Precision.FP16), train, null, null));
        Task<striate.data.Batch> regression = new Task<>() {
            @Override
            public Metric metric() {
                return Metric.ACCURACY;
            }

            @Override
            public String unit() {
                return "img";
            }

            @Override
            public Output forward(striate.data.Batch batch) {
                return new Output(net.forward(batch.x()).square().mean(), 0, batch.size(), batch.size());
            }
        };
        assertRefused("other tasks", () -> new Trainer(net, sgd(net), REF, options(1, LrSchedule.constant(), null,
                GraphMode.ON)).fit(regression, null, null, null));
        // auto on a host device trains eagerly, whatever the optimizer
        History h = train(net, decaying, options(1, LrSchedule.constant(), null, GraphMode.AUTO), train, null, null);
        assertEquals(1, h.size());
    }

    @Test
    void dropoutIsReplayedWithNewMasksAndAResumedRunCapturesWhatAnUninterruptedOneDoes(@TempDir Path dir)
            throws Exception {
        Dataset train = TrainerTest.bands(400, 4);
        Dataset val = TrainerTest.bands(100, 5);
        Dropping full = new Dropping();
        History h = train(full, sgd(full), options(3, LrSchedule.constant(), dir.resolve("full"), GraphMode.ON), train,
                val, null);
        assertTrue(h.last().orElseThrow().valMetric() > 0.9, "a replayed step with dropout learns: " + h.last());
        Dropping first = new Dropping();
        train(first, sgd(first), options(1, LrSchedule.constant(), dir.resolve("split"), GraphMode.ON), train, val,
                null);
        Checkpoint c = Checkpoint.load(dir.resolve("split").resolve(Trainer.LAST));
        Dropping resumed = new Dropping();
        train(resumed, sgd(resumed), options(3, LrSchedule.constant(), dir.resolve("split"), GraphMode.ON), train, val,
                c);
        assertSameWeights(full, resumed);
    }

    @Test
    void aStepThatCannotBeCapturedStopsARequiredGraphAndTrainsEagerlyOtherwise() {
        Dataset train = TrainerTest.bands(160, 4); // 10 batches
        Module reading = new Reading();
        Optimizer sgd = sgd(reading);
        Trainer eager = new Trainer(reading, sgd, REF, options(1, LrSchedule.constant(), null, GraphMode.OFF));
        TrainStep<striate.data.Batch> auto = new GraphedClassificationStep(new Classification(reading),
                new GraphedStep.Update(sgd, Precision.FP32, GradScaler.disabled(), 0), REF,
                batch -> new TrainStep.Result(0.5, 1, batch.size(), batch.size()), false);
        TrainStep<striate.data.Batch> required = new GraphedClassificationStep(new Classification(reading),
                new GraphedStep.Update(sgd, Precision.FP32, GradScaler.disabled(), 0), REF,
                batch -> new TrainStep.Result(0.5, 1, batch.size(), batch.size()), true);
        try (striate.data.DataLoader loader = striate.data.DataLoader.builder(train, REF).batchSize(16).build()) {
            var batches = loader.epoch(0).iterator();
            for (int i = 0; i < 10; i++) {
                var batch = batches.next();
                TrainStep.Result r = auto.run(batch);
                assertTrue(!r.pending() && r.loss() == 0.5, "eager after the failed capture, batch " + i);
                if (i == GraphedStep.WARMUP_STEPS) {
                    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> {
                        for (int k = 0; k <= GraphedStep.WARMUP_STEPS; k++) {
                            required.run(batch);
                        }
                    });
                    assertTrue(e.getMessage().startsWith("--cuda-graphs on: the training step could not be captured: ")
                            && e.getMessage().contains("being captured"), e.getMessage());
                }
            }
        }
        assertEquals(1, eager.fit(train, null, null).size(), "the model itself trains eagerly");
    }

    /**
     * A batch whose shapes no eager batch of the warm-up had is not captured, since cuDNN cannot search a new
     * convolution shape inside a capture: 56 images in batches of 16 are three eager batches and a partial one of 8,
     * which runs eagerly too, and the required graph is then captured in the next epoch on a full batch. The net here
     * refuses, in a capture, a batch size it has not seen eagerly, as cuDNN's search does.
     */
    @Test
    void onlyShapesThatRanEagerlyAreCaptured() {
        Dataset train = TrainerTest.bands(56, 4); // batches of 16, 16, 16 and 8
        Dataset more = TrainerTest.bands(80, 4); // five full batches
        TrainerTest.Net eager = new TrainerTest.Net(6);
        train(eager, sgd(eager), options(1, LrSchedule.constant(), null, GraphMode.OFF), train, null, null);
        SearchingNet graphed = new SearchingNet();
        train(graphed, sgd(graphed), options(1, LrSchedule.constant(), null, GraphMode.ON), train, null, null);
        assertEquals(List.of(), graphed.captured, "nothing captured: the partial batch was new");
        assertSameWeights(eager, graphed.net);
        train(graphed, sgd(graphed), options(1, LrSchedule.constant(), null, GraphMode.ON), more, null, null);
        assertEquals(List.of(16L), graphed.captured, "a full batch, after three eager ones");
    }

    /** A net whose forward pass, in a capture, refuses a batch size it has not run eagerly (as cuDNN's search does). */
    static final class SearchingNet extends Module {
        final TrainerTest.Net net = registerModule("net", new TrainerTest.Net(6));
        final java.util.Set<Long> searched = new java.util.HashSet<>();
        final List<Long> captured = new ArrayList<>();

        @Override
        public Tensor forward(Tensor x) {
            long n = x.dim(0);
            if (striate.backend.HostGraph.capturing(x.backend())) {
                if (!searched.contains(n)) {
                    throw new IllegalStateException("no algorithm was searched for a batch of " + n);
                }
                captured.add(n);
            } else {
                searched.add(n);
            }
            return net.forward(x);
        }
    }

    /**
     * A capture that fails after dropout drew its seed leaves the model's generators as they were, so the run that
     * goes on eagerly (--cuda-graphs auto) draws the masks it would draw without graphs.
     */
    @Test
    void aFailedCaptureLeavesTheRandomGeneratorsAsTheyWere() {
        Module net = new DroppingThenReading();
        Optimizer sgd = sgd(net);
        TrainStep<striate.data.Batch> auto = new GraphedClassificationStep(new Classification(net),
                new GraphedStep.Update(sgd, Precision.FP32, GradScaler.disabled(), 0), REF,
                batch -> new TrainStep.Result(0.5, 1, batch.size(), batch.size()), false);
        try (striate.data.DataLoader loader = striate.data.DataLoader.builder(TrainerTest.bands(80, 4), REF)
                .batchSize(16).build()) {
            var batches = loader.epoch(0).iterator();
            for (int i = 0; i < GraphedStep.WARMUP_STEPS; i++) {
                auto.run(batches.next()); // the eager step here draws nothing
            }
            Map<String, Long> before = states(net);
            assertFalse(auto.run(batches.next()).pending(), "the capture failed: eager");
            assertEquals(before, states(net), "the failed capture's draws are undone");
        }
    }

    private static Map<String, Long> states(Module m) {
        Map<String, Long> out = new java.util.TreeMap<>();
        m.namedRngs().forEach((k, r) -> out.put(k, r.state()));
        return out;
    }

    /** The dropout net, then a host read (which no capture allows) after dropout has drawn its seed. */
    static final class DroppingThenReading extends Module {
        private final Dropping net = registerModule("net", new Dropping());

        @Override
        public Tensor forward(Tensor x) {
            Tensor out = net.forward(x);
            if (!(out.sum().item() < Double.POSITIVE_INFINITY)) {
                throw new IllegalArgumentException("a non-finite output");
            }
            return out;
        }
    }

    /** A net that reads a value in its forward pass (a host read, which no capture allows). */
    static final class Reading extends Module {
        private final TrainerTest.Net net = registerModule("net", new TrainerTest.Net(6));

        @Override
        public Tensor forward(Tensor x) {
            if (!(x.sum().item() < Double.POSITIVE_INFINITY)) {
                throw new IllegalArgumentException("a non-finite batch");
            }
            return net.forward(x);
        }
    }

    @Test
    void adamReplayedReadsItsStepCountFromTheDeviceAndTrainsAsEagerAdam() {
        Dataset train = TrainerTest.bands(288, 4); // 18 full batches: epoch 2 captures right after replays
        TrainerTest.Net eager = new TrainerTest.Net(6);
        Optimizer eagerAdam = Adam.builder(eager.namedParameters()).lr(0.05).weightDecay(1e-3).build();
        train(eager, eagerAdam, options(2, LrSchedule.constant(), null, GraphMode.OFF), train, null, null);
        TrainerTest.Net graphed = new TrainerTest.Net(6);
        Optimizer graphedAdam = Adam.builder(graphed.namedParameters()).lr(0.05).weightDecay(1e-3).build();
        train(graphed, graphedAdam, options(2, LrSchedule.constant(), null, GraphMode.ON), train, null, null);
        assertSameWeights(eager, graphed); // a frozen bias correction (step 4 in every replay) would differ
        assertEquals(eagerAdam.steps(), graphedAdam.steps());
    }

    @Test
    void aFloat16RunIsGraphedWithItsLossScalerAndTrainsAsTheEagerRun() {
        Dataset train = TrainerTest.bands(288, 4); // 18 full batches: epoch 2 captures right after replays
        float[][] weights = new float[2][];
        long[] steps = new long[2];
        double[] scales = new double[2];
        for (GraphMode mode : new GraphMode[] {GraphMode.OFF, GraphMode.ON}) {
            TrainerTest.Net net = new TrainerTest.Net(6);
            Optimizer adam = Adam.builder(net.namedParameters()).lr(0.05).build();
            Trainer trainer = new Trainer(net, adam, REF, options(2, LrSchedule.constant(), null, mode)
                    .withPrecision(Precision.FP16));
            assertEquals(2, trainer.fit(train, null, null).size());
            int i = mode == GraphMode.ON ? 1 : 0;
            weights[i] = weightsOf(net);
            steps[i] = adam.steps();
            scales[i] = trainer.scaler().scale();
        }
        assertArrayEquals(weights[0], weights[1], "the replayed fp16 step is the eager one, bit for bit");
        assertEquals(steps[0], steps[1]);
        assertEquals(scales[0], scales[1]);
    }

    @Test
    void aLanguageModelIsGraphedWithItsCarriedStateAndTrainsAsTheEagerOne() {
        Rng rng = new Rng(8);
        int[] text = new int[4000]; // 8 rows of 500: 19 full windows of 25 a pass, then one of 24 (eager)
        for (int i = 0; i < text.length; i++) {
            text[i] = i % 6 == 5 ? rng.nextInt(6) : i % 6;
        }
        float[][] weights = new float[2][];
        List<List<LanguageModeling.Window>> windows = new ArrayList<>();
        History[] histories = new History[2];
        long[] steps = new long[2];
        for (GraphMode mode : new GraphMode[] {GraphMode.OFF, GraphMode.ON}) {
            CharLstm model = new CharLstm(new CharLstm.Config(6, 4, 16, 2, 0.0), 9);
            model.to(REF);
            Optimizer adam = Adam.builder(model.namedParameters()).lr(0.02).build();
            Trainer.Options o = new Trainer.Options(2, 8, 1, 0.02, LrSchedule.cosine(2, 1e-3), 0, 0, CharLstm.NAME,
                    model.config().toString(), null, null).withClipGradNorm(5).withGraphs(mode);
            LanguageModeling task = new LanguageModeling(model);
            int i = mode == GraphMode.ON ? 1 : 0;
            histories[i] = new Trainer(model, adam, REF, o).fit(task,
                    BatchSource.of(new StreamBatches(text, 8, 25, REF)),
                    BatchSource.of(new DocumentWindows(List.of(Arrays.copyOf(text, 600)), 25, REF)), null);
            weights[i] = weightsOf(model);
            windows.add(task.trainingWindows());
            steps[i] = adam.steps();
        }
        assertArrayEquals(weights[0], weights[1], "the replayed windows are the eager ones, bit for bit");
        assertEquals(windows.get(0), windows.get(1), "each window's bits, logged in order");
        assertEquals(40, windows.get(1).size());
        assertEquals(steps[0], steps[1]);
        for (int e = 0; e < 2; e++) {
            EpochStats a = histories[0].epochs().get(e);
            EpochStats b = histories[1].epochs().get(e);
            assertEquals(a.trainLoss(), b.trainLoss(), 1e-6 * a.trainLoss(), "loss summed on the device in float");
            assertEquals(a.trainMetric(), b.trainMetric(), 1e-6 * a.trainMetric());
            assertEquals(a.valMetric(), b.valMetric(), 0, "validation runs eagerly on the same weights");
        }
    }

    /** SGD whose rate decays with the host step count: an update that reads a host value, so not capturable. */
    static final class DecayingSgd extends PlainSgd {
        DecayingSgd(Map<String, Parameter> parameters) {
            super(parameters, 0.05, false);
        }

        @Override
        protected void update(String name, Tensor value, Tensor grad, long step) {
            value.copyFrom(value.sub(grad.mul(learningRate() / step)));
        }
    }

    @Test
    void theDeviceCountOfRightPredictionsMatchesTheHostArgmaxWithTies() {
        Rng rng = new Rng(3);
        int n = 200;
        int c = 7;
        float[] logits = new float[n * c];
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            labels[i] = rng.nextInt(c);
            for (int j = 0; j < c; j++) {
                logits[i * c + j] = rng.nextInt(3); // values 0, 1, 2: most rows have tied maxima
            }
        }
        Tensor z = Tensor.of(REF, logits, n, c);
        Tensor y = Tensor.ofInts(REF, labels, n);
        int[] predicted = Metrics.argmax(z);
        int right = 0;
        for (int i = 0; i < n; i++) {
            right += predicted[i] == labels[i] ? 1 : 0;
        }
        assertTrue(right > 10 && right < n - 10, "a count that ties could get wrong: " + right);
        assertEquals(right, new CorrectCount(REF, c).of(z, y).item(), 0);
    }

    private static void assertRefused(String reason, Runnable run) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, run::run);
        assertTrue(e.getMessage().contains("--cuda-graphs") && e.getMessage().contains(reason), e.getMessage());
    }

    private static void assertSameWeights(Module a, Module b) {
        for (Map.Entry<String, Parameter> e : a.namedParameters().entrySet()) {
            assertArrayEquals(e.getValue().value().toFloatArray(),
                    b.namedParameters().get(e.getKey()).value().toFloatArray(), e.getKey());
        }
    }

    /** The test net with dropout: a seed drawn on the host per step. */
    static final class Dropping extends Module {
        private final Sequential body;

        Dropping() {
            Rng rng = new Rng(6);
            body = registerModule("body", new Sequential(new Linear(36, 16, rng), new ReLU(), new Dropout(0.2, rng),
                    new Linear(16, 3, rng)));
        }

        @Override
        public Tensor forward(Tensor x) {
            return body.forward(x.reshape(x.dim(0), -1));
        }
    }
}

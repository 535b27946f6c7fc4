package striate.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import striate.data.Batch;
import striate.data.SequenceBatch;
import striate.data.SequenceDataset;
import striate.data.SequenceLoader;
import striate.data.StreamBatches;
import striate.models.BiLstmTagger;
import striate.nn.Linear;
import striate.nn.Losses;
import striate.nn.Module;
import striate.nn.Parameter;
import striate.optim.Adam;
import striate.optim.LrSchedule;
import striate.optim.Optimizer;
import striate.optim.Sgd;
import striate.tensor.Device;
import striate.tensor.MemoryScope;
import striate.tensor.Rng;
import striate.tensor.Tensor;

/**
 * The one training loop on other batch kinds than images, on the reference backend: a small BiLSTM tagger learns
 * a synthetic tagging task from padded sentence batches (token accuracy), a resumed run reaches the weights of an
 * uninterrupted one bit for bit (dropout's generator included), gradient clipping bounds each update, a regression
 * task with its own metric (MSE) and per-pass hooks runs through the same loop, and the batch sources repeat
 * their epochs.
 */
class SequenceTrainingTest {
    private static final Device REF = Device.reference();

    /**
     * Sentences over words 2..7 (0 is padding): word w < 7 has tag w % 3; word 7 has the tag of the word before it
     * (tag 0 first in a sentence), so a tagger needs context. Lengths 2 to 7.
     */
    record Synthetic(List<int[]> words, List<int[]> tags) implements SequenceDataset {
        static Synthetic of(int n, long seed) {
            Rng rng = new Rng(seed);
            List<int[]> words = new ArrayList<>();
            List<int[]> tags = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                int len = 2 + rng.nextInt(6);
                int[] w = new int[len];
                int[] t = new int[len];
                for (int p = 0; p < len; p++) {
                    w[p] = 2 + rng.nextInt(6);
                    t[p] = w[p] < 7 ? w[p] % 3 : p == 0 ? 0 : t[p - 1];
                }
                words.add(w);
                tags.add(t);
            }
            return new Synthetic(words, tags);
        }

        @Override
        public int size() {
            return words.size();
        }

        @Override
        public int[] input(int i) {
            return words.get(i).clone();
        }

        @Override
        public int[] target(int i) {
            return tags.get(i).clone();
        }
    }

    private static BiLstmTagger tagger(long seed) {
        return new BiLstmTagger(new BiLstmTagger.Config(8, 3, 6, 8, 0.2), seed);
    }

    private static Trainer.Options options(int epochs, Path dir) {
        return new Trainer.Options(epochs, 16, 7, 0.05, LrSchedule.constant(), 0, 0, BiLstmTagger.NAME, "", dir, null);
    }

    private static SequenceLoader loader(SequenceDataset data, boolean shuffle) {
        SequenceLoader.Builder b = SequenceLoader.builder(data, REF).batchSize(16);
        return (shuffle ? b.shuffle(3) : b).build();
    }

    @Test
    void aTaggerLearnsFromPaddedSentenceBatchesAndItsCheckpointsHoldTheVocabularies(@TempDir Path dir)
            throws Exception {
        BiLstmTagger model = tagger(1);
        Optimizer adam = Adam.builder(model.namedParameters()).lr(0.05).build();
        Map<String, List<String>> vocabularies = Map.of("tags", List.of("a", "b", "c"));
        Trainer.Options o = options(8, dir).withVocabularies(vocabularies);
        History h = new Trainer(model, adam, REF, o).fit(new Tagging(model), BatchSource.of(loader(Synthetic.of(96, 1),
                true)), BatchSource.of(loader(Synthetic.of(32, 2), false)), null);
        assertEquals(Metric.ACCURACY, h.metric());
        EpochStats last = h.last().orElseThrow();
        assertTrue(last.valMetric() > 0.9, "validation token accuracy " + last);
        assertTrue(h.epochs().getFirst().valMetric() < 0.8, "it learned: " + h.epochs().getFirst());
        assertTrue(last.trainLoss() < h.epochs().getFirst().trainLoss());
        Checkpoint c = Checkpoint.load(dir.resolve(Trainer.LAST));
        assertEquals(8, c.epoch());
        assertEquals(8 * 6, c.globalStep(), "96 sentences in batches of 16");
        assertEquals(vocabularies, c.vocabularies());
    }

    @Test
    void aResumedTaggerRunReachesTheSameWeightsBitForBit(@TempDir Path dir) throws Exception {
        SequenceDataset train = Synthetic.of(64, 4);
        SequenceDataset val = Synthetic.of(16, 5);
        BiLstmTagger whole = tagger(6);
        new Trainer(whole, Adam.builder(whole.namedParameters()).lr(0.05).build(), REF, options(3, dir.resolve("a")))
                .fit(new Tagging(whole), BatchSource.of(loader(train, true)), BatchSource.of(loader(val, false)), null);

        BiLstmTagger first = tagger(6);
        new Trainer(first, Adam.builder(first.namedParameters()).lr(0.05).build(), REF, options(1, dir.resolve("b")))
                .fit(new Tagging(first), BatchSource.of(loader(train, true)), BatchSource.of(loader(val, false)), null);
        Checkpoint c = Checkpoint.load(dir.resolve("b").resolve(Trainer.LAST));
        BiLstmTagger resumed = tagger(99); // other weights and dropout seeds: everything must come from the checkpoint
        History h = new Trainer(resumed, Adam.builder(resumed.namedParameters()).lr(0.05).build(), REF,
                options(3, dir.resolve("b"))).fit(new Tagging(resumed), BatchSource.of(loader(train, true)),
                BatchSource.of(loader(val, false)), c);
        assertEquals(3, h.size());
        for (Map.Entry<String, Parameter> e : whole.namedParameters().entrySet()) {
            assertArrayEquals(e.getValue().value().toFloatArray(),
                    resumed.namedParameters().get(e.getKey()).value().toFloatArray(), e.getKey());
        }
    }

    /** Global 2-norm of the change of every parameter between two snapshots. */
    private static double change(Map<String, float[]> before, Module m) {
        double sum = 0;
        for (Map.Entry<String, Parameter> e : m.namedParameters().entrySet()) {
            float[] now = e.getValue().value().toFloatArray();
            float[] was = before.get(e.getKey());
            for (int i = 0; i < now.length; i++) {
                sum += (double) (now[i] - was[i]) * (now[i] - was[i]);
            }
        }
        return Math.sqrt(sum);
    }

    private static Map<String, float[]> snapshot(Module m) {
        Map<String, float[]> out = new LinkedHashMap<>();
        m.namedParameters().forEach((k, p) -> out.put(k, p.value().toFloatArray()));
        return out;
    }

    @Test
    void gradientClippingBoundsTheUpdateToTheGivenNorm() {
        SequenceDataset one = Synthetic.of(16, 8); // one batch, one SGD step of lr 1 without momentum
        double[] moved = new double[2];
        for (int run = 0; run < 2; run++) {
            BiLstmTagger m = tagger(9);
            Map<String, float[]> before = snapshot(m);
            Trainer.Options o = new Trainer.Options(1, 16, 7, 1.0, LrSchedule.constant(), 0, 0, "t", "", null, null)
                    .withClipGradNorm(run == 0 ? 0.01 : 0);
            new Trainer(m, Sgd.builder(m.namedParameters()).lr(1.0).build(), REF, o).fit(new Tagging(m),
                    BatchSource.of(loader(one, false)), null, null);
            moved[run] = change(before, m);
        }
        assertEquals(0.01, moved[0], 1e-5, "the update is lr times the gradient scaled to norm 0.01");
        assertTrue(moved[1] > 10 * moved[0], "unclipped, the same step moves " + moved[1]);
    }

    @Test
    void aStepOfYourOwnIsForImagesAndClipsItself() {
        Module m = tagger(1);
        Optimizer sgd = Sgd.builder(m.namedParameters()).lr(0.05).build();
        TrainStep<Batch> own = batch -> new TrainStep.Result(1, 0, 1, 1);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new Trainer(m, sgd, REF, own,
                options(1, null).withClipGradNorm(1)));
        assertTrue(e.getMessage().contains("must clip them itself"), e.getMessage());
        Trainer trainer = new Trainer(m, sgd, REF, own, options(1, null));
        IllegalStateException s = assertThrows(IllegalStateException.class, () -> trainer.fit(new Tagging(tagger(1)),
                BatchSource.of(loader(Synthetic.of(4, 1), false)), null, null));
        assertTrue(s.getMessage().contains("fit(Dataset, Dataset, Checkpoint)"), s.getMessage());
        assertThrows(IllegalArgumentException.class, () -> options(1, null).withClipGradNorm(-1));
    }

    /** y = 3x − 1 on x in [0, 1): batches of 8 made from the epoch number alone. */
    record Pair(Tensor x, Tensor y) {
        static Pair of(long seed) {
            Rng rng = new Rng(seed);
            float[] x = new float[8];
            float[] y = new float[8];
            for (int i = 0; i < 8; i++) {
                x[i] = (float) rng.nextDouble();
                y[i] = 3 * x[i] - 1;
            }
            return new Pair(Tensor.of(REF, x, 8, 1), Tensor.of(REF, y, 8, 1));
        }
    }

    private static BatchSource<Pair> pairs(int batches, long offset) {
        return new BatchSource<>() {
            @Override
            public int numBatches() {
                return batches;
            }

            @Override
            public Epoch<Pair> epoch(int epoch) {
                Iterator<Integer> k = java.util.stream.IntStream.range(0, batches).iterator();
                return new Epoch<>() {
                    @Override
                    public boolean hasNext() {
                        return k.hasNext();
                    }

                    @Override
                    public Pair next() {
                        return Pair.of(offset + 100L * epoch + k.next());
                    }

                    @Override
                    public void close() {
                    }
                };
            }
        };
    }

    /** A regression scored by MSE that records when the trainer calls its hooks. */
    static final class Regression implements Task<Pair> {
        final Linear model;
        final List<String> calls = new ArrayList<>();

        Regression(Linear model) {
            this.model = model;
        }

        @Override
        public Metric metric() {
            return Metric.MSE;
        }

        @Override
        public String unit() {
            return "pt";
        }

        @Override
        public Output forward(Pair batch) {
            Tensor loss = Losses.mse(model.forward(batch.x()), batch.y());
            return new Output(loss, loss.item() * 8, 8, 8);
        }

        @Override
        public void beforePass(boolean training) {
            calls.add(training ? "train" : "validate");
        }

        @Override
        public void afterBatch(MemoryScope scope) {
            calls.add("batch");
        }
    }

    @Test
    void aRegressionWithItsOwnMetricAndHooksRunsThroughTheSameLoop() {
        Linear line = new Linear(1, 1, new Rng(1));
        Regression task = new Regression(line);
        ByteArrayOutputStream progress = new ByteArrayOutputStream();
        Trainer.Options o = new Trainer.Options(2, 8, 7, 0.5, LrSchedule.constant(), 0, 0, "line", "", null,
                new PrintStream(progress, true, StandardCharsets.UTF_8));
        History h = new Trainer(line, Sgd.builder(line.namedParameters()).lr(0.5).build(), REF, o)
                .fit(task, pairs(40, 0), pairs(2, 7), null);
        assertEquals(List.of("train", "batch", "batch", "validate", "batch", "batch"),
                List.of(task.calls.get(0), task.calls.get(1), task.calls.get(40), task.calls.get(41),
                        task.calls.get(42), task.calls.get(43)));
        assertEquals(2 * (1 + 40 + 1 + 2), task.calls.size());
        assertEquals(Metric.MSE, h.metric());
        EpochStats last = h.last().orElseThrow();
        assertEquals(last.valLoss(), last.valMetric(), 1e-12, "the MSE task's metric is its loss");
        assertTrue(last.valMetric() < 0.01 && h.epochs().getFirst().trainMetric() > last.trainMetric(), "" + last);
        String out = progress.toString(StandardCharsets.UTF_8);
        assertTrue(out.contains(" mse ") && out.contains(" pt/s") && !out.contains(" acc "), out);
    }

    @Test
    void batchSourcesRepeatTheirEpochs() {
        SequenceLoader loader = loader(Synthetic.of(40, 3), true);
        BatchSource<SequenceBatch> sentences = BatchSource.of(loader);
        assertEquals(3, sentences.numBatches());
        try (BatchSource.Epoch<SequenceBatch> e = sentences.epoch(2)) {
            for (int[] planned : loader.plan(2)) {
                assertArrayEquals(planned, e.next().indices());
            }
            assertTrue(!e.hasNext());
        }
        int[] stream = new int[101];
        for (int i = 0; i < stream.length; i++) {
            stream[i] = i;
        }
        BatchSource<SequenceBatch> windows = BatchSource.of(new StreamBatches(stream, 4, 10, REF));
        assertEquals(3, windows.numBatches(), "25 columns: windows of 10, 10 and 4 steps");
        for (int epoch = 0; epoch < 2; epoch++) {
            try (BatchSource.Epoch<SequenceBatch> e = windows.epoch(epoch)) {
                assertArrayEquals(new int[] {0, 1, 2, 3, 4, 5, 6, 7, 8, 9}, java.util.Arrays.copyOf(
                        e.next().x().toIntArray(), 10), "each epoch starts at the stream's start");
                e.next();
                assertEquals(4, e.next().maxLength());
                assertThrows(java.util.NoSuchElementException.class, e::next);
            }
        }
    }
}

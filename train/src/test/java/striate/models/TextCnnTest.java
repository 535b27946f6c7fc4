package striate.models;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import striate.nn.Losses;
import striate.optim.Adam;
import striate.optim.Optimizer;
import striate.tensor.DType;
import striate.tensor.Device;
import striate.tensor.Rng;
import striate.tensor.Tensor;
import striate.train.Checkpoint;

/**
 * TextCnn (Kim 2014): parameter names and shapes, the configuration's round trip, logits' shape, short batches
 * padded to the widest filter, pretrained vectors (frozen: bit-identical after training; fine-tuned: they move),
 * gradients of a tiny instance against finite differences, and a toy bigram task learnt in a few hundred steps.
 */
class TextCnnTest {
    private static final Device REF = Device.reference();
    private static final TextCnn.Config TINY = new TextCnn.Config(TextModelChecks.WORDS, 2, 6, 4, 0.5);

    @Test
    void parametersAreNamedAndShapedAsKims() {
        TextCnn m = new TextCnn(TextCnn.Config.defaults(5000, 2), 1);
        Map<String, List<Long>> shapes = new LinkedHashMap<>();
        m.namedParameters().forEach((k, p) -> shapes.put(k, Arrays.stream(p.value().shape().dims()).boxed().toList()));
        Map<String, List<Long>> expected = new LinkedHashMap<>();
        expected.put("embedding.weight", List.of(5000L, 300L));
        for (int w : TextCnn.WIDTHS) {
            expected.put("conv" + w + ".weight", List.of(100L, 300L, (long) w));
            expected.put("conv" + w + ".bias", List.of(100L));
        }
        expected.put("fc.weight", List.of(2L, 300L));
        expected.put("fc.bias", List.of(2L));
        assertEquals(expected, shapes);
        assertEquals(5000 * 300 + 100 * 300 * (3 + 4 + 5) + 300 + 300 * 2 + 2, m.parameterCount());
        float[] padding = Arrays.copyOf(m.embedding().weight().value().toFloatArray(), 300);
        assertArrayEquals(new float[300], padding, "the padding row is zero");
        assertEquals("TextCnn(words=5000,classes=2,embedding=300,filters=100,dropout=0.5, widths=[3, 4, 5])",
                m.toString());
    }

    @Test
    void theConfigurationRoundTrips() {
        TextCnn.Config c = new TextCnn.Config(50, 3, 12, 9, 0.25);
        assertEquals("words=50,classes=3,embedding=12,filters=9,dropout=0.25", c.toString());
        assertEquals(c, TextCnn.Config.parse(c.toString()));
        var missing = assertThrows(IllegalArgumentException.class, () -> TextCnn.Config.parse("words=50,classes=3"));
        assertEquals("TextCnn config 'words=50,classes=3' must give words, classes, embedding, filters, dropout",
                missing.getMessage());
        assertThrows(IllegalArgumentException.class, () -> TextCnn.Config.parse(c + ",layers=2"));
        assertThrows(IllegalArgumentException.class, () -> TextCnn.Config.parse(c + ",words=3"));
        var notInt = assertThrows(IllegalArgumentException.class,
                () -> TextCnn.Config.parse("words=5.5,classes=3,embedding=12,filters=9,dropout=0.25"));
        assertTrue(notInt.getMessage().endsWith("words must be an integer"), notInt.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new TextCnn.Config(50, 3, 12, 9, 1.0));
        assertThrows(IllegalArgumentException.class, () -> new TextCnn.Config(50, 1, 12, 9, 0.5));
    }

    @Test
    void logitsPerMessageAndShortMessagesPaddedToTheWidestFilter() {
        TextCnn m = new TextCnn(TINY, 3);
        m.eval();
        assertArrayEquals(new long[] {3, 2}, m.forward(Tensor.ofInts(REF, new int[21], 3, 7)).shape().dims());
        float[] shortOne = m.forward(Tensor.ofInts(REF, new int[] {4, 7}, 1, 2)).toFloatArray();
        float[] padded = m.forward(Tensor.ofInts(REF, new int[] {4, 7, 0, 0, 0}, 1, 5)).toFloatArray();
        assertArrayEquals(padded, shortOne, "a 2-word message is the same message padded to 5 words");
        var rank = assertThrows(IllegalArgumentException.class, () -> m.forward(Tensor.ofInts(REF, new int[5], 5)));
        assertEquals("TextCnn: word ids must be int32 [batch, length], got int32 [5]", rank.getMessage());
        var id = assertThrows(IllegalArgumentException.class,
                () -> m.forward(Tensor.ofInts(REF, new int[] {1, 2, 12, 3, 4}, 1, 5)));
        assertTrue(id.getMessage().contains("ids[0, 2] = 12 is not a row of the 12-row weight"), id.getMessage());
    }

    @Test
    void poolingBeforeTheBiasAndReluGivesKimsOrder() {
        TextCnn m = new TextCnn(new TextCnn.Config(TextModelChecks.WORDS, 3, 6, 5, 0.5), 8);
        m.eval();
        Tensor ids = Tensor.ofInts(REF, new int[] {3, 5, 6, 1, 2, 0, 0, /* 2 */ 4, 4, 9, 11, 7, 8, 10}, 2, 7);
        Map<String, striate.nn.Parameter> p = m.namedParameters();
        Tensor x = m.embedding().forward(ids).permute(0, 2, 1).contiguous(); // [2, 6, 7]
        Tensor[] pooled = new Tensor[TextCnn.WIDTHS.length];
        for (int i = 0; i < pooled.length; i++) {
            String conv = "conv" + TextCnn.WIDTHS[i];
            Tensor h = striate.nn.Functional.conv1d(x, p.get(conv + ".weight").value(), p.get(conv + ".bias").value(),
                    1, 0, 1, 1, true); // Kim's order: bias and ReLU on every step, then the max
            pooled[i] = striate.nn.Functional.adaptiveMaxPool1d(h, 1).reshape(2, 5);
        }
        Tensor logits = Tensor.cat(1, pooled).matmul(p.get("fc.weight").value(), false, true)
                .add(p.get("fc.bias").value());
        // equal but for the rounding of z before b is added (a fused conv adds its bias before rounding)
        assertArrayEquals(logits.toFloatArray(), m.forward(ids).toFloatArray(), 1e-6f);
    }

    @Test
    void pretrainedVectorsFrozenStayPutFineTunedMove() {
        Tensor vectors = Tensor.rand(REF, DType.F32, striate.tensor.Shape.of(TextModelChecks.WORDS, 6), -1, 1, 5);
        var wrong = assertThrows(IllegalArgumentException.class,
                () -> new TextCnn(TINY, Tensor.zeros(REF, DType.F32, 11, 6), true, 1));
        assertEquals("TextCnn: pretrained vectors [11, 6] do not fit the vocabulary and embedding size; give a matrix "
                + "[12, 6]", wrong.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new TextCnn(TINY, null, true, 1));
        TextCnn frozen = new TextCnn(TINY, vectors, true, 1);
        TextCnn tuned = new TextCnn(TINY, vectors, false, 1);
        float[] given = vectors.toFloatArray();
        Arrays.fill(given, 0, 6, 0f); // row 0 is the padding: zero
        assertArrayEquals(given, frozen.embedding().weight().value().toFloatArray());
        float[] conv = frozen.namedParameters().get("conv3.weight").value().toFloatArray();
        for (TextCnn m : new TextCnn[] {frozen, tuned}) {
            Optimizer opt = Adam.builder(m.namedParameters()).lr(0.01).build();
            Rng rng = new Rng(2);
            for (int s = 0; s < 3; s++) {
                Tensor[] b = TextModelChecks.batch(rng, 8, REF);
                opt.zeroGrad();
                Losses.crossEntropy(m.forward(b[0]), b[1]).backward();
                opt.step();
            }
        }
        assertArrayEquals(given, frozen.embedding().weight().value().toFloatArray(), "frozen: bit-identical");
        assertTrue(!Arrays.equals(conv, frozen.namedParameters().get("conv3.weight").value().toFloatArray()),
                "the convolutions train on frozen vectors");
        assertTrue(!Arrays.equals(given, tuned.embedding().weight().value().toFloatArray()), "fine-tuned: they move");
        assertTrue(frozen.toString().endsWith(", frozen)"), frozen.toString());
    }

    @Test
    void aModelWithFrozenVectorsRoundTripsThroughACheckpoint(@TempDir Path dir) throws Exception {
        Tensor vectors = Tensor.rand(REF, DType.F32, striate.tensor.Shape.of(TextModelChecks.WORDS, 6), -1, 1, 6);
        TextCnn m = new TextCnn(TINY, vectors, true, 1);
        Adam opt = Adam.builder(m.namedParameters()).lr(0.01).build();
        Tensor[] b = TextModelChecks.batch(new Rng(3), 8, REF);
        Losses.crossEntropy(m.forward(b[0]), b[1]).backward();
        opt.step();
        assertTrue(opt.state().keySet().stream().noneMatch(k -> k.startsWith("embedding.")),
                "no optimizer state for the frozen weight: " + opt.state().keySet());
        Path file = dir.resolve("textcnn.ckpt");
        new Checkpoint(TextCnn.NAME, TINY.toString(), 1, 1, Map.of(), List.of(), Checkpoint.stateOf(m), opt.state(),
                Map.of()).save(file);
        Checkpoint loaded = Checkpoint.load(file).requireModel(TextCnn.NAME);
        TextCnn back = new TextCnn(TextCnn.Config.parse(loaded.modelConfig()), 99);
        loaded.restoreInto(back);
        Adam.builder(back.namedParameters()).lr(0.01).build().loadState(loaded.optimizer());
        m.eval();
        back.eval();
        assertArrayEquals(m.forward(b[0]).toFloatArray(), back.forward(b[0]).toFloatArray());
    }

    @Test
    void gradientsOfATinyInstanceMatchFiniteDifferences() {
        Tensor ids = Tensor.ofInts(REF, new int[] {3, 5, 6, 1, 2, 0, /* 2 */ 4, 4, 9, 11, 0, 0}, 2, 6);
        TextModelChecks.gradientsMatchFiniteDifferences(new TextCnn(new TextCnn.Config(12, 3, 3, 2, 0.5), 4), ids);
    }

    @Test
    void learnsAToyBigramTaskQuickly() {
        double accuracy = TextModelChecks.toyAccuracy(new TextCnn(TINY, 11), 150, REF);
        assertTrue(accuracy >= 0.95, "held-out accuracy " + accuracy);
    }
}

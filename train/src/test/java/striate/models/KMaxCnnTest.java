package striate.models;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import striate.nn.Losses;
import striate.optim.Adam;
import striate.optim.Optimizer;
import striate.tensor.DType;
import striate.tensor.Device;
import striate.tensor.Rng;
import striate.tensor.Shape;
import striate.tensor.Tensor;

/**
 * KMaxCnn (the DCNN of Kalchbrenner et al. 2014): parameter names and shapes, the configuration's round trip, logits
 * for messages of any length (short ones padded), pretrained vectors frozen or fine-tuned, gradients of a tiny
 * instance against finite differences, and the toy bigram task learnt in a few hundred steps.
 */
class KMaxCnnTest {
    private static final Device REF = Device.reference();
    private static final KMaxCnn.Config TINY = new KMaxCnn.Config(TextModelChecks.WORDS, 2, 6, 6, 3, 8, 3, 3, 0.5);

    @Test
    void parametersAreNamedAndShapedAsThePapersTwoLayers() {
        KMaxCnn m = new KMaxCnn(KMaxCnn.Config.defaults(5000, 2), 1);
        Map<String, List<Long>> shapes = new LinkedHashMap<>();
        m.namedParameters().forEach((k, p) -> shapes.put(k, Arrays.stream(p.value().shape().dims()).boxed().toList()));
        Map<String, List<Long>> expected = new LinkedHashMap<>();
        expected.put("embedding.weight", List.of(5000L, 48L));
        expected.put("conv1.weight", List.of(6L, 48L, 7L));
        expected.put("conv1.bias", List.of(6L));
        expected.put("conv2.weight", List.of(14L, 6L, 5L));
        expected.put("conv2.bias", List.of(14L));
        expected.put("fc.weight", List.of(2L, 14L * 4));
        expected.put("fc.bias", List.of(2L));
        assertEquals(expected, shapes);
        assertEquals("KMaxCnn(words=5000,classes=2,embedding=48,filters1=6,width1=7,filters2=14,width2=5,kTop=4,"
                + "dropout=0.5)", m.toString());
    }

    @Test
    void theConfigurationRoundTrips() {
        KMaxCnn.Config c = new KMaxCnn.Config(50, 3, 12, 4, 5, 7, 3, 2, 0.25);
        assertEquals(c, KMaxCnn.Config.parse(c.toString()));
        var missing = assertThrows(IllegalArgumentException.class, () -> KMaxCnn.Config.parse("words=50,classes=3"));
        assertTrue(missing.getMessage().startsWith("KMaxCnn config 'words=50,classes=3' must give words, classes,"),
                missing.getMessage());
        assertThrows(IllegalArgumentException.class, () -> KMaxCnn.Config.parse(c + ",layers=2"));
        var zero = assertThrows(IllegalArgumentException.class,
                () -> new KMaxCnn.Config(50, 3, 12, 4, 5, 7, 3, 0, 0.5));
        assertTrue(zero.getMessage().endsWith("kTop=0,dropout=0.5"), zero.getMessage());
    }

    @Test
    void logitsForMessagesOfAnyLengthShortOnesPadded() {
        KMaxCnn m = new KMaxCnn(new KMaxCnn.Config(TextModelChecks.WORDS, 3, 6, 4, 2, 5, 2, 5, 0.5), 3);
        m.eval();
        for (int l : new int[] {4, 9, 30}) {
            assertArrayEquals(new long[] {2, 3}, m.forward(Tensor.ofInts(REF, new int[2 * l], 2, l)).shape().dims());
        }
        // k_top − w1 + 1 = 4 words at least: a 2-word message is that message padded to 4.
        float[] shortOne = m.forward(Tensor.ofInts(REF, new int[] {4, 7}, 1, 2)).toFloatArray();
        float[] padded = m.forward(Tensor.ofInts(REF, new int[] {4, 7, 0, 0}, 1, 4)).toFloatArray();
        assertArrayEquals(padded, shortOne);
        var rank = assertThrows(IllegalArgumentException.class, () -> m.forward(Tensor.ofInts(REF, new int[5], 5)));
        assertEquals("KMaxCnn: word ids must be int32 [batch, length], got int32 [5]", rank.getMessage());
    }

    @Test
    void pretrainedVectorsFrozenStayPutFineTunedMove() {
        Tensor vectors = Tensor.rand(REF, DType.F32, Shape.of(TextModelChecks.WORDS, 6), -1, 1, 5);
        var wrong = assertThrows(IllegalArgumentException.class,
                () -> new KMaxCnn(TINY, Tensor.zeros(REF, DType.F32, 12, 5), false, 1));
        assertEquals("KMaxCnn: pretrained vectors [12, 5] do not fit the vocabulary and embedding size; give a matrix "
                + "[12, 6]", wrong.getMessage());
        KMaxCnn frozen = new KMaxCnn(TINY, vectors, true, 1);
        KMaxCnn tuned = new KMaxCnn(TINY, vectors, false, 1);
        float[] given = frozen.embedding().weight().value().toFloatArray();
        for (KMaxCnn m : new KMaxCnn[] {frozen, tuned}) {
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
        assertTrue(!Arrays.equals(given, tuned.embedding().weight().value().toFloatArray()), "fine-tuned: they move");
        assertTrue(frozen.toString().endsWith(", frozen)"), frozen.toString());
    }

    @Test
    void gradientsOfATinyInstanceMatchFiniteDifferences() {
        Tensor ids = Tensor.ofInts(REF, new int[] {3, 5, 6, 1, 2, 0, 0, /* 2 */ 4, 4, 9, 11, 7, 8, 0}, 2, 7);
        TextModelChecks.gradientsMatchFiniteDifferences(new KMaxCnn(new KMaxCnn.Config(12, 3, 3, 3, 3, 2, 2, 2, 0.5),
                4), ids);
    }

    @Test
    void learnsAToyBigramTaskQuickly() {
        double accuracy = TextModelChecks.toyAccuracy(new KMaxCnn(TINY, 11), 200, REF);
        assertTrue(accuracy >= 0.95, "held-out accuracy " + accuracy);
    }
}

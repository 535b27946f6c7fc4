package striate.models;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import striate.tensor.Device;
import striate.tensor.Tensor;

/**
 * The tagger's structure is the PyTorch peer's (parameter names and shapes of its state_dict, 2,933,936 parameters
 * on Brown), its configuration round-trips, a padded batch tags each sentence as that sentence alone, and bad
 * input (an id outside the vocabulary, an empty sentence, a length beyond the padded batch) is one clear error.
 */
class BiLstmTaggerTest {
    private static final Device REF = Device.reference();

    @Test
    void parametersAreNamedAndShapedAsThePyTorchPeers() {
        BiLstmTagger brown = new BiLstmTagger(BiLstmTagger.Config.defaults(26_501, 188), 42);
        Map<String, List<Long>> shapes = new LinkedHashMap<>();
        brown.namedParameters().forEach((k, p) -> shapes.put(k, java.util.Arrays.stream(p.value().shape().dims())
                .boxed().toList()));
        Map<String, List<Long>> expected = new LinkedHashMap<>();
        expected.put("embedding.weight", List.of(26_501L, 100L));
        for (String d : new String[] {"", "_reverse"}) {
            expected.put("lstm.weight_ih_l0" + d, List.of(512L, 100L));
            expected.put("lstm.weight_hh_l0" + d, List.of(512L, 128L));
            expected.put("lstm.bias_ih_l0" + d, List.of(512L));
            expected.put("lstm.bias_hh_l0" + d, List.of(512L));
        }
        expected.put("out.weight", List.of(188L, 256L));
        expected.put("out.bias", List.of(188L));
        assertEquals(expected, shapes);
        assertEquals(2_933_936, brown.parameterCount());
        float[] table = brown.namedParameters().get("embedding.weight").value().toFloatArray();
        double bound = Math.sqrt(3.0 / 100);
        for (int i = 0; i < table.length; i++) {
            assertTrue(i < 100 ? table[i] == 0 : Math.abs(table[i]) <= bound && table[i] != 0, "element " + i);
        }
    }

    @Test
    void theConfigurationRoundTrips() {
        BiLstmTagger.Config c = new BiLstmTagger.Config(50, 7, 12, 9, 0.25);
        assertEquals("words=50,tags=7,embedding=12,hidden=9,dropout=0.25", c.toString());
        assertEquals(c, BiLstmTagger.Config.parse(c.toString()));
        assertThrows(IllegalArgumentException.class, () -> BiLstmTagger.Config.parse("words=50,tags=7"));
        assertThrows(IllegalArgumentException.class, () -> BiLstmTagger.Config.parse(c + ",layers=2"));
        assertThrows(IllegalArgumentException.class, () -> new BiLstmTagger.Config(50, 7, 12, 9, 1.0));
    }

    @Test
    void aPaddedBatchTagsEachSentenceAsThatSentenceAlone() {
        BiLstmTagger m = new BiLstmTagger(new BiLstmTagger.Config(10, 4, 6, 5, 0.5), 3);
        m.eval();
        int[] a = {2, 7, 3, 9, 4};
        int[] b = {5, 8};
        Tensor batch = Tensor.ofInts(REF, new int[] {2, 7, 3, 9, 4, 5, 8, 0, 0, 0}, 2, 5);
        float[] both = m.forward(batch, new int[] {5, 2}).toFloatArray();          // [2, 5, 4]
        float[] alone = m.forward(Tensor.ofInts(REF, b, 1, 2)).toFloatArray();       // [1, 2, 4]
        float[] first = m.forward(Tensor.ofInts(REF, a, 1, 5)).toFloatArray();       // [1, 5, 4]
        for (int i = 0; i < 20; i++) {
            assertEquals(first[i], both[i], 1e-6, "sentence a, element " + i);
        }
        for (int i = 0; i < 8; i++) {
            assertEquals(alone[i], both[20 + i], 1e-6, "sentence b, element " + i);
        }
    }

    @Test
    void badInputIsOneClearError() {
        BiLstmTagger m = new BiLstmTagger(new BiLstmTagger.Config(10, 4, 6, 5, 0.5), 3);
        IllegalArgumentException id = assertThrows(IllegalArgumentException.class,
                () -> m.forward(Tensor.ofInts(REF, new int[] {2, 10, 3}, 1, 3), new int[] {3}));
        assertTrue(id.getMessage().contains("ids[0, 1] = 10 is not a row of the 10-row weight"), id.getMessage());
        IllegalArgumentException empty = assertThrows(IllegalArgumentException.class,
                () -> m.forward(Tensor.ofInts(REF, new int[] {2, 3, 0, 0}, 2, 2), new int[] {2, 0}));
        assertTrue(empty.getMessage().contains("lengths[1] = 0: an empty sequence"), empty.getMessage());
        IllegalArgumentException longer = assertThrows(IllegalArgumentException.class,
                () -> m.forward(Tensor.ofInts(REF, new int[] {2, 3, 4}, 1, 3), new int[] {4}));
        assertTrue(longer.getMessage().contains("lengths[0] = 4 is longer than the padded batch (3 steps)"),
                longer.getMessage());
        IllegalArgumentException rank = assertThrows(IllegalArgumentException.class,
                () -> m.forward(Tensor.ofInts(REF, new int[] {2, 3, 4}, 3), new int[] {3}));
        assertTrue(rank.getMessage().contains("word ids must be [batch, steps], got [3]"), rank.getMessage());
        assertArrayEquals(new long[] {1, 3, 4}, m.forward(Tensor.ofInts(REF, new int[] {2, 3, 4}, 1, 3))
                .shape().dims());
    }
}

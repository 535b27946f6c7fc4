package striate.models;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;
import striate.autograd.GradMode;
import striate.tensor.Device;
import striate.tensor.Rng;
import striate.tensor.Tensor;

/**
 * Sampling from a character LSTM on the reference backend: draws follow softmax(logits / temperature), a seed gives
 * the same text and another seed another, greedy text is what re-reading the whole text so far predicts at every
 * step (the state is carried right), and the model's mode is restored.
 */
class SamplerTest {
    private static final Device REF = Device.reference();

    private static CharLstm model() {
        CharLstm m = new CharLstm(new CharLstm.Config(7, 4, 8, 2, 0.3), 11);
        m.to(REF);
        return m;
    }

    @Test
    void drawsFollowTheSoftmaxOfTheLogitsOverTheTemperature() {
        float[] logits = {0f, (float) Math.log(2), (float) Math.log(4)};
        for (double t : new double[] {1.0, 0.5}) {
            double[] p = {1, Math.pow(2, 1 / t), Math.pow(4, 1 / t)};
            double total = p[0] + p[1] + p[2];
            int[] counts = new int[3];
            Rng rng = new Rng(3);
            int n = 40_000;
            for (int i = 0; i < n; i++) {
                counts[Sampler.draw(logits, t, rng)]++;
            }
            for (int i = 0; i < 3; i++) {
                assertEquals(p[i] / total, counts[i] / (double) n, 0.01, "id " + i + " at temperature " + t);
            }
        }
        assertEquals(2, Sampler.argmax(logits));
    }

    @Test
    void aSeedGivesTheSameTextAndAnotherSeedAnother() {
        CharLstm m = model();
        int[] prompt = {1, 2, 3};
        int[] a = Sampler.sample(m, prompt, 60, 1.0, new Rng(5));
        int[] b = Sampler.sample(m, prompt, 60, 1.0, new Rng(5));
        int[] c = Sampler.sample(m, prompt, 60, 1.0, new Rng(6));
        assertArrayEquals(a, b);
        assertFalse(Arrays.equals(a, c));
        assertTrue(Arrays.stream(a).allMatch(id -> id >= 0 && id < 7));
    }

    @Test
    void greedyTextIsWhatReReadingTheWholeTextPredictsAtEveryStep() {
        CharLstm m = model();
        m.train();
        int[] prompt = {4, 1};
        int[] ids = Sampler.greedy(m, prompt, 8);
        assertTrue(m.isTraining(), "the model's mode is restored");
        m.eval();
        try (GradMode.Scope off = GradMode.off()) {
            for (int k = 0; k < ids.length; k++) {
                int[] text = new int[prompt.length + k];
                System.arraycopy(prompt, 0, text, 0, prompt.length);
                System.arraycopy(ids, 0, text, prompt.length, k);
                Tensor logits = m.forward(Tensor.ofInts(REF, text, 1, text.length));     // [1, t, 7]
                float[] last = logits.slice(1, text.length - 1, text.length).contiguous().toFloatArray();
                assertEquals(Sampler.argmax(last), ids[k], "step " + k);
            }
        }
    }

    @Test
    void badArgumentsAreErrorsNamingThem() {
        CharLstm m = model();
        IllegalArgumentException cold = assertThrows(IllegalArgumentException.class,
                () -> Sampler.sample(m, new int[] {1}, 5, 0, new Rng(1)));
        assertTrue(cold.getMessage().startsWith("the temperature must be > 0 and finite, got 0.0"), cold.getMessage());
        IllegalArgumentException empty = assertThrows(IllegalArgumentException.class,
                () -> Sampler.greedy(m, new int[0], 5));
        assertTrue(empty.getMessage().startsWith("the prompt is empty"), empty.getMessage());
    }
}

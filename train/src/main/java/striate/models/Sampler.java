package striate.models;

import striate.autograd.GradMode;
import striate.nn.Module;
import striate.nn.RNNBase;
import striate.tensor.Device;
import striate.tensor.Rng;
import striate.tensor.Tensor;
import striate.train.LanguageModeling;

/**
 * Text from a language model that carries its state: the prompt is read in one window, then each next id is chosen
 * from the last step's logits and fed back with the state. {@link #sample} draws it from softmax(logits / temperature)
 * (computed in double on the host, one uniform draw of the given generator per id, so a seed gives the same text on
 * every run); below 1 the temperature sharpens the distribution towards the likeliest ids, above 1 flattens it.
 * {@link #greedy} takes the likeliest id every step (the limit of temperature → 0). The model runs in evaluation mode
 * (no dropout), without gradients; its mode is restored after.
 */
public final class Sampler {
    private Sampler() {
    }

    /** {@code length} ids drawn after {@code prompt} (ids, at least one) at {@code temperature} > 0 from {@code rng}. */
    public static <M extends Module & LanguageModeling.Model> int[] sample(M model, int[] prompt, int length,
                                                                           double temperature, Rng rng) {
        if (!(temperature > 0) || Double.isInfinite(temperature)) {
            throw new IllegalArgumentException("the temperature must be > 0 and finite, got " + temperature
                    + "; greedy() takes the likeliest id instead");
        }
        return generate(model, prompt, length, temperature, rng);
    }

    /** {@code length} ids after {@code prompt} (ids, at least one), each the likeliest after what came before. */
    public static <M extends Module & LanguageModeling.Model> int[] greedy(M model, int[] prompt, int length) {
        return generate(model, prompt, length, 0, null);
    }

    private static <M extends Module & LanguageModeling.Model> int[] generate(M model, int[] prompt, int length,
                                                                              double temperature, Rng rng) {
        if (prompt.length == 0) {
            throw new IllegalArgumentException("the prompt is empty; give at least one id to start from");
        }
        if (length < 0) {
            throw new IllegalArgumentException("the length must be >= 0, got " + length);
        }
        Device device = model.device();
        boolean wasTraining = model.isTraining();
        model.eval();
        int[] out = new int[length];
        try (GradMode.Scope off = GradMode.off()) {
            LanguageModeling.Step s = model.forward(Tensor.ofInts(device, prompt, 1, prompt.length), null, null);
            for (int k = 0; k < length; k++) {
                Tensor logits = s.logits();                                         // [1, t, vocabulary]
                long t = logits.dim(1);
                float[] last = logits.slice(1, t - 1, t).contiguous().toFloatArray(); // [vocabulary]
                out[k] = temperature == 0 ? argmax(last) : draw(last, temperature, rng);
                if (k + 1 < length) {
                    RNNBase.State state = s.state();
                    s = model.forward(Tensor.ofInts(device, new int[] {out[k]}, 1, 1), state, null);
                }
            }
        } finally {
            if (wasTraining) {
                model.train();
            }
        }
        return out;
    }

    /** The first index of the largest logit. */
    static int argmax(float[] logits) {
        int best = 0;
        for (int i = 1; i < logits.length; i++) {
            if (logits[i] > logits[best]) {
                best = i;
            }
        }
        return best;
    }

    /** An index drawn with probability softmax(logits / temperature): one uniform draw of {@code rng}. */
    static int draw(float[] logits, double temperature, Rng rng) {
        double max = logits[argmax(logits)];
        double[] weight = new double[logits.length];
        double total = 0;
        for (int i = 0; i < logits.length; i++) {
            weight[i] = Math.exp((logits[i] - max) / temperature);
            total += weight[i];
        }
        double u = rng.nextDouble() * total;
        int last = 0;
        for (int i = 0; i < weight.length; i++) {
            if (weight[i] > 0) {
                last = i;
                u -= weight[i];
                if (u < 0) {
                    return i;
                }
            }
        }
        return last; // u landed on the rounding of the sum: the last id with any weight
    }
}

package striate.text;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * Gradient checks of the two losses, through the training steps that use them. For one (input, target) pair the
 * log-likelihood is written here as a plain double function of the input vectors (syn0) and the output matrix:
 * negative sampling log σ(h·u_t) + Σ log σ(−h·u_k) over the negatives the step draws, hierarchical softmax
 * Σ log σ((1 − 2·code_i)·h·u_{point_i}). Central differences give its gradient, and the change each step makes to
 * every element of syn0 and of the output matrix must equal alpha times it: for skip-gram, where h is the context
 * word's vector, and for CBOW, where h is the context's sum, or its mean (the tool then gives each context vector
 * the hidden vector's whole update, cw times its own gradient: checked as such). The tolerance is what the sigmoid
 * table's error (measured over (−6, 6)) can move each element, plus float rounding. The dimension, 23, takes whole
 * vectors, a four-lane tail and a scalar rest.
 */
class LossGradientTest {
    private static final int V = 12;
    private static final int DIM = 23;
    private static final float ALPHA = 1e-3f;
    private static final long SEED = 77;
    private static final long[] COUNTS = {30, 400, 250, 120, 90, 60, 45, 30, 22, 15, 9, 5};
    private static final double TABLE_ERROR = tableError();

    /** The largest |σ_table(f) − σ(f)| over (−6, 6). */
    private static double tableError() {
        SigmoidTable table = new SigmoidTable();
        double worst = 0;
        for (double f = -5.9999; f < 6; f += 1e-4) {
            worst = Math.max(worst, Math.abs(table.sigmoid((float) f) - 1 / (1 + Math.exp(-f))));
        }
        return worst;
    }

    /** A loss under test: the output layer and the rows the pair touches, in the order the step uses them. */
    private record Setup(OutputLayer layer, List<Integer> rows, List<Double> labels) {
    }

    private static Setup negativeSampling(int target) {
        NegativeSampling ns = new NegativeSampling(V, DIM, 5, new UnigramTable(COUNTS, 1000), new SigmoidTable());
        Lcg copy = new Lcg(SEED); // the thread's random numbers, drawn the same way the step draws them
        List<Integer> rows = new ArrayList<>(List.of(target));
        List<Double> labels = new ArrayList<>(List.of(1.0));
        for (int d = 0; d < 5; d++) {
            int w = ns.drawNegative(copy);
            if (w != target) {
                rows.add(w);
                labels.add(0.0);
            }
        }
        assertTrue(rows.size() > 2, "the seed should draw some negatives");
        return new Setup(ns, rows, labels);
    }

    private static Setup hierarchicalSoftmax(int target) {
        HuffmanTree tree = new HuffmanTree(COUNTS);
        List<Integer> rows = new ArrayList<>();
        List<Double> labels = new ArrayList<>();
        for (int i = tree.start(target); i < tree.start(target) + tree.codeLength(target); i++) {
            rows.add(tree.point(i));
            labels.add(1.0 - tree.code(i));
        }
        return new Setup(new HierarchicalSoftmax(tree, V, DIM, new SigmoidTable()), rows, labels);
    }

    /** Σ log σ(±h·u_row): label 1 takes σ(h·u), label 0 σ(−h·u). */
    private static double logLikelihood(double[] h, double[] w, Setup s) {
        double l = 0;
        for (int k = 0; k < s.rows().size(); k++) {
            double f = 0;
            for (int j = 0; j < DIM; j++) {
                f += h[j] * w[s.rows().get(k) * DIM + j];
            }
            l += s.labels().get(k) == 1.0 ? -Math.log1p(Math.exp(-f)) : -Math.log1p(Math.exp(f));
        }
        return l;
    }

    private static float[] random(SplittableRandom r, int n, double scale) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = (float) ((r.nextDouble() - 0.5) * 2 * scale);
        }
        return x;
    }

    private static double[] doubles(float[] x) {
        double[] d = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            d[i] = x[i];
        }
        return d;
    }

    /** h from syn0 as the model forms it: the context's sum or mean, or (skip-gram) the one context word. */
    private interface Hidden {
        double[] of(double[] syn0);
    }

    /**
     * Runs {@code step} on a thread over syn0 and {@code s}'s layer (both filled at random), then checks every
     * element's change against alpha · ∂L/∂element (times {@code inputScale} for syn0).
     */
    private static void check(Word2Vec.Model model, boolean cbowMean, Setup s, Hidden hidden, double inputScale,
            int[] sentence, int position, int reach) {
        SplittableRandom r = new SplittableRandom(5);
        float[] syn0 = random(r, V * DIM, 0.5);
        float[] w = s.layer().weights();
        System.arraycopy(random(r, w.length, 0.5), 0, w, 0, w.length);
        float[] syn0Before = syn0.clone();
        float[] wBefore = w.clone();
        Word2Vec.Options o = Word2Vec.Options.defaults(model, Word2Vec.Loss.NS).withSize(DIM).withAlpha(ALPHA)
                .withCbowMean(cbowMean);
        Word2VecThread thread = new Word2VecThread(o, syn0, s.layer(), null, new int[0], 0, 0,
                new LearningRate(ALPHA, 1), new AtomicLong(), SEED);
        if (model == Word2Vec.Model.CBOW) {
            thread.cbow(sentence, sentence.length, position, reach);
        } else {
            thread.skipGram(sentence, sentence.length, position, reach);
        }

        double[] x = doubles(syn0Before);
        double[] u = doubles(wBefore);
        double[] h = hidden.of(x);
        double eps = 1e-4;
        int[] uses = new int[w.length / DIM];
        for (int row : s.rows()) {
            uses[row]++;
        }
        for (int i = 0; i < x.length; i++) {
            double keep = x[i];
            x[i] = keep + eps;
            double up = logLikelihood(hidden.of(x), u, s);
            x[i] = keep - eps;
            double down = logLikelihood(hidden.of(x), u, s);
            x[i] = keep;
            double expected = ALPHA * inputScale * (up - down) / (2 * eps);
            double bound = 0;
            for (int row : s.rows()) {
                bound += Math.abs(u[row * DIM + i % DIM]);
            }
            double tolerance = ALPHA * inputScale * (TABLE_ERROR * bound + 1e-4);
            assertEquals(expected, syn0[i] - syn0Before[i], tolerance, "syn0[" + i / DIM + ", " + i % DIM + "]");
        }
        for (int i = 0; i < u.length; i++) {
            double keep = u[i];
            u[i] = keep + eps;
            double up = logLikelihood(h, u, s);
            u[i] = keep - eps;
            double down = logLikelihood(h, u, s);
            u[i] = keep;
            double expected = ALPHA * (up - down) / (2 * eps);
            double tolerance = ALPHA * (uses[i / DIM] * TABLE_ERROR * Math.abs(h[i % DIM]) + 1e-4);
            assertEquals(expected, w[i] - wBefore[i], tolerance, "output[" + i / DIM + ", " + i % DIM + "]");
        }
    }

    private static void skipGram(Setup s) {
        // sentence (target 3, context 7): word 7's vector predicts word 3
        check(Word2Vec.Model.SKIPGRAM, true, s, x -> row(x, 7), 1, new int[] {3, 7}, 0, 1);
    }

    private static void cbow(Setup s, boolean mean) {
        int[] sentence = {2, 9, 5, 4, 11};
        int[] context = {2, 9, 4, 11};
        check(Word2Vec.Model.CBOW, mean, s, x -> {
            double[] h = new double[DIM];
            for (int c : context) {
                for (int j = 0; j < DIM; j++) {
                    h[j] += x[c * DIM + j] / (mean ? context.length : 1);
                }
            }
            return h;
        }, mean ? context.length : 1, sentence, 2, 2);
    }

    private static double[] row(double[] x, int w) {
        double[] h = new double[DIM];
        System.arraycopy(x, w * DIM, h, 0, DIM);
        return h;
    }

    @Test
    void theSigmoidTableIsCloseToTheSigmoid() {
        assertTrue(TABLE_ERROR > 0 && TABLE_ERROR < 0.015, "the tool's table is within 0.015 of σ: " + TABLE_ERROR);
    }

    @Test
    void skipGramNegativeSampling() {
        skipGram(negativeSampling(3));
    }

    @Test
    void skipGramHierarchicalSoftmax() {
        skipGram(hierarchicalSoftmax(3));
    }

    @Test
    void cbowMeanNegativeSampling() {
        cbow(negativeSampling(5), true);
    }

    @Test
    void cbowSumNegativeSampling() {
        cbow(negativeSampling(5), false);
    }

    @Test
    void cbowMeanHierarchicalSoftmax() {
        cbow(hierarchicalSoftmax(5), true);
    }

    @Test
    void cbowSumHierarchicalSoftmax() {
        cbow(hierarchicalSoftmax(5), false);
    }
}

package striate.text;

import java.util.Arrays;

/**
 * Continuous bag of words, as the original tool trains it: the context words within reach of position p (not p
 * itself) are summed, or averaged with cbow-mean, into the hidden vector h [dim] that predicts the word at p; each
 * context word's vector then gets the whole update of h, alpha · ∂(log-likelihood)/∂h (the tool does not divide it
 * by the context size, even when averaging). A position without context words is skipped.
 */
final class Cbow implements Architecture {
    private final float[] syn0; // [V, dim]
    private final OutputLayer output;
    private final int dim;
    private final boolean mean;
    private final float[] neu1; // [dim] the hidden vector
    private final float[] neu1e; // [dim] alpha times the gradient with respect to it

    Cbow(float[] syn0, OutputLayer output, int dim, boolean mean) {
        this.syn0 = syn0;
        this.output = output;
        this.dim = dim;
        this.mean = mean;
        this.neu1 = new float[dim];
        this.neu1e = new float[dim];
    }

    @Override
    public void train(int[] sentence, int length, int p, int reach, float alpha, Lcg random) {
        Arrays.fill(neu1, 0f);
        Arrays.fill(neu1e, 0f);
        int lo = Math.max(0, p - reach);
        int hi = Math.min(length - 1, p + reach);
        int cw = 0;
        for (int c = lo; c <= hi; c++) {
            if (c != p) {
                Rows.add(syn0, sentence[c] * dim, neu1, 0, dim);
                cw++;
            }
        }
        if (cw == 0) {
            return;
        }
        if (mean) {
            for (int j = 0; j < dim; j++) {
                neu1[j] /= cw;
            }
        }
        output.train(neu1, 0, sentence[p], alpha, neu1e, random);
        for (int c = lo; c <= hi; c++) {
            if (c != p) {
                Rows.add(neu1e, 0, syn0, sentence[c] * dim, dim);
            }
        }
    }
}

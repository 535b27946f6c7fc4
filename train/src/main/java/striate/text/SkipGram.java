package striate.text;

import java.util.Arrays;

/**
 * Skip-gram, as the original tool pairs it: at position p, each context word within reach is an input whose vector
 * (a row of syn0) predicts the word at p through the output layer, and that vector takes its update right after
 * its own pair, before the next context word's pair.
 */
final class SkipGram implements Architecture {
    private final float[] syn0; // [V, dim]
    private final OutputLayer output;
    private final int dim;
    private final float[] neu1e; // [dim] alpha times the gradient with respect to the input vector

    SkipGram(float[] syn0, OutputLayer output, int dim) {
        this.syn0 = syn0;
        this.output = output;
        this.dim = dim;
        this.neu1e = new float[dim];
    }

    @Override
    public void train(int[] sentence, int length, int p, int reach, float alpha, Lcg random) {
        int lo = Math.max(0, p - reach);
        int hi = Math.min(length - 1, p + reach);
        for (int c = lo; c <= hi; c++) {
            if (c == p) {
                continue;
            }
            int l1 = sentence[c] * dim;
            Arrays.fill(neu1e, 0f);
            output.train(syn0, l1, sentence[p], alpha, neu1e, random);
            Rows.add(neu1e, 0, syn0, l1, dim);
        }
    }
}

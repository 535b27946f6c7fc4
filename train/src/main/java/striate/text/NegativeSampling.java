package striate.text;

/**
 * Negative sampling, the original tool's default loss: for a (hidden h, target word) pair the log-likelihood is
 * log σ(h·u_target) + Σ log σ(−h·u_k) over k negative words drawn from the {@link UnigramTable} (a draw of the
 * sentence end, id 0, is replaced by a uniform word 1 .. V − 1, and a draw of the target itself is skipped, as in
 * the tool). u are rows of syn1neg, [V, dim]. Past |h·u| ≥ 6 the sigmoid is taken as 0 or 1, as the tool's table.
 */
final class NegativeSampling implements OutputLayer {
    private final float[] syn1neg; // [V, dim]
    private final int dim;
    private final int negative;
    private final int vocabSize;
    private final UnigramTable table;
    private final SigmoidTable sigmoid;

    NegativeSampling(int vocabSize, int dim, int negative, UnigramTable table, SigmoidTable sigmoid) {
        this.syn1neg = new float[Math.multiplyExact(vocabSize, dim)];
        this.dim = dim;
        this.negative = negative;
        this.vocabSize = vocabSize;
        this.table = table;
        this.sigmoid = sigmoid;
    }

    /** The next negative word, before the check against the target: one draw from {@code random}. */
    int drawNegative(Lcg random) {
        long r = random.next();
        int w = table.sample(r);
        return w != 0 ? w : (int) Long.remainderUnsigned(r, vocabSize - 1) + 1;
    }

    @Override
    public void train(float[] h, int hi, int target, float alpha, float[] dh, Lcg random) {
        for (int d = 0; d <= negative; d++) {
            int w;
            float label;
            if (d == 0) {
                w = target;
                label = 1;
            } else {
                w = drawNegative(random);
                if (w == target) {
                    continue;
                }
                label = 0;
            }
            int row = w * dim;
            float f = Rows.dot(h, hi, syn1neg, row, dim);
            float g;
            if (f > SigmoidTable.MAX_EXP) {
                g = (label - 1) * alpha;
            } else if (f < -SigmoidTable.MAX_EXP) {
                g = label * alpha;
            } else {
                g = (label - sigmoid.sigmoid(f)) * alpha;
            }
            Rows.step(g, syn1neg, row, h, hi, dh, dim);
        }
    }

    @Override
    public float[] weights() {
        return syn1neg;
    }
}

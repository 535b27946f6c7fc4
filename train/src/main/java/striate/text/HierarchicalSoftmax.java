package striate.text;

/**
 * Hierarchical softmax (Morin and Bengio 2005, as the original tool does it): the target word is the leaf of a
 * {@link HuffmanTree} and its probability the product of σ(±h·u_n) over the inner nodes n on its path, so the
 * log-likelihood of a (hidden h, target) pair is Σ log σ((1 − 2·code_i) · h·u_{point_i}). u are rows of syn1,
 * [V − 1, dim]. A node where |h·u| ≥ 6 is skipped, as in the tool.
 */
final class HierarchicalSoftmax implements OutputLayer {
    private final float[] syn1; // [V - 1, dim]
    private final int dim;
    private final HuffmanTree tree;
    private final SigmoidTable sigmoid;

    HierarchicalSoftmax(HuffmanTree tree, int vocabSize, int dim, SigmoidTable sigmoid) {
        this.syn1 = new float[Math.multiplyExact(vocabSize - 1, dim)];
        this.dim = dim;
        this.tree = tree;
        this.sigmoid = sigmoid;
    }

    @Override
    public void train(float[] h, int hi, int target, float alpha, float[] dh, Lcg random) {
        int end = tree.start(target) + tree.codeLength(target);
        for (int i = tree.start(target); i < end; i++) {
            int row = tree.point(i) * dim;
            float f = Rows.dot(h, hi, syn1, row, dim);
            if (f <= -SigmoidTable.MAX_EXP || f >= SigmoidTable.MAX_EXP) {
                continue;
            }
            float g = (1 - tree.code(i) - sigmoid.sigmoid(f)) * alpha;
            Rows.step(g, syn1, row, h, hi, dh, dim);
        }
    }

    @Override
    public float[] weights() {
        return syn1;
    }
}

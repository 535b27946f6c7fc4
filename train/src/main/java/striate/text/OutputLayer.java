package striate.text;

/**
 * The output side of word2vec, one of its two losses: {@link NegativeSampling} or {@link HierarchicalSoftmax}.
 * Each holds its own output matrix (the tool's syn1neg or syn1, [rows, dim], zeros at the start) and trains it in
 * place, one (hidden vector, target word) pair at a time, by a step of alpha up the gradient of that pair's
 * log-likelihood; the gradient with respect to the hidden vector, times alpha, is added to {@code dh} for the
 * caller to apply to the input vectors.
 */
sealed interface OutputLayer permits NegativeSampling, HierarchicalSoftmax {
    /**
     * One step for hidden vector h = {@code h[hi .. hi + dim)} and word {@code target}: updates this layer's rows and
     * adds alpha · ∂(log-likelihood)/∂h to {@code dh[0 .. dim)}. Draws from {@code random} where the loss samples.
     */
    void train(float[] h, int hi, int target, float alpha, float[] dh, Lcg random);

    /** The output matrix, row-major [rows, dim] (the array itself, shared by the training threads). */
    float[] weights();
}

package striate.text;

/**
 * The input side of word2vec, one of its two architectures: {@link Cbow} or {@link SkipGram}. One per training
 * thread (it holds that thread's scratch vectors); each trains the shared input vectors syn0 [V, dim] and its
 * {@link OutputLayer} at one position of a sentence, with the context reaching {@code reach} words each side.
 */
interface Architecture {
    /** One step at position {@code p} of {@code sentence[0 .. length)} at learning rate {@code alpha}. */
    void train(int[] sentence, int length, int p, int reach, float alpha, Lcg random);
}

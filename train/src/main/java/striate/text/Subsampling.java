package striate.text;

/**
 * Frequent-word subsampling as the original tool does it: a word seen f times in a corpus of T words is kept with
 * probability (√(f / (t·T)) + 1) · (t·T) / f, where t is the sample threshold (--sample, 1e-3 by default); words
 * rarer than about t·T are always kept (the formula exceeds 1). The probabilities are worked out once per word
 * here, rounded as the tool's C expression rounds them (its float and double steps); the tool recomputes them for
 * every token. A threshold of 0 turns subsampling off: the trainer then
 * has none and draws nothing.
 */
final class Subsampling {
    private final float[] keep; // [vocabulary size]

    Subsampling(Vocab vocab, double threshold) {
        if (!(threshold > 0)) {
            throw new IllegalArgumentException("sample threshold must be > 0, got " + threshold);
        }
        keep = new float[vocab.size()];
        float tT = (float) threshold * (float) vocab.totalCount(); // a float product, as the tool's sample * train_words
        for (int w = 0; w < keep.length; w++) {
            long f = vocab.count(w);
            // as the tool rounds: f / (t·T) in float, the square root and the rest in double, the result to float
            keep[w] = f == 0 ? 1f : (float) ((Math.sqrt((float) f / tT) + 1) * tT / f);
        }
    }

    /** The probability that one occurrence of word {@code w} is kept. */
    float keepProbability(int w) {
        return keep[w];
    }

    /** True when this occurrence of {@code w} is kept; draws one number from {@code random}, as the tool. */
    boolean keep(int w, Lcg random) {
        return keep[w] >= random.nextUniform();
    }
}

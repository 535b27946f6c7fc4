package striate.text;

import java.util.Arrays;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One training thread of {@link Word2Vec}: it goes through its slice of the corpus {@code iter} times, sentence by
 * sentence (a sentence ends at {@code </s>} or after 1000 kept words, as in the tool), subsamples frequent words,
 * and for each position draws a window shrink b (the context reaches window − b words each side) and trains CBOW
 * or skip-gram there. It writes the shared syn0 and output matrices without locks (Hogwild). Nothing is allocated
 * once it runs.
 */
final class Word2VecThread implements Runnable {
    static final int MAX_SENTENCE_LENGTH = 1000;
    /** Words between two updates of the shared word count and the learning rate, as the tool. */
    static final int RATE_EVERY = 10_000;

    private final Word2Vec.Options options;
    private final float[] syn0; // [V, dim]
    private final OutputLayer output;
    private final Subsampling subsampling; // null when --sample is 0
    private final int[] tokens;
    private final int from;
    private final int to;
    private final LearningRate rate;
    private final AtomicLong done;
    private final int dim;
    private final Lcg random;
    private final int[] sentence = new int[MAX_SENTENCE_LENGTH];
    private final float[] neu1; // [dim] the hidden vector of CBOW
    private final float[] neu1e; // [dim] alpha times the gradient with respect to the hidden vector
    private float alpha;

    Word2VecThread(Word2Vec.Options options, float[] syn0, OutputLayer output, Subsampling subsampling, int[] tokens,
            int from, int to, LearningRate rate, AtomicLong done, long seed) {
        this.options = options;
        this.syn0 = syn0;
        this.output = output;
        this.subsampling = subsampling;
        this.tokens = tokens;
        this.from = from;
        this.to = to;
        this.rate = rate;
        this.done = done;
        this.dim = options.size();
        this.random = new Lcg(seed);
        this.neu1 = new float[dim];
        this.neu1e = new float[dim];
        this.alpha = rate.alpha();
    }

    @Override
    public void run() {
        for (int pass = 0; pass < options.iter(); pass++) {
            int next = from;
            long wordCount = 0;
            long lastWordCount = 0;
            while (next < to) {
                if (wordCount - lastWordCount > RATE_EVERY) {
                    alpha = rate.at(done.addAndGet(wordCount - lastWordCount));
                    lastWordCount = wordCount;
                }
                int length = 0;
                while (next < to) {
                    int w = tokens[next++];
                    wordCount++;
                    if (w == 0) {
                        break;
                    }
                    if (subsampling != null && !subsampling.keep(w, random)) {
                        continue;
                    }
                    sentence[length++] = w;
                    if (length == MAX_SENTENCE_LENGTH) {
                        break;
                    }
                }
                for (int p = 0; p < length; p++) {
                    int reach = options.window() - (int) Long.remainderUnsigned(random.next(), options.window());
                    if (options.model() == Word2Vec.Model.CBOW) {
                        cbow(sentence, length, p, reach);
                    } else {
                        skipGram(sentence, length, p, reach);
                    }
                }
            }
            done.addAndGet(wordCount - lastWordCount);
        }
    }

    /**
     * CBOW at position p: the context words within {@code reach} of p (not p itself) are summed, or averaged with
     * cbow-mean, into the hidden vector that predicts the word at p; each context word's vector then gets the whole
     * hidden-vector update (the tool does not divide it by the context size, even when averaging).
     */
    void cbow(int[] sentence, int length, int p, int reach) {
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
        if (options.cbowMean()) {
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

    /**
     * Skip-gram at position p, as the tool pairs it: each context word within {@code reach} is the input whose
     * vector predicts the word at p, and is updated right after its own pair.
     */
    void skipGram(int[] sentence, int length, int p, int reach) {
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

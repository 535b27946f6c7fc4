package striate.text;

import java.util.concurrent.atomic.AtomicLong;

/**
 * One training thread of {@link Word2Vec}: it goes through its slice of the corpus {@code iter} times, sentence by
 * sentence (a sentence ends at {@code </s>} or after 1000 kept words, as in the tool), subsamples frequent words,
 * and at each position draws how far the {@link Window} reaches and trains its {@link Architecture} there. Every
 * {@value #RATE_EVERY} words read it updates the shared word count and takes the learning rate it gives, checking
 * before each position as the tool does (so a sentence whose reading passed the mark trains from its second position
 * on at the new rate). It writes the shared syn0 and output matrices without locks (Hogwild). Nothing is allocated
 * once it runs.
 */
final class Word2VecThread implements Runnable {
    static final int MAX_SENTENCE_LENGTH = 1000;
    /** Words between two updates of the shared word count and the learning rate, as the tool. */
    static final int RATE_EVERY = 10_000;

    private final int iter;
    private final Window window;
    private final Architecture architecture;
    private final Subsampling subsampling; // null when --sample is 0
    private final int[] tokens;
    private final int from;
    private final int to;
    private final LearningRate rate;
    private final AtomicLong done;
    private final Lcg random;
    private final int[] sentence = new int[MAX_SENTENCE_LENGTH];
    private float alpha;
    private long wordCount; // words of this pass read so far
    private long lastWordCount; // wordCount when the shared count was last updated

    Word2VecThread(Word2Vec.Options options, float[] syn0, OutputLayer output, Subsampling subsampling, int[] tokens,
            int from, int to, LearningRate rate, AtomicLong done, long seed) {
        this(options.model() == Word2Vec.Model.CBOW
                ? new Cbow(syn0, output, options.size(), options.cbowMean())
                : new SkipGram(syn0, output, options.size()),
                options.iter(), options.window(), subsampling, tokens, from, to, rate, done, seed);
    }

    /** The thread with a given architecture (tests watch the rate it is given at each position). */
    Word2VecThread(Architecture architecture, int iter, int window, Subsampling subsampling, int[] tokens, int from,
            int to, LearningRate rate, AtomicLong done, long seed) {
        this.iter = iter;
        this.window = new Window(window);
        this.architecture = architecture;
        this.subsampling = subsampling;
        this.tokens = tokens;
        this.from = from;
        this.to = to;
        this.rate = rate;
        this.done = done;
        this.random = new Lcg(seed);
        this.alpha = rate.alpha();
    }

    @Override
    public void run() {
        for (int pass = 0; pass < iter; pass++) {
            int next = from;
            wordCount = 0;
            lastWordCount = 0;
            while (true) {
                updateRate(); // the tool checks before every position; before a sentence's first, ahead of reading it
                if (next >= to) { // (also after the pass's last sentence, before the tool notices the end of its file)
                    break;
                }
                int length = 0;
                boolean ended = false; // the sentence ended at </s>, not at the end of the slice
                while (next < to) {
                    int w = tokens[next++];
                    wordCount++;
                    if (w == 0) {
                        ended = true;
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
                if (length == 0 && ended) {
                    // an empty sentence (a blank line, or every word dropped): the tool still draws its window at
                    // position 0 and trains nothing there, so the random numbers go on as its do
                    window.reach(random);
                }
                for (int p = 0; p < length; p++) {
                    if (p > 0) {
                        updateRate();
                    }
                    architecture.train(sentence, length, p, window.reach(random), alpha, random);
                }
            }
            done.addAndGet(wordCount - lastWordCount);
        }
    }

    /** Every {@value #RATE_EVERY} words read: adds them to the shared count and takes the rate it gives. */
    private void updateRate() {
        if (wordCount - lastWordCount > RATE_EVERY) {
            alpha = rate.at(done.addAndGet(wordCount - lastWordCount));
            lastWordCount = wordCount;
        }
    }
}

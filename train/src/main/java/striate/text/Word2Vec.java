package striate.text;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Word2vec (Mikolov et al. 2013): CBOW or skip-gram word vectors, trained with negative sampling or hierarchical
 * softmax, as the original C tool trains them, step for step. It is a dedicated tight-loop trainer, not a Module
 * graph on the autograd tape: each step touches a few rows of three flat matrices (syn0, the input vectors
 * [V, dim]; syn1neg or syn1, the output side), and the tool's speed comes from doing exactly that and nothing more.
 *
 * <p>Threads: each takes an equal slice of the corpus's tokens and updates the shared matrices without locks
 * (Hogwild, Recht et al. 2011, as the tool). Updates from different threads may overwrite each other, and which
 * ones do depends on timing, so a run on several threads is not reproducible bit for bit (its quality is, within
 * the usual spread). With one thread nothing races: the same corpus, options and seed give the same vectors, bit
 * for bit, on any machine with the same vector width (see {@link Rows}). The initial vectors come from an {@link Lcg} started at the
 * seed, thread t's random numbers from one started at seed + 1 + t.
 */
public final class Word2Vec {
    /** The architecture: CBOW predicts a word from its context, skip-gram each context word from the word. */
    public enum Model {
        CBOW, SKIPGRAM;

        /** The name on the command line: cbow or skipgram. */
        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** The loss: negative sampling (ns) or hierarchical softmax (hs). */
    public enum Loss {
        NS, HS;

        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /**
     * Training options, named and defaulted as the tool's: {@code size} dimensions, {@code window} words each side
     * (shrunk at random per position), {@code negative} samples per pair (ns), {@code sample} the subsampling
     * threshold (0 for none), {@code alpha} the starting learning rate, {@code iter} passes over the corpus,
     * {@code cbowMean} averaging rather than summing CBOW's context, {@code tableSize} the entries of the
     * negative-sampling table (the tool's 10^8).
     */
    public record Options(Model model, Loss loss, int size, int window, int negative, double sample, float alpha,
            int iter, int threads, long seed, boolean cbowMean, int tableSize) {
        public static final int TOOL_TABLE_SIZE = 100_000_000;

        public Options {
            require(size >= 1, "size (the vector dimension) must be >= 1, got " + size);
            require(window >= 1, "window must be >= 1, got " + window);
            require(loss != Loss.NS || negative >= 1, "negative must be >= 1 for negative sampling, got " + negative);
            require(sample >= 0 && Double.isFinite(sample), "sample must be >= 0 (0 turns subsampling off), got "
                    + sample);
            require(alpha > 0 && Float.isFinite(alpha), "alpha must be > 0, got " + alpha);
            require(iter >= 1, "iter must be >= 1, got " + iter);
            require(threads >= 1, "threads must be >= 1, got " + threads);
            require(tableSize >= 1, "tableSize must be >= 1, got " + tableSize);
        }

        /** The tool's defaults for this model and loss: alpha 0.05 for CBOW, 0.025 for skip-gram; one thread. */
        public static Options defaults(Model model, Loss loss) {
            return new Options(model, loss, 100, 5, 5, 1e-3, defaultAlpha(model), 5, 1, 1, true, TOOL_TABLE_SIZE);
        }

        /** The tool's starting learning rate for {@code model}. */
        public static float defaultAlpha(Model model) {
            return model == Model.CBOW ? 0.05f : 0.025f;
        }

        public Options withSize(int s) {
            return new Options(model, loss, s, window, negative, sample, alpha, iter, threads, seed, cbowMean,
                    tableSize);
        }

        public Options withWindow(int w) {
            return new Options(model, loss, size, w, negative, sample, alpha, iter, threads, seed, cbowMean,
                    tableSize);
        }

        public Options withNegative(int k) {
            return new Options(model, loss, size, window, k, sample, alpha, iter, threads, seed, cbowMean, tableSize);
        }

        public Options withSample(double t) {
            return new Options(model, loss, size, window, negative, t, alpha, iter, threads, seed, cbowMean,
                    tableSize);
        }

        public Options withAlpha(float a) {
            return new Options(model, loss, size, window, negative, sample, a, iter, threads, seed, cbowMean,
                    tableSize);
        }

        public Options withIter(int i) {
            return new Options(model, loss, size, window, negative, sample, alpha, i, threads, seed, cbowMean,
                    tableSize);
        }

        public Options withThreads(int t) {
            return new Options(model, loss, size, window, negative, sample, alpha, iter, t, seed, cbowMean,
                    tableSize);
        }

        public Options withSeed(long s) {
            return new Options(model, loss, size, window, negative, sample, alpha, iter, threads, s, cbowMean,
                    tableSize);
        }

        public Options withCbowMean(boolean m) {
            return new Options(model, loss, size, window, negative, sample, alpha, iter, threads, seed, m, tableSize);
        }

        public Options withTableSize(int n) {
            return new Options(model, loss, size, window, negative, sample, alpha, iter, threads, seed, cbowMean, n);
        }

        private static void require(boolean ok, String message) {
            if (!ok) {
                throw new IllegalArgumentException(message);
            }
        }
    }

    /** Called from the calling thread while training runs, a few times a second. */
    @FunctionalInterface
    public interface Progress {
        /** {@code progress} 0 to 1; words counted as the tool counts them (sentence ends and dropped words too). */
        void update(float alpha, double progress, double wordsPerThreadPerSecond);
    }

    /** The vectors, and how long training took: {@code words} = iter × the corpus's kept tokens. */
    public record Result(WordVectors vectors, long words, double seconds, int threads) {
        public double wordsPerThreadPerSecond() {
            return words / seconds / threads;
        }
    }

    private static final long PROGRESS_EVERY_MS = 200;

    private Word2Vec() {
    }

    /** Trains vectors for {@code corpus}'s vocabulary; the calling thread waits and reports {@code progress}. */
    public static Result train(Corpus corpus, Options options, Progress progress) {
        Vocab vocab = corpus.vocab();
        int v = vocab.size();
        int dim = options.size();
        if ((long) v * dim > Integer.MAX_VALUE - 8) { // each table is one float array [V, dim]
            throw new IllegalArgumentException("a vocabulary of " + v + " words with vectors of " + dim + " needs "
                    + (long) v * dim + " floats per table, more than a Java array holds (2^31 - 1); lower --size or "
                    + "raise --min-count");
        }
        float[] syn0 = initialVectors(v, dim, options.seed());
        SigmoidTable sigmoid = new SigmoidTable();
        OutputLayer output = options.loss() == Loss.NS
                ? new NegativeSampling(v, dim, options.negative(), new UnigramTable(vocab.counts(),
                        options.tableSize()), sigmoid)
                : new HierarchicalSoftmax(new HuffmanTree(vocab.counts()), v, dim, sigmoid);
        Subsampling subsampling = options.sample() > 0 ? new Subsampling(vocab, options.sample()) : null;
        int[] tokens = corpus.tokens();
        long words = (long) options.iter() * tokens.length;
        LearningRate rate = new LearningRate(options.alpha(), words);
        AtomicLong done = new AtomicLong();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        int n = options.threads();
        List<Thread> threads = new ArrayList<>(n);
        long start = System.nanoTime();
        for (int t = 0; t < n; t++) {
            int from = (int) ((long) tokens.length * t / n);
            int to = (int) ((long) tokens.length * (t + 1) / n);
            Word2VecThread work = new Word2VecThread(options, syn0, output, subsampling, tokens, from, to, rate, done,
                    options.seed() + 1 + t);
            threads.add(Thread.ofPlatform().name("word2vec-" + t).daemon(true)
                    .uncaughtExceptionHandler((thread, e) -> failure.compareAndSet(null, e)).start(work));
        }
        for (Thread thread : threads) {
            while (!join(thread, PROGRESS_EVERY_MS)) {
                long d = done.get();
                double seconds = (System.nanoTime() - start) / 1e9;
                progress.update(rate.at(d), rate.progress(d), d / seconds / n);
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        if (failure.get() != null) {
            throw new IllegalStateException("a word2vec training thread failed: " + failure.get(), failure.get());
        }
        progress.update(rate.at(words), 1.0, words / seconds / n);
        return new Result(WordVectors.of(vocab.words(), dim, syn0), words, seconds, n);
    }

    /** The tool's initial input vectors: uniform in [−0.5, 0.5) / dim, from one LCG over all of them in order. */
    static float[] initialVectors(int v, int dim, long seed) {
        float[] syn0 = new float[Math.multiplyExact(v, dim)]; // [V, dim]
        Lcg random = new Lcg(seed);
        for (int i = 0; i < syn0.length; i++) {
            syn0[i] = (random.nextUniform() - 0.5f) / dim;
        }
        return syn0;
    }

    /** Waits up to {@code ms} for {@code thread}; true once it has ended. Interrupted, the run is abandoned. */
    private static boolean join(Thread thread, long ms) {
        try {
            return thread.join(Duration.ofMillis(ms));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("word2vec training was interrupted", e);
        }
    }
}

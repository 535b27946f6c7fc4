package striate.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import striate.text.Corpus;
import striate.text.Word2Vec;
import striate.text.WordVectors;

/**
 * {@code striate word2vec}: trains word vectors on a text corpus (a file, or a folder of files) with the original
 * tool's algorithms and defaults ({@link Word2Vec}) and writes them in its text or binary format. Progress goes to
 * stderr on one updating line, as the tool's; stdout gets the corpus, the settings and a last line that ends in
 * {@code words/s/thread: <number>} (the side-by-side benchmark reads it). An existing --output is refused unless
 * --force, and the file appears only once it is complete.
 */
@Command(name = "word2vec", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Train word vectors (CBOW or skip-gram; negative sampling or hierarchical softmax) on a text "
                + "corpus, as the original word2vec tool does.")
final class Word2VecCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--corpus", required = true, paramLabel = "<file or dir>", description = "Text: words separated "
            + "by spaces, sentences by newlines; a folder means all its files in name order.")
    Path corpus;

    @Option(names = "--output", required = true, paramLabel = "<file>", description = "The vector file to write.")
    Path output;

    @Option(names = "--binary", description = "Write the tool's binary format (-binary 1) instead of text.")
    boolean binary;

    @Option(names = "--force", description = "Replace --output if it exists.")
    boolean force;

    @Option(names = "--model", defaultValue = "cbow", paramLabel = "cbow|skipgram", description = "CBOW predicts a "
            + "word from its context, skip-gram the context from the word (default: ${DEFAULT-VALUE}).")
    String model;

    @Option(names = "--loss", defaultValue = "ns", paramLabel = "ns|hs", description = "Negative sampling or "
            + "hierarchical softmax (default: ${DEFAULT-VALUE}).")
    String loss;

    @Option(names = "--size", defaultValue = "100", description = "Vector dimension (default: ${DEFAULT-VALUE}).")
    int size;

    @Option(names = "--window", defaultValue = "5", description = "Context words each side, shrunk at random per "
            + "word (default: ${DEFAULT-VALUE}).")
    int window;

    @Option(names = "--negative", defaultValue = "5", description = "Negative samples per word with --loss ns "
            + "(default: ${DEFAULT-VALUE}).")
    int negative;

    @Option(names = "--min-count", defaultValue = "5", description = "Leave out words seen fewer times (default: "
            + "${DEFAULT-VALUE}).")
    int minCount;

    @Option(names = "--sample", defaultValue = "1e-3", description = "Subsampling threshold for frequent words; 0 "
            + "keeps all (default: ${DEFAULT-VALUE}).")
    double sample;

    @Option(names = "--alpha", paramLabel = "<rate>", description = "Starting learning rate, decaying linearly "
            + "(default: 0.05 for cbow, 0.025 for skipgram, as the tool).")
    Float alpha;

    @Option(names = "--iter", defaultValue = "5", description = "Passes over the corpus (default: ${DEFAULT-VALUE}).")
    int iter;

    @Option(names = "--threads", paramLabel = "<n>", description = "Training threads, Hogwild; only --threads 1 is "
            + "reproducible (default: the number of processors).")
    Integer threads;

    @Option(names = "--seed", defaultValue = "1", description = "Seed of the initial vectors and each thread's "
            + "random numbers (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--cbow-mean", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "CBOW averages its context vectors; --no-cbow-mean sums them (default: on, as the tool).")
    boolean cbowMean;

    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        Word2Vec.Options options = options();
        checkOutput();
        Corpus c = Corpus.read(corpus, minCount);
        out.printf(Locale.ROOT, "corpus %s: %d words; vocabulary: %d words seen at least %d times (and </s>, one per "
                + "line), %d training words per pass%n", corpus, c.rawTokens() - c.vocab().count(0),
                c.vocab().size() - 1, minCount, c.trainWords());
        out.printf(Locale.ROOT, "training %s with %s, %d dimensions, window %d, sample %s, alpha %s, %d passes, "
                + "%d thread%s, seed %d%n", options.model().label(), options.loss() == Word2Vec.Loss.NS
                        ? "negative sampling (" + options.negative() + ")" : "hierarchical softmax",
                options.size(), options.window(), options.sample(), options.alpha(), options.iter(),
                options.threads(), options.threads() == 1 ? "" : "s", options.seed());
        out.flush();
        PrintWriter err = spec.commandLine().getErr();
        Word2Vec.Result r = Word2Vec.train(c, options, (a, progress, speed) -> {
            err.printf(Locale.ROOT, "\rAlpha: %f  Progress: %.2f%%  Words/thread/sec: %.2fk  ", a, progress * 100,
                    speed / 1000);
            err.flush();
        });
        err.println();
        err.flush();
        WordVectors vectors = r.vectors();
        if (binary) {
            vectors.writeBinary(output);
        } else {
            vectors.writeText(output);
        }
        out.printf(Locale.ROOT, "wrote %s (%s format): %d vectors of dimension %d%n", output, binary ? "binary"
                : "text", vectors.size(), vectors.dimension());
        out.printf(Locale.ROOT, "%d words (%d passes) in %.3f s wall time, words/s/thread: %.0f%n", r.words(),
                options.iter(), r.seconds(), r.wordsPerThreadPerSecond());
        return 0;
    }

    private Word2Vec.Options options() {
        Word2Vec.Model m = switch (model) {
            case "cbow" -> Word2Vec.Model.CBOW;
            case "skipgram" -> Word2Vec.Model.SKIPGRAM;
            default -> throw new ParameterException(spec.commandLine(), "--model: unknown model '" + model
                    + "'; models: cbow, skipgram");
        };
        Word2Vec.Loss l = switch (loss) {
            case "ns" -> Word2Vec.Loss.NS;
            case "hs" -> Word2Vec.Loss.HS;
            default -> throw new ParameterException(spec.commandLine(), "--loss: unknown loss '" + loss
                    + "'; losses: ns (negative sampling), hs (hierarchical softmax)");
        };
        require(minCount >= 1, "--min-count must be >= 1");
        require(threads == null || threads >= 1, "--threads must be >= 1");
        try {
            return Word2Vec.Options.defaults(m, l).withSize(size).withWindow(window).withNegative(negative)
                    .withSample(sample).withAlpha(alpha == null ? Word2Vec.Options.defaultAlpha(m) : alpha)
                    .withIter(iter).withSeed(seed).withCbowMean(cbowMean)
                    .withThreads(threads == null ? Runtime.getRuntime().availableProcessors() : threads);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), "--" + e.getMessage());
        }
    }

    private void checkOutput() {
        if (Files.isDirectory(output)) {
            throw new ParameterException(spec.commandLine(), "--output " + output + " is a folder; give a file name");
        }
        if (Files.exists(output) && !force) {
            throw new ParameterException(spec.commandLine(), "--output " + output + " exists; give --force to replace "
                    + "it, or another file name");
        }
        Path folder = output.toAbsolutePath().getParent();
        if (!Files.isDirectory(folder)) {
            throw new ParameterException(spec.commandLine(), "--output " + output + ": " + folder + (Files.exists(folder)
                    ? " is not a folder" : " does not exist; create it first"));
        }
        try { // before training, which takes minutes
            striate.train.AtomicFile.requireWritable(folder);
        } catch (IOException e) {
            throw new IllegalArgumentException("--output " + output + ": cannot write in the folder " + folder + " ("
                    + striate.train.AtomicFile.reason(e) + ")", e);
        }
    }

    private void require(boolean ok, String message) {
        if (!ok) {
            throw new ParameterException(spec.commandLine(), message);
        }
    }
}

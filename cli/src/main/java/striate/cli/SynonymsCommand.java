package striate.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import striate.data.DataFileException;
import striate.text.SynonymTest;
import striate.text.WordNet;
import striate.text.WordVectors;

/**
 * {@code striate synonyms --vectors FILE --corpus FILE}: the WordNet synonym test ({@link SynonymTest}) on a vector
 * file in the original word2vec tool's text or binary format. The questions come from the corpus's word counts,
 * {@code --min-count} and {@code --seed}, not from the vectors, so every vector file trained on that corpus is asked
 * the same ones. Prints the questions, how many had all their words in the vectors, and the accuracy (questions
 * with a word missing count as wrong); writes nothing.
 */
@Command(name = "synonyms", mixinStandardHelpOptions = true,
        description = "Score word vectors on a WordNet synonym test built from a corpus's word counts.")
final class SynonymsCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--vectors", required = true, paramLabel = "<file>", description = "Word vectors in the word2vec "
            + "text or binary format (striate word2vec or the C tool).")
    Path vectors;

    @Option(names = "--corpus", required = true, paramLabel = "<file>", description = "The text the vectors were "
            + "trained on (striate brown-text writes the Brown corpus's): its word counts choose the questions.")
    Path corpus;

    @Option(names = "--wordnet", paramLabel = "<dir>", description = "WordNet's data.noun, data.verb, data.adj and "
            + "data.adv (default: /usr/share/wordnet, Debian's wordnet-base).")
    Path wordnet = WordNet.defaultFolder();

    @Option(names = "--min-count", defaultValue = "5", paramLabel = "<n>", description = "Words seen fewer times in"
            + " the corpus are out of the vocabulary (default: ${DEFAULT-VALUE}, word2vec's).")
    int minCount;

    @Option(names = "--seed", defaultValue = "1", paramLabel = "<seed>", description = "Draws the distractors "
            + "(default: ${DEFAULT-VALUE}).")
    long seed;

    @Override
    public Integer call() throws IOException {
        if (minCount < 1) {
            throw new ParameterException(spec.commandLine(), "--min-count must be at least 1, got " + minCount);
        }
        WordNet w = WordNet.read(wordnet);
        Map<String, Long> counts = SynonymTest.countWords(corpus);
        SynonymTest test = SynonymTest.build(w, counts, minCount, SynonymTest.DISTRACTORS, seed);
        long vocabulary = counts.values().stream().filter(c -> c >= minCount).count();
        if (test.questions().isEmpty()) {
            throw new DataFileException(corpus, "gives no synonym questions: none of its " + vocabulary + " words "
                    + "seen at least " + minCount + " times has a single-word WordNet synonym among them; use a "
                    + "larger corpus or a lower --min-count");
        }
        WordVectors v = WordVectors.read(vectors);
        SynonymTest.Score score = test.score(word -> {
            int i = v.indexOf(word);
            return i < 0 ? null : v.vector(i);
        });
        PrintWriter out = spec.commandLine().getOut();
        out.println("synonym test: " + vocabulary + " corpus words seen at least " + minCount + " times, "
                + SynonymTest.DISTRACTORS + " distractors from the synonym's frequency band, seed " + seed + "; "
                + v.size() + " vectors of dimension " + v.dimension() + " in " + vectors);
        out.println("questions: " + score.questions());
        out.println("answerable: " + score.answerable() + " (questions whose words all have vectors; the others "
                + "count as wrong)");
        out.printf("accuracy: %.4f (%d right; chance is %.2f)%n", score.accuracy(), score.correct(),
                1.0 / (1 + SynonymTest.DISTRACTORS));
        out.flush();
        return 0;
    }
}

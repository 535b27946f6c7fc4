package striate.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import striate.text.Neighbours;
import striate.text.WordVectors;

/**
 * {@code striate similar WORD --vectors FILE}: the words nearest to WORD by cosine similarity in a word2vec vector
 * file (text or binary), WORD itself left out, as the original tool's distance.c; one "word similarity" line each.
 */
@Command(name = "similar", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Print the words nearest to WORD (cosine similarity) in a word2vec vector file.")
final class SimilarCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "WORD", description = "The word to look up.")
    String word;

    @Option(names = "--vectors", required = true, paramLabel = "<file>", description = "A vector file in the word2vec "
            + "text or binary format.")
    Path vectors;

    @Option(names = "--top", defaultValue = "10", description = "How many words (default: ${DEFAULT-VALUE}).")
    int top;

    @Override
    public Integer call() throws IOException {
        WordVectorsQuery.requireTop(spec, top);
        List<Neighbours.Neighbour> found = new Neighbours(WordVectors.read(vectors)).similar(word, top);
        WordVectorsQuery.print(spec.commandLine().getOut(), found);
        return 0;
    }
}

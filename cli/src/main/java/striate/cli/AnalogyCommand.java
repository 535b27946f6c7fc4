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
 * {@code striate analogy A B C --vectors FILE}: "A is to B as C is to ?", the words nearest to B − A + C on
 * normalised vectors, A, B and C left out, as the original tool's word-analogy.c; one "word similarity" line each.
 */
@Command(name = "analogy", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Print the answers to 'A is to B as C is to ?' (nearest to B - A + C) from a word2vec vector "
                + "file.")
final class AnalogyCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(arity = "3", paramLabel = "A B C", description = "The three words: A is to B as C is to ?")
    List<String> words;

    @Option(names = "--vectors", required = true, paramLabel = "<file>", description = "A vector file in the word2vec "
            + "text or binary format.")
    Path vectors;

    @Option(names = "--top", defaultValue = "10", description = "How many answers (default: ${DEFAULT-VALUE}).")
    int top;

    @Override
    public Integer call() throws IOException {
        WordVectorsQuery.requireTop(spec, top);
        List<Neighbours.Neighbour> found = new Neighbours(WordVectors.read(vectors)).analogy(words.get(0),
                words.get(1), words.get(2), top);
        WordVectorsQuery.print(spec.commandLine().getOut(), found);
        return 0;
    }
}

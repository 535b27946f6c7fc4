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

    @Parameters(index = "0", paramLabel = "A", description = "A of 'A is to B as C is to ?'")
    String a;

    @Parameters(index = "1", paramLabel = "B", description = "B, the word A is to")
    String b;

    @Parameters(index = "2", paramLabel = "C", description = "C, whose counterpart is asked for")
    String c;

    @Option(names = "--vectors", required = true, paramLabel = "<file>", description = "A vector file in the word2vec "
            + "text or binary format.")
    Path vectors;

    @Option(names = "--top", defaultValue = "10", description = "How many answers (default: ${DEFAULT-VALUE}).")
    int top;

    @Override
    public Integer call() throws IOException {
        WordVectorsQuery.requireTop(spec, top);
        List<Neighbours.Neighbour> found = new Neighbours(WordVectors.read(vectors)).analogy(a, b, c, top);
        WordVectorsQuery.print(spec.commandLine().getOut(), found);
        return 0;
    }
}

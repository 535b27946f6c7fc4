package striate.cli;

import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import striate.text.Neighbours;

/** What {@code similar} and {@code analogy} share: the --top check and the answer lines "word similarity". */
final class WordVectorsQuery {
    private WordVectorsQuery() {
    }

    static void requireTop(CommandSpec spec, int top) {
        if (top < 1) {
            throw new ParameterException(spec.commandLine(), "--top must be >= 1");
        }
    }

    static void print(PrintWriter out, List<Neighbours.Neighbour> found) {
        if (found.isEmpty()) { // it printed nothing at all
            out.println("(no other words: the vector file holds only the words asked about)");
        }
        for (Neighbours.Neighbour n : found) {
            out.printf(Locale.ROOT, "%-20s %.6f%n", n.word(), n.similarity());
        }
        out.flush();
    }
}

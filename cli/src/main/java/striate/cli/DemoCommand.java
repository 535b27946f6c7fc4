package striate.cli;

import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import striate.models.Classics;

/**
 * {@code striate demo [<name>]}: runs one of the classic models end to end ({@code striate.models.Classics}),
 * printing its progress to standard output; without a name it lists the demos.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Run a classic model end to end (for example: xor); without a name, list the demos.")
final class DemoCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", arity = "0..1", paramLabel = "<name>", description = "The demo to run.")
    String name;

    @Override
    public Integer call() {
        List<String> names = Classics.names();
        PrintWriter out = spec.commandLine().getOut();
        if (name == null) {
            out.println("demos: " + String.join(", ", names));
            out.flush();
            return 0;
        }
        if (!names.contains(name)) {
            throw new ParameterException(spec.commandLine(),
                    "unknown demo '" + name + "'; known demos: " + String.join(", ", names));
        }
        out.flush();
        Classics.run(name, System.out);
        System.out.flush();
        return 0;
    }
}

package striate.cli;

import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * The {@code --threads} option of the training commands that set the CPU backend's intra-op threads (a picocli
 * mixin): 0 leaves the backend's own choice (the cores, or -Dstriate.cpu.threads); a negative count is a usage error.
 */
final class ThreadsOption {
    @Spec(Spec.Target.MIXEE)
    CommandSpec command;

    @Option(names = "--threads", defaultValue = "0", paramLabel = "<n>", description = "CPU intra-op threads; 0: "
            + "the cores, or -Dstriate.cpu.threads (default: ${DEFAULT-VALUE}).")
    int threads;

    void validate() {
        if (threads < 0) {
            throw new ParameterException(command.commandLine(), "--threads must be >= 0 (0: the cores), got "
                    + threads);
        }
    }

    /** Gives the CPU backend --threads threads; call it before the backend starts (its pool is made once). */
    void apply() {
        if (threads > 0) {
            System.setProperty("striate.cpu.threads", Integer.toString(threads));
        }
    }
}

package striate.cli;

import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * The {@code --threads} option of the training commands that set the CPU backend's intra-op threads (a picocli
 * mixin): 0 leaves the backend's own choice (the cores, or -Dstriate.cpu.threads); a negative count, or more than
 * {@link #PER_CORE} per core (each extra thread only shares a core, and thousands hang the start), is a usage error.
 */
final class ThreadsOption {
    @Spec(Spec.Target.MIXEE)
    CommandSpec command;

    @Option(names = "--threads", defaultValue = "0", paramLabel = "<n>", description = "CPU intra-op threads, at "
            + "most " + striate.cpu.CpuBackend.MAX_THREADS_PER_CORE + " per core; 0: the cores, or "
            + "-Dstriate.cpu.threads (default: ${DEFAULT-VALUE}).")
    int threads;

    /** The most intra-op threads per core that --threads takes: the CPU backend's own bound. */
    static final int PER_CORE = striate.cpu.CpuBackend.MAX_THREADS_PER_CORE;

    void validate() {
        if (threads < 0) {
            throw new ParameterException(command.commandLine(), "--threads must be >= 0 (0: the cores), got "
                    + threads);
        }
        int cores = Runtime.getRuntime().availableProcessors();
        // only as typed: a resumed run adopts the --threads it recorded, perhaps on a machine with more cores
        if (threads > PER_CORE * cores && command.commandLine().getParseResult().hasMatchedOption("--threads")) {
            throw new ParameterException(command.commandLine(), "--threads " + threads + " is more than " + PER_CORE
                    + " per core (" + cores + (cores == 1 ? " core" : " cores") + " here): extra threads only share "
                    + "the cores and slow the kernels; 0 takes the cores");
        }
    }

    /**
     * Gives the CPU backend --threads threads, at most 4 per core (a resumed run's recorded count may be above that
     * here, which the backend would refuse); call it before the backend starts (its pool is made once).
     */
    void apply() {
        if (threads > 0) {
            int most = PER_CORE * Runtime.getRuntime().availableProcessors();
            System.setProperty("striate.cpu.threads", Integer.toString(Math.min(threads, most)));
        }
    }
}

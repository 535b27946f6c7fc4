package striate.cli;

import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import striate.train.GraphMode;

/**
 * The {@code --cuda-graphs} option of the training commands (a picocli mixin): whether the trainer captures its step
 * once and replays it ({@link GraphMode}); a value other than auto, on or off is a usage error.
 */
final class CudaGraphsOption {
    @Spec(Spec.Target.MIXEE)
    CommandSpec command;

    @Option(names = "--cuda-graphs", defaultValue = "auto", paramLabel = "auto|on|off", description = "Capture the "
            + "training step once and replay it: auto (on a CUDA device, where the step can be captured; else eager, "
            + "with a log line saying why), on (any one device; refuses a step that cannot be captured) or off "
            + "(default: ${DEFAULT-VALUE}).")
    String value;

    /** The mode given, or a usage error naming the values. */
    GraphMode mode() {
        try {
            return GraphMode.parse(value);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(command.commandLine(), e.getMessage());
        }
    }
}

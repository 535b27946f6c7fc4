package striate.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code striate charlm}: the character-level LSTM language model on the Brown corpus's raw text
 * ({@link striate.models.CharLstm}): {@code train} and {@code evaluate}; {@code striate generate} samples from it.
 */
@Command(name = "charlm", mixinStandardHelpOptions = true,
        description = "Character-level language model on the Brown corpus with an LSTM: train, evaluate "
                + "('striate generate' samples from it).",
        subcommands = {CharLmTrainCommand.class, CharLmEvaluateCommand.class})
final class CharLmCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        throw new ParameterException(spec.commandLine(), "missing charlm command: choose one of train, evaluate");
    }
}

package striate.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code striate textcnn}: spam classification of the SpamAssassin corpus with text CNNs. */
@Command(name = "textcnn", mixinStandardHelpOptions = true,
        description = "Spam classification on the SpamAssassin corpus with text CNNs: train, evaluate, export-data.",
        subcommands = {TextCnnTrainCommand.class, TextCnnEvaluateCommand.class, TextCnnExportCommand.class})
final class TextCnnCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        throw new ParameterException(spec.commandLine(), "missing textcnn command: choose one of train, evaluate, export-data");
    }
}

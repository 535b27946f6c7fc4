package striate.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code striate tagger}: the part-of-speech tagger on the Brown corpus, a bidirectional LSTM
 * ({@link striate.models.BiLstmTagger}): {@code train}, {@code evaluate} and {@code tag}.
 */
@Command(name = "tagger", mixinStandardHelpOptions = true,
        description = "Part-of-speech tagging on the Brown corpus with a BiLSTM: train, evaluate, tag.",
        subcommands = {TaggerTrainCommand.class, TaggerEvaluateCommand.class, TaggerTagCommand.class})
final class TaggerCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        throw new ParameterException(spec.commandLine(), "missing tagger command: choose one of train, evaluate, tag");
    }
}

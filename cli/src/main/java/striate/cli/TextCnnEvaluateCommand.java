package striate.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import striate.data.SpamAssassin;
import striate.tensor.Device;
import striate.train.SpamScores;

/**
 * {@code striate textcnn evaluate --checkpoint FILE}: a spam classifier's test accuracy, spam precision, recall and
 * F1 and confusion matrix on the test messages of its run (the same split, {@code --limit} subset, truncation and
 * vocabulary the checkpoint recorded), naive Bayes on the same messages beside it. Writes nothing.
 */
@Command(name = "evaluate", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Test numbers of a text-CNN spam classifier checkpoint, next to naive Bayes.")
final class TextCnnEvaluateCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--checkpoint", required = true, paramLabel = "<file>", description = "A checkpoint of "
            + "'striate textcnn train' (.ckpt).")
    Path checkpoint;

    @Option(names = "--data", paramLabel = "<dir>", description = "The SpamAssassin corpus (default: the folder the "
            + "run recorded, else /usr/local/share/datasets/spam-assassin/data).")
    Path data;

    @Option(names = "--batch-size", defaultValue = "50", description = "Messages per batch (default: "
            + "${DEFAULT-VALUE}).")
    int batchSize;

    @Mixin
    DeviceOption deviceOption;

    @Override
    public Integer call() throws IOException {
        Device device = deviceOption.device;
        if (batchSize < 1) {
            throw new ParameterException(spec.commandLine(), "--batch-size must be >= 1, got " + batchSize);
        }
        SpamModels.Loaded m = SpamModels.load(checkpoint, device);
        var settings = m.checkpoint().settings();
        Path folder = data != null ? data : settings.containsKey("--data") ? Path.of(settings.get("--data"))
                : SpamAssassin.defaultFolder();
        int limit = Integer.parseInt(settings.getOrDefault("--limit", "0"));
        SpamCorpusData d = SpamCorpusData.read(folder, limit, m.tokenizer().maxTokens(), m.vocabulary());
        SpamEvaluation e = SpamEvaluation.of(m.built().module(), d.data().test(), m.built().minLength(), device,
                batchSize);
        SpamScores nb = SpamEvaluation.naiveBayes(d.data());
        long[][] c = e.scores().confusion();
        PrintWriter out = spec.commandLine().getOut();
        out.printf("%s (%s), epoch %d, on the %d test messages%s of %s, %.0f messages/s on %s%n",
                m.checkpoint().modelName(), m.checkpoint().modelConfig(), m.checkpoint().epoch(),
                e.scores().messages(), limit > 0 ? " (of a " + limit + "-message subset, as the run)" : "", folder,
                e.messagesPerSecond(), device);
        out.printf("test %s%n", e.scores());
        out.printf("confusion (rows true, columns predicted): ham [%d, %d], spam [%d, %d]%n", c[0][0], c[0][1],
                c[1][0], c[1][1]);
        out.printf("naive Bayes %s%n", nb);
        out.flush();
        return 0;
    }
}

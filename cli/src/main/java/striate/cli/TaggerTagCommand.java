package striate.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import striate.autograd.GradMode;
import striate.data.Vocabulary;
import striate.tensor.Device;
import striate.tensor.Tensor;
import striate.train.Metrics;

/**
 * {@code striate tagger tag --checkpoint F "The jury said ..."}: tags text with a tagger checkpoint and prints
 * {@code word/tag} tokens, Brown's own format, one line per sentence. The words are the text split on whitespace,
 * so punctuation is a word of its own only when spaced as in Brown ("said ." not "said."); the arguments are
 * joined by spaces and each line of the result is a sentence. A word outside the tagger's vocabulary is not an
 * error: it is the unknown word, tagged from its context, and a note says which words those were.
 */
@Command(name = "tag", mixinStandardHelpOptions = true,
        description = "Tag text with a tagger checkpoint: prints word/tag, one line per sentence.")
final class TaggerTagCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--checkpoint", required = true, paramLabel = "<file>", description = "A checkpoint of "
            + "'striate tagger train' (.ckpt).")
    Path checkpoint;

    @Mixin
    DeviceOption deviceOption;

    @Parameters(paramLabel = "<text>", arity = "0..*", description = "The text: words separated by spaces (quote "
            + "it); each line is a sentence.")
    List<String> text = new ArrayList<>();

    @Override
    public Integer call() throws IOException {
        Device device = deviceOption.device;
        List<List<String>> sentences = new ArrayList<>();
        for (String line : String.join(" ", text).split("\\R")) {
            List<String> words = Arrays.stream(line.trim().split("\\s+")).filter(w -> !w.isEmpty()).toList();
            if (!words.isEmpty()) {
                sentences.add(words);
            }
        }
        if (sentences.isEmpty()) {
            throw new ParameterException(spec.commandLine(), "no words to tag: give the text as an argument, e.g. "
                    + "'striate tagger tag --checkpoint " + checkpoint + " \"The jury said it was fair .\"'");
        }
        TaggerCheckpoint t = TaggerCheckpoint.load(checkpoint, device);
        PrintWriter out = spec.commandLine().getOut();
        Set<String> unknown = new LinkedHashSet<>();
        try (GradMode.Scope off = GradMode.off()) {
            for (List<String> sentence : sentences) {
                int n = sentence.size();
                int[] ids = t.words().ids(sentence);
                Tensor logits = t.model().forward(Tensor.ofInts(device, ids, 1, n), new int[] {n}); // [1, n, tags]
                int[] tags = Metrics.argmax(logits.reshape(n, t.tags().size()));
                StringBuilder line = new StringBuilder();
                for (int k = 0; k < n; k++) {
                    line.append(k == 0 ? "" : " ").append(sentence.get(k)).append('/').append(t.tags().tag(tags[k]));
                    if (ids[k] == Vocabulary.UNK) {
                        unknown.add(sentence.get(k));
                    }
                }
                out.println(line);
            }
        }
        out.flush();
        if (!unknown.isEmpty()) {
            PrintWriter err = spec.commandLine().getErr();
            err.println("striate: note: " + (unknown.size() == 1 ? "1 word is" : unknown.size() + " words are")
                    + " not in the tagger's vocabulary (" + String.join(", ", unknown) + "): "
                    + (unknown.size() == 1 ? "it is" : "they are") + " tagged as the unknown word, from the context");
            err.flush();
        }
        return 0;
    }
}

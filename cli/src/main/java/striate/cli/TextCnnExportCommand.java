package striate.cli;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;
import striate.cli.report.MetricsJson;
import striate.data.EmailTokenizer;
import striate.data.SpamData.Example;
import striate.data.SpamSplit;

/**
 * {@code striate textcnn export-data}: writes the spam classifiers' exact inputs for other tools, so the tokenizer is
 * written once: the PyTorch peer (benchmarks/pytorch/textcnn_spam.py) trains on these ids, and word2vec on
 * {@code corpus.txt}. The folder (new or empty) gets:
 * <ul>
 * <li>{@code vocab.txt}: one token per line, line k (from 0) is id k ({@code <pad>} 0, {@code <unk>} 1);</li>
 * <li>{@code train.tsv}, {@code validation.tsv}, {@code test.tsv}: one message per line,
 * {@code label<TAB>group/id<TAB>id id id ...} (label 0 ham, 1 spam; at most --max-tokens ids, at least one);</li>
 * <li>{@code corpus.txt}: the training messages' tokens (words, in-vocabulary or not), one message per line;</li>
 * <li>{@code data.json}: the options and counts.</li>
 * </ul>
 */
@Command(name = "export-data", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Write the split, labels and token ids (and a word2vec corpus of the training messages) to --out.")
final class TextCnnExportCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    SpamOptions spamOptions;

    @Option(names = "--out", required = true, paramLabel = "<dir>", description = "A new or empty output folder.")
    Path out;

    @Override
    public Integer call() throws IOException {
        spamOptions.validate(spec);
        OutputFolder created = OutputFolder.createWithoutResume(out);
        return OutputFolder.removedIfFailed(created, () -> {
            SpamCorpusData d = spamOptions.read();
            write(d);
            PrintWriter con = spec.commandLine().getOut();
            con.printf("exported %s, %d ids in the vocabulary, at most %d tokens a message, to %s%n", d.counts(),
                    d.data().vocabulary().size(), spamOptions.maxTokens, out.toAbsolutePath());
            con.flush();
            return 0;
        });
    }

    private void write(SpamCorpusData d) throws IOException {
        Files.write(out.resolve("vocab.txt"), d.data().vocabulary().tokens(), StandardCharsets.UTF_8);
        examples(out.resolve("train.tsv"), d.data().train());
        examples(out.resolve("validation.tsv"), d.data().validation());
        examples(out.resolve("test.tsv"), d.data().test());
        EmailTokenizer tokenizer = new EmailTokenizer(spamOptions.maxTokens);
        try (BufferedWriter w = Files.newBufferedWriter(out.resolve("corpus.txt"), StandardCharsets.UTF_8)) {
            for (Example e : d.data().train()) {
                w.write(String.join(" ", tokenizer.tokens(e.message().text())));
                w.newLine();
            }
        }
        String json = String.format(Locale.ROOT, """
                {"format": 1, "data": %s, "limit": %d, "split_seed": %d, "max_tokens": %d, "min_count": %d, \
                "max_words": %d, "vocabulary": %d, "train": %d, "validation": %d, "test": %d}
                """, MetricsJson.quote(d.folder().toAbsolutePath().toString()), d.limit(),
                SpamSplit.DEFAULT_SEED, spamOptions.maxTokens, spamOptions.minCount,
                spamOptions.maxWords, d.data().vocabulary().size(), d.data().train().size(),
                d.data().validation().size(), d.data().test().size());
        Files.writeString(out.resolve("data.json"), json);
    }

    private static void examples(Path file, List<Example> examples) throws IOException {
        try (BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            for (Example e : examples) {
                w.write(e.label() + "\t" + e.message().group() + "/" + e.message().id() + "\t"
                        + IntStream.of(e.ids()).mapToObj(Integer::toString).collect(Collectors.joining(" ")));
                w.newLine();
            }
        }
    }
}

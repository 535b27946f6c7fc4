package striate.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import striate.data.EmailTokenizer;
import striate.data.SpamAssassin;
import striate.data.SpamAssassin.Message;
import striate.data.SpamData;
import striate.data.SpamSplit;
import striate.data.Vocabulary;

/**
 * What the spam commands ({@code textcnn export-data}, {@code textcnn train}, {@code textcnn evaluate}) read from a
 * SpamAssassin folder: every message (or with {@code limit} > 0 a stratified subset of that many, drawn from the
 * split's seed), the fixed seed-42 80/10/10 split, and the ids of the tokens (at most {@code maxTokens}) in the
 * vocabulary of the training messages, or in a checkpoint's vocabulary.
 */
record SpamCorpusData(Path folder, int limit, SpamSplit split, SpamData data) {
    /** Reads {@code folder}, splits it and builds the vocabulary on its training messages. */
    static SpamCorpusData read(Path folder, int limit, int maxTokens, int minCount, int maxWords) throws IOException {
        SpamSplit split = split(folder, limit);
        return new SpamCorpusData(folder, limit, split, SpamData.of(split, new EmailTokenizer(maxTokens), minCount,
                maxWords));
    }

    /** Reads {@code folder} for a trained model whose vocabulary is {@code vocabulary}. */
    static SpamCorpusData read(Path folder, int limit, int maxTokens, Vocabulary vocabulary) throws IOException {
        SpamSplit split = split(folder, limit);
        return new SpamCorpusData(folder, limit, split, SpamData.of(split, new EmailTokenizer(maxTokens), vocabulary));
    }

    private static SpamSplit split(Path folder, int limit) throws IOException {
        List<Message> messages = SpamAssassin.read(folder).messages();
        if (limit > 0 && limit < messages.size()) {
            messages = SpamSplit.subset(messages, limit, SpamSplit.DEFAULT_SEED);
        }
        return SpamSplit.of(messages, SpamSplit.DEFAULT_SEED);
    }

    /** "4836 / 605 / 605 messages (1516 / 190 / 190 spam)". */
    String counts() {
        return data.train().size() + " / " + data.validation().size() + " / " + data.test().size() + " messages ("
                + spam(data.train()) + " / " + spam(data.validation()) + " / " + spam(data.test()) + " spam)";
    }

    private static long spam(List<SpamData.Example> examples) {
        return examples.stream().filter(e -> e.label() == 1).count();
    }
}

package striate.data;

import java.util.ArrayList;
import java.util.List;
import striate.data.SpamAssassin.Message;

/**
 * The spam classifiers' inputs: each message of a {@link SpamSplit} as word ids (its {@link EmailTokenizer} tokens,
 * at most {@code maxTokens}) and its label (0 ham, 1 spam), with the {@link Vocabulary} of the training messages
 * only: {@code <pad>} 0, {@code <unk>} 1, then words seen at least {@code minCount} times, most frequent first,
 * at most {@code maxWords} ids in all. Naive Bayes, the text-CNNs, the export for the PyTorch peer and word2vec all
 * read these same ids.
 */
public record SpamData(Vocabulary vocabulary, List<Example> train, List<Example> validation, List<Example> test) {
    public static final int DEFAULT_MIN_COUNT = 2;
    public static final int DEFAULT_MAX_WORDS = 30_000;

    /** One message: its ids [t] (t ≤ maxTokens; a message without tokens is one {@code <unk>}) and label. */
    public record Example(Message message, int[] ids, int label) {
    }

    public SpamData {
        train = List.copyOf(train);
        validation = List.copyOf(validation);
        test = List.copyOf(test);
    }

    /** Tokenizes every message of {@code split}, builds the vocabulary on its training part, maps words to ids. */
    public static SpamData of(SpamSplit split, EmailTokenizer tokenizer, int minCount, int maxWords) {
        if (maxWords < 3) {
            throw new IllegalArgumentException("the vocabulary needs room for <pad>, <unk> and a word: maxWords "
                    + maxWords + " < 3");
        }
        List<List<String>> trainTokens = tokens(split.train(), tokenizer);
        List<String> all = new ArrayList<>();
        trainTokens.forEach(all::addAll);
        Vocabulary built = Vocabulary.build(all, minCount, false);
        Vocabulary vocabulary = built.size() <= maxWords ? built
                : Vocabulary.of(built.tokens().subList(0, maxWords), minCount, false);
        return new SpamData(vocabulary, examples(split.train(), trainTokens, vocabulary),
                examples(split.validation(), tokens(split.validation(), tokenizer), vocabulary),
                examples(split.test(), tokens(split.test(), tokenizer), vocabulary));
    }

    /** The ids of {@code split} in a given vocabulary (a checkpoint's). */
    public static SpamData of(SpamSplit split, EmailTokenizer tokenizer, Vocabulary vocabulary) {
        return new SpamData(vocabulary, examples(split.train(), tokens(split.train(), tokenizer), vocabulary),
                examples(split.validation(), tokens(split.validation(), tokenizer), vocabulary),
                examples(split.test(), tokens(split.test(), tokenizer), vocabulary));
    }

    /** The ids of one message, as {@link #of} maps them. */
    public static int[] ids(List<String> tokens, Vocabulary vocabulary) {
        return tokens.isEmpty() ? new int[] {Vocabulary.UNK} : vocabulary.ids(tokens);
    }

    private static List<List<String>> tokens(List<Message> messages, EmailTokenizer tokenizer) {
        return messages.stream().map(m -> tokenizer.tokens(m.text())).toList();
    }

    private static List<Example> examples(List<Message> messages, List<List<String>> tokens, Vocabulary vocabulary) {
        List<Example> out = new ArrayList<>(messages.size());
        for (int i = 0; i < messages.size(); i++) {
            out.add(new Example(messages.get(i), ids(tokens.get(i), vocabulary), messages.get(i).label()));
        }
        return out;
    }
}

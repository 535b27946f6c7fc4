package striate.data;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;
import striate.data.SpamAssassin.Message;
import striate.tensor.Rng;

/**
 * The fixed, seeded split of the spam classifiers: stratified by class, within each class (messages in corpus
 * order: group, then file name) a permutation drawn from {@code seed} by {@link Rng#shuffle}; its first
 * round(n / 10) go to test, the next round(n / 10) to validation, the rest (about 80%) to training. Each part keeps
 * corpus order. Seed 42 on the whole corpus: 4,836 training, 605 validation and 605 test messages (3,320 / 415 / 415
 * ham, 1,516 / 190 / 190 spam).
 */
public record SpamSplit(List<Message> train, List<Message> validation, List<Message> test) {
    public static final long DEFAULT_SEED = 42;

    public SpamSplit {
        train = List.copyOf(train);
        validation = List.copyOf(validation);
        test = List.copyOf(test);
    }

    /** The 80/10/10 split of {@code messages} drawn from {@code seed}. */
    public static SpamSplit of(List<Message> messages, long seed) {
        List<Message> train = new ArrayList<>();
        List<Message> validation = new ArrayList<>();
        List<Message> test = new ArrayList<>();
        int[] part = new int[messages.size()];  // 0 train, 1 validation, 2 test
        for (int label = 0; label < 2; label++) {
            int[] members = members(messages, label);
            new Rng(seed + label).shuffle(members);
            int tenth = Math.round(members.length / 10f);
            for (int k = 0; k < members.length; k++) {
                part[members[k]] = k < tenth ? 2 : k < 2 * tenth ? 1 : 0;
            }
        }
        for (int i = 0; i < messages.size(); i++) {
            (part[i] == 0 ? train : part[i] == 1 ? validation : test).add(messages.get(i));
        }
        return new SpamSplit(train, validation, test);
    }

    /**
     * {@code n} of {@code messages} with the classes in the corpus's proportion (each class's share rounded),
     * drawn from {@code seed}, in corpus order: a small real corpus for quick runs and tests.
     */
    public static List<Message> subset(List<Message> messages, int n, long seed) {
        if (n < 10 || n > messages.size()) {
            throw new IllegalArgumentException("--limit " + n + " must be between 10 and the corpus's "
                    + messages.size() + " messages");
        }
        int[] spam = members(messages, 1);
        int spamTaken = Math.round((float) n * spam.length / messages.size());
        boolean[] keep = new boolean[messages.size()];
        for (int label = 0; label < 2; label++) {
            int[] members = label == 1 ? spam : members(messages, 0);
            new Rng(seed + label).shuffle(members);
            int take = label == 1 ? spamTaken : n - spamTaken;
            for (int k = 0; k < take; k++) {
                keep[members[k]] = true;
            }
        }
        List<Message> out = new ArrayList<>();
        for (int i = 0; i < keep.length; i++) {
            if (keep[i]) {
                out.add(messages.get(i));
            }
        }
        return out;
    }

    private static int[] members(List<Message> messages, int label) {
        return IntStream.range(0, messages.size())
                .filter(i -> messages.get(i).label() == label).toArray();
    }

    /** Counts as "train / validation / test". */
    @Override
    public String toString() {
        return Arrays.toString(new int[] {train.size(), validation.size(), test.size()});
    }
}

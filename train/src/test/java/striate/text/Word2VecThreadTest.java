package striate.text;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * When the learning rate changes: the tool checks its word count before every position of a sentence (and before
 * reading the next), so once reading a sentence has passed 10,000 words since the last update, that sentence trains
 * from its second position on at the new rate. Twelve sentences of 900 words and their ends (901 tokens each):
 * reading the twelfth passes 10,000 (10,812), so its position 0 still has the first rate and position 1 on the rate
 * after 10,812 words.
 */
class Word2VecThreadTest {
    private static final int SENTENCES = 12;
    private static final int LENGTH = 900;

    /** Records the rate each position was trained at, and the window's reach drawn there. */
    private static final class Recorder implements Architecture {
        final List<float[]> sentences = new ArrayList<>(); // per sentence: the rate at each position
        final List<Integer> reaches = new ArrayList<>(); // every position's, in order

        @Override
        public void train(int[] sentence, int length, int p, int reach, float alpha, Lcg random) {
            if (p == 0) {
                sentences.add(new float[length]);
            }
            sentences.getLast()[p] = alpha;
            reaches.add(reach);
        }
    }

    @Test
    void theRateChangesAtThePositionAfterTheCountPassesTheMark() {
        int[] tokens = new int[SENTENCES * (LENGTH + 1)];
        for (int s = 0; s < SENTENCES; s++) {
            for (int i = 0; i < LENGTH; i++) {
                tokens[s * (LENGTH + 1) + i] = 1 + i % 5;
            }
            // tokens[(s + 1) * (LENGTH + 1) − 1] stays 0: the sentence's end
        }
        LearningRate rate = new LearningRate(0.025f, 10L * tokens.length); // as for 10 passes: 0.9 of it left at the mark
        AtomicLong done = new AtomicLong();
        Recorder recorder = new Recorder();
        new Word2VecThread(recorder, 1, 5, null, tokens, 0, tokens.length, rate, done, 1).run();

        assertEquals(SENTENCES, recorder.sentences.size());
        for (int s = 0; s < SENTENCES - 1; s++) {
            for (float alpha : recorder.sentences.get(s)) {
                assertEquals(0.025f, alpha, "sentence " + s + ": read before the count passed 10,000");
            }
        }
        float[] last = recorder.sentences.getLast();
        assertEquals(0.025f, last[0], "the twelfth sentence's first position: checked before it was read");
        float after = rate.at(SENTENCES * (LENGTH + 1));
        assertEquals(0.025f * (1 - 10_812f / (10 * tokens.length + 1)), after, 1e-9f);
        for (int p = 1; p < LENGTH; p++) {
            assertEquals(after, last[p], "the twelfth sentence's position " + p);
        }
        assertEquals(tokens.length, done.get(), "every word counted once");
    }

    /**
     * An empty sentence (two sentence ends in a row) trains nothing but draws one window as the tool's loop does (at
     * its stale position 0), so the next sentence's reaches are the 4th and 5th draws, not the 3rd and 4th.
     */
    @Test
    void anEmptySentenceDrawsOneWindowAsTheToolDoes() {
        int[] tokens = {1, 2, 0, 0, 3, 4, 0}; // a b </s> </s> c d </s>
        Recorder recorder = new Recorder();
        new Word2VecThread(recorder, 1, 5, null, tokens, 0, tokens.length, new LearningRate(0.025f, 7), new AtomicLong(),
                3).run();
        Lcg draws = new Lcg(3);
        Window window = new Window(5);
        List<Integer> want = new ArrayList<>();
        for (int k = 0; k < 5; k++) {
            int reach = window.reach(draws);
            if (k != 2) { // the empty sentence's draw
                want.add(reach);
            }
        }
        assertEquals(want, recorder.reaches);
        assertEquals(2, recorder.sentences.size());
    }

    /**
     * After a pass's last sentence the tool checks the mark once more before it meets the end of its file: 10 sentences
     * of 999 words (10,000 tokens with their ends) and one of one word (10,002) pass it only there, and the next pass
     * starts at the new rate.
     */
    @Test
    void theMarkIsCheckedAfterAPasssLastSentence() {
        int[] tokens = new int[10_002];
        for (int s = 0; s < 10; s++) {
            for (int i = 0; i < 999; i++) {
                tokens[s * 1000 + i] = 1 + i % 5;
            }
        }
        tokens[10_000] = 2; // the one-word sentence; tokens[10_001] = 0 ends it
        LearningRate rate = new LearningRate(0.025f, 2L * tokens.length);
        Recorder recorder = new Recorder();
        new Word2VecThread(recorder, 2, 5, null, tokens, 0, tokens.length, rate, new AtomicLong(), 1).run();
        assertEquals(22, recorder.sentences.size());
        assertEquals(0.025f, recorder.sentences.get(10)[0], "the first pass's last sentence: before the check");
        assertEquals(rate.at(10_002), recorder.sentences.get(11)[0], "the second pass's first sentence");
    }
}

package striate.text;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import striate.data.DataFileException;
import striate.tensor.Rng;

/**
 * A WordNet synonym test for word vectors, built from a corpus's word counts so that every vector file trained on
 * that corpus is asked the same questions. The vocabulary is the words seen at least minCount times, ranked by
 * count (descending, ties in code-point order). For each vocabulary word, in rank order, that has a single-word
 * WordNet synonym (a different lemma without '_' sharing a synset) in the vocabulary, there is one question: the
 * word, its most frequent such synonym, and {@code distractors} words drawn at random (seeded) from the synonym's
 * frequency band that are neither the word nor the synonym nor a synonym of the word. Bands are log-spaced in
 * count rank: band 0 is ranks 0..31, band k ≥ 1 is ranks 16·2^k .. 32·2^k − 1 (32–63, 64–127, ...); a word whose
 * synonym's band has fewer eligible words than {@code distractors} (a short last band) gets no question. A
 * question is answered right when the synonym has a strictly higher cosine with the word than every distractor; a
 * question with any of its words missing from the vectors is unanswerable and counts as wrong.
 */
public final class SynonymTest {
    /** Distractors per question: chance is 1 in 5. */
    public static final int DISTRACTORS = 4;
    /** Ranks below twice this are band 0; the bands double from there. */
    static final int FIRST_BAND = 16;

    /** The word, the synonym to find and the distractors beside it. */
    public record Question(String word, String synonym, List<String> distractors) {
        public Question {
            distractors = List.copyOf(distractors);
        }
    }

    /** Questions asked, those whose words all had vectors, and those answered right. */
    public record Score(int questions, int answerable, int correct) {
        /** Right answers over all questions (unanswerable ones count as wrong). */
        public double accuracy() {
            return questions == 0 ? 0 : (double) correct / questions;
        }
    }

    private final List<Question> questions;

    private SynonymTest(List<Question> questions) {
        this.questions = List.copyOf(questions);
    }

    public List<Question> questions() {
        return questions;
    }

    /** The log-spaced frequency band of a count rank (0 is the most frequent word). */
    public static int band(int rank) {
        return 31 - Integer.numberOfLeadingZeros(Math.max(rank, FIRST_BAND) / FIRST_BAND);
    }

    /**
     * The questions for a corpus's word counts: the same (wordnet, counts, minCount, distractors, seed) give the
     * same questions in the same order.
     */
    public static SynonymTest build(WordNet wordnet, Map<String, Long> counts, int minCount, int distractors,
            long seed) {
        if (minCount < 1 || distractors < 1) {
            throw new IllegalArgumentException("minCount and distractors must be at least 1, got " + minCount
                    + " and " + distractors);
        }
        List<String> vocabulary = counts.entrySet().stream().filter(e -> e.getValue() >= minCount)
                .sorted(Map.Entry.<String, Long>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()))
                .map(Map.Entry::getKey).toList();
        Map<String, Integer> rank = new HashMap<>();
        for (int r = 0; r < vocabulary.size(); r++) {
            rank.put(vocabulary.get(r), r);
        }
        Rng rng = new Rng(seed);
        List<Question> questions = new ArrayList<>();
        for (String word : vocabulary) {
            Set<String> synonyms = wordnet.synonyms(word);
            String synonym = synonyms.stream().filter(s -> s.indexOf('_') < 0 && rank.containsKey(s))
                    .min(Comparator.comparing(rank::get)).orElse(null);
            if (synonym == null) {
                continue;
            }
            int b = band(rank.get(synonym));
            int first = b == 0 ? 0 : FIRST_BAND << b;
            int end = Math.min(vocabulary.size(), FIRST_BAND << (b + 1));
            Set<String> excluded = new HashSet<>(synonyms);
            excluded.add(word);
            long inBand = excluded.stream().filter(rank::containsKey).filter(s -> band(rank.get(s)) == b).count();
            if (end - first - inBand < distractors) {
                continue;
            }
            List<String> drawn = new ArrayList<>();
            while (drawn.size() < distractors) {
                String d = vocabulary.get(first + rng.nextInt(end - first));
                if (!excluded.contains(d) && !drawn.contains(d)) {
                    drawn.add(d);
                }
            }
            questions.add(new Question(word, synonym, drawn));
        }
        return new SynonymTest(questions);
    }

    /**
     * How many times each word occurs in a text file (the corpus word2vec trains on), read as {@link Corpus#read}
     * reads it for training, so the questions come from the words word2vec saw. An empty or unreadable file is an
     * error naming it.
     */
    public static Map<String, Long> countWords(Path corpus) throws DataFileException {
        Vocab vocab;
        try {
            vocab = Corpus.read(corpus, 1).vocab();
        } catch (DataFileException e) {
            throw e;
        } catch (IOException e) {
            throw new DataFileException(corpus, "cannot be read as a text corpus: " + e, e);
        }
        Map<String, Long> counts = new HashMap<>();
        for (int id = 0; id < vocab.size(); id++) {
            if (!vocab.word(id).equals(Vocab.SENTENCE_END)) {
                counts.put(vocab.word(id), vocab.count(id));
            }
        }
        if (counts.isEmpty()) {
            throw new DataFileException(corpus, "holds no words; the corpus is a text file of words separated by "
                    + "spaces (striate brown-text writes one)");
        }
        return counts;
    }

    /**
     * Scores vectors given as a lookup from word to vector (null for a word without one): each question's synonym
     * must have a strictly higher cosine with the word than every distractor.
     */
    public Score score(Function<String, float[]> vectors) {
        int answerable = 0;
        int correct = 0;
        for (Question q : questions) {
            float[] w = vectors.apply(q.word());
            float[] s = vectors.apply(q.synonym());
            List<float[]> ds = q.distractors().stream().map(vectors).toList();
            if (w == null || s == null || ds.contains(null)) {
                continue;
            }
            answerable++;
            double target = cosine(w, s);
            if (ds.stream().allMatch(d -> cosine(w, d) < target)) {
                correct++;
            }
        }
        return new Score(questions.size(), answerable, correct);
    }

    /** Cosine similarity; 0 when either vector is zero. */
    static double cosine(float[] a, float[] b) {
        if (a.length != b.length) {
            throw new IllegalArgumentException("vectors of different dimensions: " + a.length + " and " + b.length);
        }
        double dot = 0;
        double na = 0;
        double nb = 0;
        for (int i = 0; i < a.length; i++) {
            dot += (double) a[i] * b[i];
            na += (double) a[i] * a[i];
            nb += (double) b[i] * b[i];
        }
        return na == 0 || nb == 0 ? 0 : dot / Math.sqrt(na * nb);
    }
}

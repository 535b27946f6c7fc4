package striate.models;

import java.util.List;
import striate.data.SpamData.Example;
import striate.data.Vocabulary;

/**
 * Multinomial naive Bayes over word ids with Laplace (add-alpha) smoothing, the spam classifiers' baseline: log
 * P(class) + Σ over the message's ids of log P(id | class), where P(id | class) = (count(id, class) + alpha) /
 * (tokens(class) + alpha · V), V the words of the vocabulary (padding's id, which never counts, is not one, so the
 * probabilities of the words sum to 1). {@code <unk>} counts as a word. Trained on the same ids as the text-CNNs (the
 * same tokens, truncation and vocabulary).
 */
public final class NaiveBayes {
    private final double[] logPrior;      // [classes]
    private final double[][] logLikelihood;  // [classes, V]

    private NaiveBayes(double[] logPrior, double[][] logLikelihood) {
        this.logPrior = logPrior;
        this.logLikelihood = logLikelihood;
    }

    /** Fits the counts of {@code train} with {@code classes} classes and a vocabulary of {@code v} ids, padding's among them. */
    public static NaiveBayes fit(List<Example> train, int classes, int v, double alpha) {
        if (train.isEmpty()) {
            throw new IllegalArgumentException("naive Bayes needs at least one training message");
        }
        if (!(alpha > 0)) {
            throw new IllegalArgumentException("naive Bayes' smoothing alpha must be > 0, got " + alpha);
        }
        double[] docs = new double[classes];
        double[][] counts = new double[classes][v];
        double[] tokens = new double[classes];
        for (Example e : train) {
            docs[e.label()]++;
            for (int id : e.ids()) {
                if (id != Vocabulary.PAD) {
                    counts[e.label()][id]++;
                    tokens[e.label()]++;
                }
            }
        }
        double[] logPrior = new double[classes];
        double[][] logLikelihood = new double[classes][v];
        int words = v - 1; // every id but padding's
        for (int c = 0; c < classes; c++) {
            logPrior[c] = Math.log((docs[c] + 1) / (train.size() + classes));
            double denominator = Math.log(tokens[c] + alpha * words);
            for (int id = 0; id < v; id++) {
                logLikelihood[c][id] = Math.log(counts[c][id] + alpha) - denominator;
            }
        }
        return new NaiveBayes(logPrior, logLikelihood);
    }

    /** The posterior P(class | ids) of each class, [classes]. */
    public double[] probabilities(int[] ids) {
        int classes = logPrior.length;
        double[] score = logPrior.clone();
        for (int id : ids) {
            if (id != Vocabulary.PAD) {
                for (int c = 0; c < classes; c++) {
                    score[c] += logLikelihood[c][id];
                }
            }
        }
        double max = Double.NEGATIVE_INFINITY;
        for (double s : score) {
            max = Math.max(max, s);
        }
        double sum = 0;
        for (int c = 0; c < classes; c++) {
            score[c] = Math.exp(score[c] - max);
            sum += score[c];
        }
        for (int c = 0; c < classes; c++) {
            score[c] /= sum;
        }
        return score;
    }

    /** The most probable class. */
    public int predict(int[] ids) {
        double[] p = probabilities(ids);
        int best = 0;
        for (int c = 1; c < p.length; c++) {
            if (p[c] > p[best]) {
                best = c;
            }
        }
        return best;
    }
}

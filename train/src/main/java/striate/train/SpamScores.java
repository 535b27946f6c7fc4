package striate.train;

import java.util.Locale;

/**
 * The spam classifiers' test numbers from a 2×2 confusion matrix ({@code [true][predicted]}, 0 ham, 1 spam):
 * accuracy, and precision, recall and F1 of the spam class (0 where undefined, as scikit-learn reports them).
 */
public final class SpamScores {
    private final long[][] confusion = new long[2][2];

    /** Counts one message. */
    public void add(int label, int predicted) {
        if (label < 0 || label > 1 || predicted < 0 || predicted > 1) {
            throw new IllegalArgumentException("labels are 0 (ham) or 1 (spam), got " + label + " and " + predicted);
        }
        confusion[label][predicted]++;
    }

    /** The confusion matrix, {@code [true][predicted]}, a copy. */
    public long[][] confusion() {
        return new long[][] {confusion[0].clone(), confusion[1].clone()};
    }

    public long messages() {
        return confusion[0][0] + confusion[0][1] + confusion[1][0] + confusion[1][1];
    }

    public double accuracy() {
        long n = messages();
        return n == 0 ? 0 : (double) (confusion[0][0] + confusion[1][1]) / n;
    }

    public double precision() {
        long predictedSpam = confusion[0][1] + confusion[1][1];
        return predictedSpam == 0 ? 0 : (double) confusion[1][1] / predictedSpam;
    }

    public double recall() {
        long spam = confusion[1][0] + confusion[1][1];
        return spam == 0 ? 0 : (double) confusion[1][1] / spam;
    }

    public double f1() {
        double p = precision();
        double r = recall();
        return p + r == 0 ? 0 : 2 * p * r / (p + r);
    }

    /** "accuracy 0.9884, spam precision 0.9841 recall 0.9789 F1 0.9815". */
    @Override
    public String toString() {
        return String.format(Locale.ROOT, "accuracy %.4f, spam precision %.4f recall %.4f F1 %.4f",
                accuracy(), precision(), recall(), f1());
    }
}

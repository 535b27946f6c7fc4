package striate.train;

import java.util.Locale;

/**
 * The rule that says training has diverged, fed one batch's mean loss at a time: the loss is NaN or infinite, or
 * the mean of the last {@value #WINDOW} batches' losses (of all batches so far, when fewer) is more than
 * {@value #FACTOR} times the run's first loss, the loss of its first batch before any update. A cross-entropy
 * that starts near ln(classes) and ends up ten times higher on average means the model predicts the wrong class
 * with confidence: the step size has blown the weights up, and the loss would reach infinity or NaN next. One
 * unlucky batch cannot trip it, since the mean is over a window. (A first loss of 0 leaves only the first test.)
 */
final class Divergence {
    static final int WINDOW = 20;
    static final double FACTOR = 10;

    private final double[] recent = new double[WINDOW];
    private double firstLoss;
    private int count;

    /** A rule for a run whose first loss is {@code firstLoss}; NaN when not known yet (the next batch's loss). */
    Divergence(double firstLoss) {
        this.firstLoss = firstLoss;
    }

    /** The first loss of the run, NaN before the first batch. Checkpoints keep it so a resumed run has the same rule. */
    double firstLoss() {
        return firstLoss;
    }

    /** Records a batch's mean loss; returns why training diverged, or null when it may go on. */
    String add(double loss) {
        if (!Double.isFinite(loss)) {
            return "the loss became " + loss;
        }
        if (Double.isNaN(firstLoss)) {
            firstLoss = loss;
        }
        recent[count % WINDOW] = loss;
        count++;
        int n = Math.min(count, WINDOW);
        double sum = 0;
        for (int i = 0; i < n; i++) {
            sum += recent[i];
        }
        double mean = sum / n;
        if (firstLoss > 0 && mean > FACTOR * firstLoss) {
            return String.format(Locale.ROOT, "%s, %.4g, is over %.0f times the run's first loss, %.4g",
                    n == 1 ? "the loss" : "the mean loss of the last " + n + " batches", mean, FACTOR, firstLoss);
        }
        return null;
    }
}

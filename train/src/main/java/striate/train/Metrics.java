package striate.train;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import striate.tensor.Tensor;

/**
 * Classification metrics of n predictions against n true labels in k classes: accuracy, the k×k confusion
 * matrix (rows = actual class, columns = predicted class), per-class precision and recall, and a text table.
 * Precision of a class that was never predicted and recall of a class that never occurs are undefined; both
 * are reported as 0 (as scikit-learn's {@code zero_division=0}).
 */
public final class Metrics {
    private final int classes;
    private final long[][] confusion; // [actual][predicted]
    private final long count;
    private final long correct;

    private Metrics(int classes, long[][] confusion, long count, long correct) {
        this.classes = classes;
        this.confusion = confusion;
        this.count = count;
        this.correct = correct;
    }

    /** Metrics of {@code predicted[i]} against {@code actual[i]}; both of equal length ≥ 1, values in [0, classes). */
    public static Metrics of(int[] predicted, int[] actual, int classes) {
        if (classes < 1) {
            throw new IllegalArgumentException("classes must be >= 1, got " + classes);
        }
        if (predicted.length != actual.length) {
            throw new IllegalArgumentException(predicted.length + " predictions for " + actual.length + " labels");
        }
        if (predicted.length == 0) {
            throw new IllegalArgumentException("no predictions: metrics need at least one example");
        }
        long[][] confusion = new long[classes][classes];
        long correct = 0;
        for (int i = 0; i < predicted.length; i++) {
            int p = predicted[i];
            int a = actual[i];
            if (p < 0 || p >= classes || a < 0 || a >= classes) {
                throw new IllegalArgumentException("example " + i + ": predicted " + p + ", actual " + a
                        + "; both must be in [0, " + classes + ")");
            }
            confusion[a][p]++;
            if (p == a) {
                correct++;
            }
        }
        return new Metrics(classes, confusion, predicted.length, correct);
    }

    /** The index of the largest value in each row of {@code logits} [n, c] → n ints; ties go to the lowest index. */
    public static int[] argmax(Tensor logits) {
        if (logits.rank() != 2 || logits.dim(1) < 1) {
            throw new IllegalArgumentException("argmax needs logits of shape [n, c] with c >= 1, got " + logits.shape());
        }
        int n = Math.toIntExact(logits.dim(0));
        int c = Math.toIntExact(logits.dim(1));
        float[] v = logits.toFloatArray();
        int[] out = new int[n];
        for (int i = 0; i < n; i++) {
            int best = 0;
            for (int j = 1; j < c; j++) {
                if (v[i * c + j] > v[i * c + best]) {
                    best = j;
                }
            }
            out[i] = best;
        }
        return out;
    }

    public int classes() {
        return classes;
    }

    /** Number of examples. */
    public long count() {
        return count;
    }

    /** Number of correct predictions. */
    public long correct() {
        return correct;
    }

    /** Fraction of correct predictions, in [0, 1]. */
    public double accuracy() {
        return (double) correct / count;
    }

    /** A copy of the confusion matrix: entry [a][p] counts examples of actual class a predicted as p. */
    public long[][] confusionMatrix() {
        long[][] copy = new long[classes][];
        for (int a = 0; a < classes; a++) {
            copy[a] = confusion[a].clone();
        }
        return copy;
    }

    /** Examples whose actual class is {@code k}. */
    public long support(int k) {
        long s = 0;
        for (long v : confusion[checkClass(k)]) {
            s += v;
        }
        return s;
    }

    /** Examples predicted as class {@code k}. */
    public long predictedCount(int k) {
        checkClass(k);
        long s = 0;
        for (long[] row : confusion) {
            s += row[k];
        }
        return s;
    }

    /** Of the examples predicted as {@code k}, the fraction that are k; 0 when none was predicted as k. */
    public double precision(int k) {
        long predictedK = predictedCount(k);
        return predictedK == 0 ? 0 : (double) confusion[k][k] / predictedK;
    }

    /** Of the examples of class {@code k}, the fraction predicted as k; 0 when there are none. */
    public double recall(int k) {
        long supportK = support(k);
        return supportK == 0 ? 0 : (double) confusion[k][k] / supportK;
    }

    /**
     * A table of precision, recall and support per class, the accuracy, and the confusion matrix, with
     * {@code classNames} (one per class) as row and column labels.
     */
    public String table(List<String> classNames) {
        if (classNames.size() != classes) {
            throw new IllegalArgumentException(classNames.size() + " class names for " + classes + " classes");
        }
        int nameWidth = "class".length();
        for (String name : classNames) {
            nameWidth = Math.max(nameWidth, name.length());
        }
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "%-" + nameWidth + "s  %9s  %6s  %7s%n", "class", "precision", "recall",
                "support"));
        for (int k = 0; k < classes; k++) {
            sb.append(String.format(Locale.ROOT, "%-" + nameWidth + "s  %9.4f  %6.4f  %7d%n", classNames.get(k),
                    precision(k), recall(k), support(k)));
        }
        sb.append(String.format(Locale.ROOT, "accuracy %.4f (%d of %d)%n%n", accuracy(), correct, count));

        sb.append("confusion matrix (rows = actual, columns = predicted class index)").append(System.lineSeparator());
        int indexWidth = Integer.toString(classes - 1).length();
        int cellWidth = Math.max(Long.toString(count).length(), indexWidth);
        int labelWidth = indexWidth + 1 + nameWidth;
        sb.append(" ".repeat(labelWidth));
        for (int p = 0; p < classes; p++) {
            sb.append(' ').append(pad(Integer.toString(p), cellWidth));
        }
        sb.append(System.lineSeparator());
        for (int a = 0; a < classes; a++) {
            sb.append(pad(Integer.toString(a), indexWidth)).append(' ')
                    .append(String.format(Locale.ROOT, "%-" + nameWidth + "s", classNames.get(a)));
            for (int p = 0; p < classes; p++) {
                sb.append(' ').append(pad(Long.toString(confusion[a][p]), cellWidth));
            }
            sb.append(System.lineSeparator());
        }
        return sb.toString();
    }

    /** {@link #table} with the class indices "0", "1", ... as names. */
    @Override
    public String toString() {
        List<String> names = new ArrayList<>();
        for (int k = 0; k < classes; k++) {
            names.add(Integer.toString(k));
        }
        return table(names);
    }

    private int checkClass(int k) {
        if (k < 0 || k >= classes) {
            throw new IndexOutOfBoundsException("class " + k + " outside [0, " + classes + ")");
        }
        return k;
    }

    private static String pad(String s, int width) {
        return " ".repeat(Math.max(0, width - s.length())) + s;
    }
}

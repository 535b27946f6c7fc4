package striate.cli.report;

import java.util.List;
import java.util.Map;
import java.util.StringJoiner;
import striate.train.EpochStats;
import striate.train.Metrics;

/**
 * The report's {@code metrics.json}: headline numbers (test accuracy as a fraction in [0, 1], test loss, epochs,
 * mean training images per second, device, precision), per-class precision/recall/support, the confusion matrix
 * [actual][predicted] and the per-epoch history. Non-finite numbers (e.g. a missing validation loss) are null.
 */
public final class MetricsJson {
    private MetricsJson() {
    }

    static String of(Report r) {
        Metrics t = r.test();
        List<String> names = r.classNames();
        StringBuilder sb = new StringBuilder("{\n");
        field(sb, "model", quote(r.model()));
        field(sb, "device", quote(r.device()));
        field(sb, "precision", quote(r.precision()));
        field(sb, "epochs", Integer.toString(r.history().size()));
        field(sb, "test_accuracy", number(t.accuracy()));
        field(sb, "test_loss", number(r.testLoss()));
        field(sb, "test_examples", Long.toString(t.count()));
        field(sb, "train_images_per_second", number(r.trainImagesPerSecond()));
        StringJoiner classes = new StringJoiner(", ", "[", "]");
        names.forEach(n -> classes.add(quote(n)));
        field(sb, "classes", classes.toString());

        StringJoiner perClass = new StringJoiner(",\n", "[\n", "\n  ]");
        for (int k = 0; k < t.classes(); k++) {
            perClass.add("    {\"class\": " + quote(names.get(k)) + ", \"precision\": " + number(t.precision(k))
                    + ", \"recall\": " + number(t.recall(k)) + ", \"support\": " + t.support(k) + "}");
        }
        field(sb, "per_class", perClass.toString());

        StringJoiner matrix = new StringJoiner(",\n", "[\n", "\n  ]");
        for (long[] row : t.confusionMatrix()) {
            StringJoiner cells = new StringJoiner(", ", "    [", "]");
            for (long v : row) {
                cells.add(Long.toString(v));
            }
            matrix.add(cells.toString());
        }
        field(sb, "confusion_matrix", matrix.toString());

        sb.append("  \"history\": ").append(history(r.history(), "accuracy", "images")).append("\n}\n");
        return sb.toString();
    }

    /**
     * The per-epoch history as a JSON array: loss and {@code metric} (its name, e.g. accuracy or bits_per_character)
     * for training and validation, learning rate, seconds and {@code units} (images, sentences, ...) per second.
     */
    static String history(List<EpochStats> epochs, String metric, String units) {
        StringJoiner history = new StringJoiner(",\n", "[\n", "\n  ]");
        for (EpochStats e : epochs) {
            history.add("    {\"epoch\": " + e.epoch() + ", \"train_loss\": " + number(e.trainLoss())
                    + ", \"train_" + metric + "\": " + number(e.trainMetric()) + ", \"val_loss\": "
                    + number(e.valLoss()) + ", \"val_" + metric + "\": " + number(e.valMetric())
                    + ", \"learning_rate\": " + number(e.learningRate()) + ", \"seconds\": " + number(e.seconds())
                    + ", \"" + units + "_per_second\": " + number(e.samplesPerSecond()) + "}");
        }
        return history.toString();
    }

    /** A run's options as a JSON object of strings, sorted by name. */
    static String settings(Map<String, String> settings) {
        StringJoiner options = new StringJoiner(", ", "{", "}");
        settings.entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(e -> options.add(
                quote(e.getKey()) + ": " + quote(e.getValue())));
        return options.toString();
    }

    static void field(StringBuilder sb, String name, String json) {
        sb.append("  ").append(quote(name)).append(": ").append(json).append(",\n");
    }

    /** A JSON number, or null for NaN and infinities (which JSON cannot express). */
    static String number(double v) {
        return Double.isFinite(v) ? Double.toString(v) : "null";
    }

    /** A JSON string literal. */
    public static String quote(String s) {
        StringBuilder sb = new StringBuilder("\"");
        for (int i = 0; i < s.length(); i++) {
            char ch = s.charAt(i);
            switch (ch) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (ch < 0x20) {
                        sb.append(String.format("\\u%04x", (int) ch));
                    } else {
                        sb.append(ch);
                    }
                }
            }
        }
        return sb.append('"').toString();
    }
}

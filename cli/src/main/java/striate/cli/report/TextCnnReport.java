package striate.cli.report;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.knowm.xchart.style.Styler.LegendPosition;
import striate.train.EpochStats;
import striate.train.History;
import striate.train.SpamScores;

/**
 * The result folder of a spam classifier run ({@code striate textcnn train}): {@code metrics.json} (test accuracy,
 * spam precision, recall and F1 and the confusion matrix, the naive Bayes baseline's numbers beside them on the same
 * test messages, training and inference messages per second, the per-epoch history), {@code loss.png} and
 * {@code accuracy.png} (training and validation per epoch) and {@code confusion.png} (the test confusion matrix).
 * Written as {@link Report} writes its files ({@link ReportFiles}): a picture that cannot be drawn is a warning.
 *
 * @param model      model name for titles ("textcnn", "kmax-cnn")
 * @param embeddings "random" or the vector file the embedding started from (and whether it was frozen)
 * @param device     the device trained on
 * @param history    the epochs trained, at least one, with accuracy as their metric
 * @param test       the model on the test messages
 * @param baseline   naive Bayes on the same test messages
 * @param inferenceMessagesPerSecond the test pass's throughput
 */
public record TextCnnReport(String model, String embeddings, String device, History history, SpamScores test,
                            SpamScores baseline, double inferenceMessagesPerSecond) {
    static final List<String> CLASSES = List.of("ham", "spam");

    public TextCnnReport {
        if (history.isEmpty()) {
            throw new IllegalArgumentException("a report needs at least one epoch of history");
        }
    }

    /** The median epoch's training throughput in messages per second (the PyTorch peer reports the same). */
    public double trainMessagesPerSecond() {
        return history.medianSamplesPerSecond();
    }

    /**
     * Writes the report into {@code folder} (created when missing) and returns the files written: metrics.json
     * first, then each picture; a picture that fails is one warning line on {@code warnings}.
     */
    public List<Path> write(Path folder, PrintWriter warnings) throws IOException {
        return ReportFiles.write(folder, json(), pictures(), warnings, ReportTypeface::load);
    }

    private Map<String, ReportFiles.Picture> pictures() {
        Map<String, ReportFiles.Picture> p = new LinkedHashMap<>();
        p.put("loss.png", plots -> plots.curves("Loss — " + model, "mean cross-entropy per message",
                history.epochs(), EpochStats::trainLoss, EpochStats::valLoss, 1, LegendPosition.InsideNE));
        p.put("accuracy.png", plots -> plots.curves("Accuracy — " + model, "accuracy (%)", history.epochs(),
                EpochStats::trainMetric, EpochStats::valMetric, 100, LegendPosition.InsideSE));
        p.put("confusion.png", plots -> plots.confusion(String.format(Locale.ROOT,
                "Test messages — %s, spam F1 %.4f", model, test.f1()), test.confusion(), CLASSES));
        return p;
    }

    private static String scores(SpamScores s) {
        long[][] c = s.confusion();
        return "{\"accuracy\": " + MetricsJson.number(s.accuracy()) + ", \"spam_precision\": "
                + MetricsJson.number(s.precision()) + ", \"spam_recall\": " + MetricsJson.number(s.recall())
                + ", \"spam_f1\": " + MetricsJson.number(s.f1()) + ", \"confusion\": [[" + c[0][0] + ", " + c[0][1]
                + "], [" + c[1][0] + ", " + c[1][1] + "]]}";
    }

    private String json() {
        StringBuilder sb = new StringBuilder("{\n");
        MetricsJson.field(sb, "model", MetricsJson.quote(model));
        MetricsJson.field(sb, "embeddings", MetricsJson.quote(embeddings));
        MetricsJson.field(sb, "device", MetricsJson.quote(device));
        MetricsJson.field(sb, "epochs", Integer.toString(history.size()));
        MetricsJson.field(sb, "test_messages", Long.toString(test.messages()));
        MetricsJson.field(sb, "test_accuracy", MetricsJson.number(test.accuracy()));
        MetricsJson.field(sb, "spam_precision", MetricsJson.number(test.precision()));
        MetricsJson.field(sb, "spam_recall", MetricsJson.number(test.recall()));
        MetricsJson.field(sb, "spam_f1", MetricsJson.number(test.f1()));
        MetricsJson.field(sb, "confusion_rows_true_columns_predicted", "[\"ham\", \"spam\"]");
        MetricsJson.field(sb, "test", scores(test));
        MetricsJson.field(sb, "naive_bayes", scores(baseline));
        MetricsJson.field(sb, "train_messages_per_second", MetricsJson.number(trainMessagesPerSecond()));
        MetricsJson.field(sb, "inference_messages_per_second", MetricsJson.number(inferenceMessagesPerSecond));
        MetricsJson.field(sb, "metric", MetricsJson.quote(history.metric().name()));
        sb.append("  \"history\": ").append(MetricsJson.history(history.epochs(), history.metric().name(),
                "messages")).append("\n}\n");
        return sb.toString();
    }
}

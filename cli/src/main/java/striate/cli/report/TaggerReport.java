package striate.cli.report;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.StringJoiner;
import org.knowm.xchart.style.Styler.LegendPosition;
import striate.data.TaggingAccuracy;
import striate.train.EpochStats;
import striate.train.History;
import striate.train.TaggingEvaluation;
import striate.train.TaggingEvaluation.Confusion;
import striate.train.TaggingEvaluation.TagAccuracy;

/**
 * The result folder of a tagger run ({@code striate tagger train}): {@code metrics.json} (test token and
 * unknown-word accuracy beside the most-frequent-tag baseline's, training and inference sentences per second,
 * the accuracy of the most frequent tags, the most frequent confusions, the per-epoch history), {@code loss.png}
 * and {@code accuracy.png} (training and validation per epoch), and {@code tags.png} (the confusion matrix of the
 * most frequent test tags, the rest pooled as "other"). Written as {@link Report} writes its files
 * ({@link ReportFiles}): a picture that cannot be drawn is a warning, never a failure.
 *
 * @param model    model name for titles ("bilstm-tagger")
 * @param device   the device trained on
 * @param history  the epochs trained, at least one, with token accuracy as their metric
 * @param test     the tagger on the test documents
 * @param baseline the most-frequent-tag baseline on the same documents
 * @param tags     tag names by id
 */
public record TaggerReport(String model, String device, History history, TaggingEvaluation test,
                           TaggingAccuracy baseline, List<String> tags) {
    /** Tags listed in metrics.json's per-tag accuracy, and confusions in its list. */
    static final int LISTED = 20;
    /** Tags with rows and columns of their own in tags.png. */
    static final int PICTURED = 15;

    public TaggerReport {
        tags = List.copyOf(tags);
        if (history.isEmpty()) {
            throw new IllegalArgumentException("a report needs at least one epoch of history");
        }
        if (test.confusion().length != tags.size()) {
            throw new IllegalArgumentException(tags.size() + " tag names for a " + test.confusion().length + "-tag "
                    + "confusion matrix");
        }
    }

    /** The median epoch's training throughput, in sentences per second (the PyTorch peer reports the same). */
    public double trainSentencesPerSecond() {
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
        p.put("loss.png", plots -> plots.curves("Loss — " + model, "mean cross-entropy per token",
                history.epochs(), EpochStats::trainLoss, EpochStats::valLoss, 1, LegendPosition.InsideNE));
        p.put("accuracy.png", plots -> plots.curves("Token accuracy — " + model, "token accuracy (%)",
                history.epochs(), EpochStats::trainMetric, EpochStats::valMetric, 100, LegendPosition.InsideSE));
        p.put("tags.png", plots -> {
            List<TagAccuracy> top = test.mostFrequentTags(PICTURED);
            return plots.confusion(String.format(Locale.ROOT, "Test tags — %s, token accuracy %.2f%%", model,
                    test.accuracy().accuracy() * 100), pooled(top), names(top));
        });
        return p;
    }

    /** The confusion matrix of {@code top}'s tags, every other tag pooled into a last row and column. */
    private long[][] pooled(List<TagAccuracy> top) {
        int k = top.size();
        int[] slot = new int[tags.size()];
        Arrays.fill(slot, k);
        for (int i = 0; i < k; i++) {
            slot[top.get(i).tag()] = i;
        }
        long[][] m = test.confusion();
        long[][] out = new long[k + 1][k + 1];
        for (int g = 0; g < m.length; g++) {
            for (int p = 0; p < m.length; p++) {
                out[slot[g]][slot[p]] += m[g][p];
            }
        }
        return out;
    }

    /** Row and column names of tags.png: each tag with its accuracy, then "other". */
    private List<String> names(List<TagAccuracy> top) {
        List<String> names = new ArrayList<>();
        top.forEach(t -> names.add(String.format(Locale.ROOT, "%s %.1f%%", tags.get(t.tag()), t.accuracy() * 100)));
        names.add("other");
        return names;
    }

    private String json() {
        TaggingAccuracy a = test.accuracy();
        StringBuilder sb = new StringBuilder("{\n");
        MetricsJson.field(sb, "model", MetricsJson.quote(model));
        MetricsJson.field(sb, "device", MetricsJson.quote(device));
        MetricsJson.field(sb, "epochs", Integer.toString(history.size()));
        MetricsJson.field(sb, "test_sentences", Integer.toString(test.sentences()));
        MetricsJson.field(sb, "test_tokens", Long.toString(a.tokens()));
        MetricsJson.field(sb, "test_token_accuracy", MetricsJson.number(a.accuracy()));
        MetricsJson.field(sb, "test_unknown_tokens", Long.toString(a.unknownTokens()));
        MetricsJson.field(sb, "test_unknown_word_accuracy", MetricsJson.number(a.unknownAccuracy()));
        MetricsJson.field(sb, "baseline_token_accuracy", MetricsJson.number(baseline.accuracy()));
        MetricsJson.field(sb, "baseline_unknown_word_accuracy", MetricsJson.number(baseline.unknownAccuracy()));
        MetricsJson.field(sb, "train_sentences_per_second", MetricsJson.number(trainSentencesPerSecond()));
        MetricsJson.field(sb, "inference_sentences_per_second", MetricsJson.number(test.sentencesPerSecond()));
        MetricsJson.field(sb, "metric", MetricsJson.quote(history.metric().name()));
        MetricsJson.field(sb, "metric_higher_is_better", Boolean.toString(history.metric().higherIsBetter()));
        StringJoiner perTag = new StringJoiner(",\n", "[\n", "\n  ]");
        for (TagAccuracy t : test.mostFrequentTags(LISTED)) {
            perTag.add("    {\"tag\": " + MetricsJson.quote(tags.get(t.tag())) + ", \"support\": " + t.support()
                    + ", \"accuracy\": " + MetricsJson.number(t.accuracy()) + "}");
        }
        MetricsJson.field(sb, "most_frequent_tags", perTag.toString());
        StringJoiner confusions = new StringJoiner(",\n", "[\n", "\n  ]");
        for (Confusion c : test.topConfusions(LISTED)) {
            confusions.add("    {\"gold\": " + MetricsJson.quote(tags.get(c.gold())) + ", \"predicted\": "
                    + MetricsJson.quote(tags.get(c.predicted())) + ", \"count\": " + c.count() + "}");
        }
        MetricsJson.field(sb, "top_confusions", confusions.toString());
        sb.append("  \"history\": ").append(MetricsJson.history(history.epochs(), history.metric().name(),
                "sentences")).append("\n}\n");
        return sb.toString();
    }
}

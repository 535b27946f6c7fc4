package striate.cli.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import striate.data.TaggedDocument;
import striate.data.TaggedSentence;
import striate.data.TaggingAccuracy;
import striate.train.EpochStats;
import striate.train.History;
import striate.train.Metric;
import striate.train.TaggingEvaluation;

/**
 * The tagger's report from synthetic results: 95 test tokens of 4 tags (nn 50, 45 right; at 30, all right; vb 10,
 * 6 right; '.' 5, all right), 8 of them unknown words; three epochs, the middle one the fastest.
 */
class TaggerReportTest {
    @TempDir
    Path dir;

    private static final List<String> TAGS = List.of(",", ".", "at", "nn", "vb");

    private static TaggerReport report() {
        TaggedDocument training = new TaggedDocument("ca01", 'a', List.of(new TaggedSentence(List.of("known"),
                List.of("nn"))));
        TaggingAccuracy test = new TaggingAccuracy(List.of(training));
        TaggingAccuracy baseline = new TaggingAccuracy(List.of(training));
        for (int i = 0; i < 95; i++) {
            test.add(i < 8 ? "unknown" + i : "known", i >= 4 && i < 90);
            baseline.add(i < 8 ? "unknown" + i : "known", i >= 6 && i < 80);
        }
        long[][] m = new long[5][5];
        m[3][3] = 45;
        m[3][4] = 3;
        m[3][2] = 2;
        m[2][2] = 30;
        m[4][4] = 6;
        m[4][3] = 4;
        m[1][1] = 5;
        History history = new History(Metric.ACCURACY, List.of(
                new EpochStats(1, 1.2, 0.7, 0.8, 0.8, 1e-3, 40, 300),
                new EpochStats(2, 0.5, 0.9, 0.6, 0.85, 1e-3, 30, 400),
                new EpochStats(3, 0.3, 0.93, 0.55, 0.88, 1e-3, 35, 350)));
        return new TaggerReport("bilstm-tagger", "cpu", history, new TaggingEvaluation(test, m, 12, 0.5), baseline,
                TAGS);
    }

    @Test
    @SuppressWarnings("unchecked")
    void metricsJsonHoldsTheAccuraciesTheBaselineTheTagsAndTheHistory() throws IOException {
        StringWriter warnings = new StringWriter();
        List<Path> files = report().write(dir, new PrintWriter(warnings));
        assertEquals(List.of("metrics.json", "loss.png", "accuracy.png", "tags.png"),
                files.stream().map(p -> p.getFileName().toString()).toList());
        assertEquals("", warnings.toString());
        Map<String, Object> json = (Map<String, Object>) Json.parse(Files.readString(dir.resolve("metrics.json")));
        assertEquals(86 / 95.0, (Double) json.get("test_token_accuracy"), 1e-12);
        assertEquals(4 / 8.0, (Double) json.get("test_unknown_word_accuracy"), 1e-12);
        assertEquals(74 / 95.0, (Double) json.get("baseline_token_accuracy"), 1e-12);
        assertEquals(2 / 8.0, (Double) json.get("baseline_unknown_word_accuracy"), 1e-12);
        assertEquals(95.0, json.get("test_tokens"));
        assertEquals(8.0, json.get("test_unknown_tokens"));
        assertEquals(350.0, json.get("train_sentences_per_second"), "the median epoch");
        assertEquals(24.0, json.get("inference_sentences_per_second"));
        assertEquals("accuracy", json.get("metric"));
        assertEquals(true, json.get("metric_higher_is_better"));
        List<Map<String, Object>> tags = (List<Map<String, Object>>) json.get("most_frequent_tags");
        assertEquals(List.of("nn", "at", "vb", "."), tags.stream().map(t -> t.get("tag")).toList());
        assertEquals(0.9, (Double) tags.getFirst().get("accuracy"), 1e-12);
        assertEquals(50.0, tags.getFirst().get("support"));
        List<Map<String, Object>> confusions = (List<Map<String, Object>>) json.get("top_confusions");
        assertEquals(Map.of("gold", "vb", "predicted", "nn", "count", 4.0), confusions.getFirst());
        assertEquals(3, confusions.size());
        List<Map<String, Object>> history = (List<Map<String, Object>>) json.get("history");
        assertEquals(3, history.size());
        assertEquals(0.85, history.get(1).get("val_accuracy"));
        assertEquals(400.0, history.get(1).get("sentences_per_second"));
    }

    @Test
    void thePicturesAreDrawn() throws IOException {
        report().write(dir, new PrintWriter(new StringWriter()));
        for (String png : new String[] {"loss.png", "accuracy.png", "tags.png"}) {
            BufferedImage image = ImageIO.read(dir.resolve(png).toFile());
            assertNotNull(image, png);
            assertTrue(image.getWidth() >= 300 && image.getHeight() >= 300, png);
        }
    }
}

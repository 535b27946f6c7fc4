package striate.cli.report;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import striate.train.EpochStats;
import striate.train.History;
import striate.train.LanguageModeling;
import striate.train.Metric;

/**
 * The language model's report from synthetic results: two epochs of 100 windows (100 characters each, window i of
 * pass p at 5 − p − i/100 bits per character), after one epoch trained by an earlier process; samples whose text
 * holds quotes, a backslash and newlines.
 */
class CharLmReportTest {
    @TempDir
    Path dir;

    private static CharLmReport report() {
        History history = new History(Metric.BITS_PER_CHARACTER, List.of(
                new EpochStats(1, 3.0, 4.3, 2.8, 4.0, 2e-3, 50, 3000),
                new EpochStats(2, 2.5, 3.6, 2.4, 3.5, 2e-3, 40, 4000),
                new EpochStats(3, 2.2, 3.2, 2.3, 3.3, 2e-3, 45, 3500)));
        List<LanguageModeling.Window> windows = new ArrayList<>();
        for (int pass = 0; pass < 2; pass++) {
            for (int i = 0; i < 100; i++) {
                windows.add(new LanguageModeling.Window(pass, i, (5 - pass - i / 100.0) * 100, 100));
            }
        }
        return new CharLmReport("char-lstm", "cpu", Map.of("--hidden", "256"), history, windows, 1, 100,
                new CharLmReport.HeldOut(54, 660_329, 3.25, 3.26, 32, 10_000), "The jury",
                List.of(new CharLmReport.Sample("temperature 0.8", " said \"no\" \\ to\nthe court"),
                        new CharLmReport.Sample("greedy", " the the")));
    }

    @Test
    @SuppressWarnings("unchecked")
    void metricsJsonHoldsTheHeldOutBitsTheSamplesAndTheHistory() throws IOException {
        StringWriter warnings = new StringWriter();
        List<Path> files = report().write(dir, new PrintWriter(warnings));
        assertEquals(List.of("metrics.json", "loss.png", "bpc.png", "samples.txt"),
                files.stream().map(p -> p.getFileName().toString()).toList());
        assertEquals("", warnings.toString());
        Map<String, Object> json = (Map<String, Object>) Json.parse(Files.readString(dir.resolve("metrics.json")));
        assertEquals(3.25, json.get("test_bits_per_character"));
        assertEquals(3.26, json.get("test_stream_bits_per_character"));
        assertEquals(660_329.0, json.get("test_characters"));
        assertEquals(3500.0, json.get("train_characters_per_second"), "the median epoch");
        assertEquals("bits_per_character", json.get("metric"));
        assertEquals("256", ((Map<String, Object>) json.get("settings")).get("--hidden"));
        List<Map<String, Object>> samples = (List<Map<String, Object>>) json.get("samples");
        assertEquals(" said \"no\" \\ to\nthe court", samples.get(0).get("text"));
        assertEquals(3, ((List<Object>) json.get("history")).size());
        assertEquals(3.3, ((List<Map<String, Object>>) json.get("history")).get(2).get("val_bits_per_character"));
        String text = Files.readString(dir.resolve("samples.txt"));
        assertEquals(true, text.contains("--- temperature 0.8\nThe jury said \"no\" \\ to\nthe court\n"), text);
        for (String png : List.of("loss.png", "bpc.png")) {
            assertNotNull(ImageIO.read(dir.resolve(png).toFile()), png);
        }
    }

    @Test
    void theTrainingCurveAveragesEveryFiftiethOfAnEpochAfterTheEpochsTrainedBefore() {
        double[][] curve = report().trainingCurve();
        assertEquals(100, curve.length, "50 points in each of the 2 passes");
        assertArrayEquals(new double[] {1.02, 5 - 0.005}, curve[0], 1e-9, "windows 0 and 1 of the second epoch");
        assertArrayEquals(new double[] {3.0, 4 - 0.985}, curve[99], 1e-9, "windows 98 and 99 of the third");
    }
}

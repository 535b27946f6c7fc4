package striate.cli.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.Font;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import striate.data.Normalization;
import striate.tensor.Device;
import striate.tensor.Tensor;
import striate.train.EpochStats;
import striate.train.Metrics;

/**
 * A report from synthetic results: 100 test images, 10 of each class, with 5 Shirts taken for T-shirts and 3
 * Pullovers for Coats (92 correct); 5 epochs of history, the third without validation.
 */
class ReportTest {
    @TempDir
    Path dir;

    private static final List<String> NAMES = Report.FASHION_MNIST_CLASSES;
    private static final List<String> ALL_FILES = List.of("accuracy.png", "confusion.png", "filters.png",
            "loss.png", "metrics.json", "misclassified.png");

    static Metrics testMetrics() {
        int[] actual = new int[100];
        int[] predicted = new int[100];
        for (int i = 0; i < 100; i++) {
            actual[i] = i % 10;
            predicted[i] = actual[i];
            if (actual[i] == 6 && i < 50) {
                predicted[i] = 0; // Shirt → T-shirt/top: i = 6, 16, 26, 36, 46
            }
            if (actual[i] == 2 && i < 30) {
                predicted[i] = 4; // Pullover → Coat: i = 2, 12, 22
            }
        }
        return Metrics.of(predicted, actual, 10);
    }

    static List<EpochStats> history() {
        List<EpochStats> h = new ArrayList<>();
        for (int e = 1; e <= 5; e++) {
            double val = e == 3 ? Double.NaN : 0.9 / e;
            h.add(new EpochStats(e, 1.0 / e, 0.6 + 0.05 * e, val, e == 3 ? Double.NaN : 0.62 + 0.05 * e,
                    0.01 / e, 30 + e, 500 + 500 * e));
        }
        return h;
    }

    /** [6, 1, 5, 5] filters with distinct patterns. */
    static Tensor filters() {
        float[] w = new float[6 * 25];
        for (int i = 0; i < w.length; i++) {
            w[i] = (float) Math.sin(i * 0.7 + (i / 25) * 1.3);
        }
        return Tensor.of(Device.reference(), w, 6, 1, 5, 5);
    }

    /** {@code count} 28x28 images (normalized for Fashion-MNIST) of a diagonal gradient. */
    static List<Report.Example> examples(int count) {
        List<Report.Example> list = new ArrayList<>();
        for (int n = 0; n < count; n++) {
            float[] px = new float[28 * 28];
            for (int i = 0; i < px.length; i++) {
                int pixel = ((i / 28 + i % 28 + n) * 255) / 60 % 256;
                px[i] = Normalization.FASHION_MNIST.apply(pixel);
            }
            list.add(new Report.Example(px, 1, 28, 28, n % 10, (n + 3) % 10));
        }
        return list;
    }

    static Report report(String model) {
        return new Report(model, "cuda:0", NAMES, history(), testMetrics(), 0.3125, filters(), examples(40),
                List.of(Normalization.FASHION_MNIST));
    }

    /** Writes {@code r} into {@code folder} and checks nothing was left out. */
    private static List<Path> write(Report r, Path folder) throws IOException {
        StringWriter warnings = new StringWriter();
        List<Path> written = r.write(folder, new PrintWriter(warnings));
        assertEquals("", warnings.toString(), "no picture left out");
        return written;
    }

    private List<String> listing(Path folder) throws IOException {
        try (Stream<Path> s = Files.list(folder)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    private static BufferedImage image(Path file) throws IOException {
        BufferedImage img = ImageIO.read(file.toFile());
        assertNotNull(img, file + " is not a readable image");
        return img;
    }

    private static long pixelsOfColor(BufferedImage img, int rgb) {
        long n = 0;
        for (int y = 0; y < img.getHeight(); y++) {
            for (int x = 0; x < img.getWidth(); x++) {
                if ((img.getRGB(x, y) & 0xFFFFFF) == rgb) {
                    n++;
                }
            }
        }
        return n;
    }

    @Test
    void writesEveryFileWithSaneImages() throws IOException {
        Path out = dir.resolve("report");
        List<Path> written = write(report("lenet5"), out);
        assertEquals(ALL_FILES, written.stream().map(p -> p.getFileName().toString()).sorted().toList());
        assertEquals(ALL_FILES, listing(out), "nothing else, no temporary files");

        BufferedImage loss = image(out.resolve("loss.png"));
        assertEquals(800, loss.getWidth());
        assertEquals(500, loss.getHeight());
        BufferedImage accuracy = image(out.resolve("accuracy.png"));
        assertEquals(800, accuracy.getWidth());

        BufferedImage confusion = image(out.resolve("confusion.png"));
        assertTrue(confusion.getWidth() >= 640 && confusion.getWidth() < 2000, "width " + confusion.getWidth());
        assertTrue(confusion.getHeight() >= 640 && confusion.getHeight() < 2000, "height " + confusion.getHeight());
        // a diagonal cell holding its whole row (e.g. Trouser) has the darkest shade
        assertTrue(pixelsOfColor(confusion, 0x08306B) > 60 * 60, "full-row cells are drawn darkest");

        BufferedImage filters = image(out.resolve("filters.png"));
        assertTrue(filters.getWidth() >= 6 * 95 && filters.getWidth() < 2000, "width " + filters.getWidth());
        assertTrue(filters.getHeight() >= 95 && filters.getHeight() < 1000, "height " + filters.getHeight());
        // each tile is scaled to its own range, so both ends appear
        assertTrue(pixelsOfColor(filters, 0x000000) > 0 && pixelsOfColor(filters, 0xFFFFFF) > 0);

        BufferedImage wrong = image(out.resolve("misclassified.png"));
        // 40 given, 36 drawn: 6 rows of 6 images 84 px wide and high
        assertTrue(wrong.getWidth() >= 6 * 84 && wrong.getWidth() < 2000, "width " + wrong.getWidth());
        assertTrue(wrong.getHeight() >= 6 * 84 && wrong.getHeight() < 2000, "height " + wrong.getHeight());
    }

    @Test
    @SuppressWarnings("unchecked")
    void metricsJsonHoldsTheNumbers() throws IOException {
        write(report("lenet5 \"small\""), dir);
        Map<String, Object> json = (Map<String, Object>) Json.parse(Files.readString(dir.resolve("metrics.json")));
        assertEquals("lenet5 \"small\"", json.get("model"));
        assertEquals("cuda:0", json.get("device"));
        assertEquals(5.0, json.get("epochs"));
        assertEquals(0.92, (double) json.get("test_accuracy"), 1e-12);
        assertEquals(0.3125, json.get("test_loss"));
        assertEquals(100.0, json.get("test_examples"));
        assertEquals((1000 + 1500 + 2000 + 2500 + 3000) / 5.0, json.get("train_images_per_second"));
        assertEquals(NAMES, json.get("classes"));

        List<Map<String, Object>> perClass = (List<Map<String, Object>>) json.get("per_class");
        assertEquals(10, perClass.size());
        assertEquals("Shirt", perClass.get(6).get("class"));
        assertEquals(0.5, (double) perClass.get(6).get("recall"), 1e-12); // 5 of 10 shirts found
        assertEquals(1.0, (double) perClass.get(6).get("precision"), 1e-12);
        assertEquals(10.0 / 15, (double) perClass.get(0).get("precision"), 1e-12); // 10 T-shirts + 5 shirts
        assertEquals(0.7, (double) perClass.get(2).get("recall"), 1e-12);
        assertEquals(10.0 / 13, (double) perClass.get(4).get("precision"), 1e-12);
        assertEquals(10.0, perClass.get(9).get("support"));

        List<List<Double>> matrix = (List<List<Double>>) json.get("confusion_matrix");
        assertEquals(List.of(5.0, 0.0, 0.0, 0.0, 0.0, 0.0, 5.0, 0.0, 0.0, 0.0), matrix.get(6));
        assertEquals(List.of(0.0, 0.0, 7.0, 0.0, 3.0, 0.0, 0.0, 0.0, 0.0, 0.0), matrix.get(2));
        assertEquals(List.of(0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 10.0), matrix.get(9));

        List<Map<String, Object>> history = (List<Map<String, Object>>) json.get("history");
        assertEquals(5, history.size());
        assertEquals(2.0, history.get(1).get("epoch"));
        assertEquals(0.45, (double) history.get(1).get("val_loss"), 1e-12);
        assertTrue(history.get(2).containsKey("val_loss"));
        assertNull(history.get(2).get("val_loss"), "no validation: null, not NaN");
        assertEquals(0.002, (double) history.get(4).get("learning_rate"), 1e-12);
        assertEquals(3000.0, history.get(4).get("images_per_second"));
    }

    @Test
    void withoutFiltersOrMistakesThoseImagesAreLeftOut() throws IOException {
        List<EpochStats> oneEpochNoValidation = List.of(new EpochStats(1, 0.7, 0.75, Double.NaN, Double.NaN, 0.1,
                20, 900));
        write(new Report("mlp", "cpu", NAMES, oneEpochNoValidation, testMetrics(), 0.5, null, List.of(),
                List.of(Normalization.FASHION_MNIST)), dir);
        assertEquals(List.of("accuracy.png", "confusion.png", "loss.png", "metrics.json"), listing(dir));
        assertEquals(800, image(dir.resolve("loss.png")).getWidth());
    }

    @Test
    void rgbExamplesAreDrawnInColourThroughEachChannelsNormalization() throws IOException {
        List<Normalization> rgb = List.of(new Normalization(0.485, 0.229), new Normalization(0.456, 0.224),
                new Normalization(0.406, 0.225));
        float[] px = new float[3 * 8 * 8]; // pure red: pixel 255 in channel 0, 0 in the others
        for (int c = 0; c < 3; c++) {
            java.util.Arrays.fill(px, c * 64, (c + 1) * 64, rgb.get(c).apply(c == 0 ? 255 : 0));
        }
        write(new Report("alexnet", "cpu", NAMES, history(), testMetrics(), 0.5, null,
                List.of(new Report.Example(px, 3, 8, 8, 1, 2)), rgb), dir);
        BufferedImage img = image(dir.resolve("misclassified.png"));
        int red = 0;
        for (int y = 0; y < img.getHeight(); y++) {
            for (int x = 0; x < img.getWidth(); x++) {
                int v = img.getRGB(x, y);
                red += ((v >> 16) & 0xFF) == 255 && ((v >> 8) & 0xFF) == 0 && (v & 0xFF) == 0 ? 1 : 0;
            }
        }
        assertEquals(8 * 8 * 9, red, "the 8x8 image, 3x upscaled, in pure red");
        assertThrows(IllegalArgumentException.class, () -> new Report("m", "cpu", NAMES, history(), testMetrics(), 0,
                null, List.of(new Report.Example(px, 3, 8, 8, 1, 2)), List.of(Normalization.UNIT)));
    }

    @Test
    void aSecondReportReplacesTheFirst() throws IOException {
        write(report("first"), dir);
        write(report("second"), dir);
        assertEquals(ALL_FILES, listing(dir));
        assertTrue(Files.readString(dir.resolve("metrics.json")).contains("\"model\": \"second\""));
    }

    @Test
    void refusesAFileAsOutputFolder() throws IOException {
        Path file = Files.writeString(dir.resolve("results"), "not a folder");
        IOException e = assertThrows(IOException.class, () -> write(report("lenet5"), file));
        assertTrue(e.getMessage().startsWith(file + ": cannot write the report here: it is a file"), e.getMessage());

        Path below = file.resolve("report");
        e = assertThrows(IOException.class, () -> write(report("lenet5"), below));
        assertTrue(e.getMessage().startsWith(below + ": cannot"), e.getMessage());
        assertEquals(List.of("results"), listing(dir));
        assertEquals("not a folder", Files.readString(file));
    }

    @Test
    @SuppressWarnings("unchecked")
    void withoutItsFontTheReportKeepsMetricsJsonAndNamesEveryMissingPicture() throws IOException {
        StringWriter warnings = new StringWriter();
        List<Path> written = report("lenet5").write(dir, new PrintWriter(warnings), () -> {
            throw new IOException("forced by the test");
        });
        assertEquals(List.of(dir.resolve("metrics.json")), written);
        assertEquals(List.of("metrics.json"), listing(dir), "no picture, no temporary file");
        Map<String, Object> json = (Map<String, Object>) Json.parse(Files.readString(dir.resolve("metrics.json")));
        assertEquals(0.92, (double) json.get("test_accuracy"), 1e-12);

        List<String> lines = warnings.toString().lines().toList();
        List<String> pictures = List.of("loss.png", "accuracy.png", "confusion.png", "filters.png",
                "misclassified.png");
        assertEquals(pictures.size(), lines.size(), warnings.toString());
        for (int i = 0; i < pictures.size(); i++) {
            assertEquals("striate: warning: " + pictures.get(i) + " was not written: cannot load the report's font: "
                    + "IOException: forced by the test", lines.get(i));
        }
    }

    @Test
    void aBrokenFontSetupIsAWarningEvenWhenAwtThrowsAnError() throws IOException {
        StringWriter warnings = new StringWriter();
        // AWT reports a machine without fonts with a java.lang.Error (here from preparing the three sizes)
        List<Path> written = report("lenet5").write(dir, new PrintWriter(warnings), () -> new Font(Font.SANS_SERIF,
                Font.PLAIN, 1) {
            @Override
            public Font deriveFont(int style, float size) {
                throw new Error("Probable fatal error: No physical fonts found.");
            }
        });
        assertEquals(List.of("metrics.json"), written.stream().map(p -> p.getFileName().toString()).toList());
        assertEquals(5, warnings.toString().lines().count(), warnings.toString());
        assertTrue(warnings.toString().startsWith("striate: warning: loss.png was not written: cannot load the "
                + "report's font: Error: Probable fatal error: No physical fonts found." + System.lineSeparator()),
                warnings.toString());
    }

    @Test
    void aPictureThatCannotBeWrittenIsNamedAndTheOthersAreWritten() throws IOException {
        Files.createDirectories(dir.resolve("confusion.png", "inside")); // a folder where a picture goes
        StringWriter warnings = new StringWriter();
        List<Path> written = report("lenet5").write(dir, new PrintWriter(warnings));
        assertEquals(List.of("metrics.json", "loss.png", "accuracy.png", "filters.png", "misclassified.png"),
                written.stream().map(p -> p.getFileName().toString()).toList());
        assertEquals(1, warnings.toString().lines().count(), warnings.toString());
        assertTrue(warnings.toString().startsWith("striate: warning: confusion.png was not written: IOException: "),
                warnings.toString());
        assertTrue(warnings.toString().contains("is a folder"), warnings.toString());
        assertEquals(800, image(dir.resolve("loss.png")).getWidth());
        assertTrue(Files.isDirectory(dir.resolve("confusion.png", "inside")), "left as it was");
    }

    @Test
    void theTypefaceIsDejaVuSansFromTheJarWithItsLicenseBesideIt() throws IOException {
        Font f = ReportTypeface.load();
        assertEquals("DejaVu Sans", f.getFamily(Locale.ROOT));
        assertTrue(f.canDisplayUpTo("T-shirt/top → Ankle boot — 6 × 1 × 5 × 5") < 0, "every character the report "
                + "draws has a glyph");
        try (InputStream license = ReportTypeface.class.getResourceAsStream("DejaVuSans-LICENSE.txt")) {
            assertNotNull(license, "the font's license is shipped beside it");
            String text = new String(license.readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(text.contains("Bitstream Vera Fonts Copyright") && text.contains("Arev Fonts Copyright"));
        }
    }

    @Test
    void rejectsInconsistentInput() {
        assertThrows(IllegalArgumentException.class, () -> new Report("m", "cpu", NAMES.subList(0, 9), history(),
                testMetrics(), 0, null, List.of(), List.of(Normalization.UNIT)));
        assertThrows(IllegalArgumentException.class, () -> new Report("m", "cpu", NAMES, List.of(), testMetrics(), 0,
                null, List.of(), List.of(Normalization.UNIT)));
        assertThrows(IllegalArgumentException.class, () -> new Report("m", "cpu", NAMES, history(), testMetrics(), 0,
                Tensor.of(Device.reference(), new float[25], 5, 5), List.of(), List.of(Normalization.UNIT)));
        assertThrows(IllegalArgumentException.class, () -> new Report.Example(new float[10], 1, 28, 28, 0, 1));
    }
}

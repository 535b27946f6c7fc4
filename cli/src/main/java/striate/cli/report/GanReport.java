package striate.cli.report;

import java.awt.Color;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;
import org.knowm.xchart.style.Styler.LegendPosition;
import striate.gan.GanHistory;
import striate.tensor.Tensor;

/**
 * The numbers and curves of {@code striate gan}: {@code metrics.json} (images per second, FID-LeNet and, for cgan, the
 * LeNet's accuracy on the samples against their labels when scored, the last epoch's mean losses, epochs, steps,
 * seconds, the recipe and options) and {@code losses.png} (D's and G's loss per discriminator step, with the critic's
 * Wasserstein estimate for wgan and wgan-gp), written as the other reports are ({@link ReportFiles}: a picture that
 * cannot be drawn is a warning). {@link #grid} writes the sample grids.
 *
 * @param model             gan, dcgan, wgan, wgan-gp or cgan
 * @param recipe            the recipe's one-line description
 * @param device            the device trained on
 * @param settings          the run's options, by name
 * @param history           the whole run's steps and epochs
 * @param generatorSteps    G's steps in the whole run
 * @param imagesPerSecond   real training images per second of this run's steps, the first epoch's first 10 left out
 * @param samples           images in the samples file
 * @param fidLenet          FID-LeNet of the samples against the test set; NaN when not scored
 * @param labelAccuracy     cgan: the LeNet's accuracy on the samples against their labels; NaN otherwise
 */
public record GanReport(String model, String recipe, String device, Map<String, String> settings, GanHistory history,
                        long generatorSteps, double imagesPerSecond, int samples, double fidLenet,
                        double labelAccuracy) {
    private static final Color D_COLOR = new Color(0x1F, 0x77, 0xB4);
    private static final Color G_COLOR = new Color(0xFF, 0x7F, 0x0E);
    private static final Color W_COLOR = new Color(0x2C, 0xA0, 0x2C);

    public GanReport {
        settings = Map.copyOf(settings);
    }

    /** Writes metrics.json and losses.png into {@code folder}; a picture that fails is one warning on {@code warnings}. */
    public List<Path> write(Path folder, PrintWriter warnings) throws IOException {
        Map<String, ReportFiles.Picture> pictures = new LinkedHashMap<>();
        pictures.put("losses.png", this::losses);
        return ReportFiles.write(folder, json(), pictures, warnings, ReportTypeface::load);
    }

    /**
     * Writes {@code images} [n, 1, 28, 28] in [-1, 1] as a grid PNG, {@code columns} per row, rows named by
     * {@code rowLabels} (null: none); a grid that cannot be drawn is a warning naming it, never a failure.
     */
    public static boolean grid(Path png, String title, Tensor images, int columns, List<String> rowLabels,
                               PrintWriter warnings) {
        try {
            new ImageGrid(title, images, columns, -1, 1, 2, rowLabels).write(png);
            return true;
        } catch (IOException | RuntimeException | Error e) { // AWT reports a broken font setup with Errors
            warnings.println("striate: warning: " + png.getFileName() + " was not written: " + e.getClass()
                    .getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage().lines().findFirst()
                    .orElse("")));
            warnings.flush();
            return false;
        }
    }

    private boolean wasserstein() {
        return model.startsWith("wgan");
    }

    private byte[] losses(Plots plots) throws IOException {
        int n = history.steps();
        double[] x = new double[n];
        for (int i = 0; i < n; i++) {
            x[i] = i + 1;
        }
        List<Plots.Line> lines = new ArrayList<>();
        lines.add(new Plots.Line(wasserstein() ? "critic loss" : "D loss", x, history.dLoss(), D_COLOR, false, false,
                true));
        lines.add(new Plots.Line("G loss", x, history.gLoss(), G_COLOR, false, false, true));
        if (wasserstein()) {
            lines.add(new Plots.Line("Wasserstein estimate", x, history.wasserstein(), W_COLOR, false, false, true));
        }
        return plots.lines(model + ": losses per discriminator step", "discriminator step", "loss", lines, false,
                LegendPosition.InsideNE);
    }

    /** The mean of {@code values}' finite entries over the last epoch's steps; NaN when there are none. */
    private double lastEpochMean(double[] values) {
        double[] images = history.epochImages();
        if (images.length == 0 || values.length == 0) {
            return Double.NaN;
        }
        int perEpoch = values.length / images.length;
        double sum = 0;
        int count = 0;
        for (int i = values.length - perEpoch; i < values.length; i++) {
            if (Double.isFinite(values[i])) {
                sum += values[i];
                count++;
            }
        }
        return count == 0 ? Double.NaN : sum / count;
    }

    String json() {
        double seconds = 0;
        for (double s : history.epochSeconds()) {
            seconds += s;
        }
        StringBuilder sb = new StringBuilder("{\n");
        MetricsJson.field(sb, "model", MetricsJson.quote(model));
        MetricsJson.field(sb, "recipe", MetricsJson.quote(recipe));
        MetricsJson.field(sb, "device", MetricsJson.quote(device));
        MetricsJson.field(sb, "images_per_second", MetricsJson.number(imagesPerSecond));
        MetricsJson.field(sb, "fid_lenet", MetricsJson.number(fidLenet));
        MetricsJson.field(sb, "label_accuracy", MetricsJson.number(labelAccuracy));
        MetricsJson.field(sb, "samples", Integer.toString(samples));
        MetricsJson.field(sb, "epochs", Integer.toString(history.epochs()));
        MetricsJson.field(sb, "steps", Integer.toString(history.steps()));
        MetricsJson.field(sb, "generator_steps", Long.toString(generatorSteps));
        MetricsJson.field(sb, "seconds", MetricsJson.number(seconds));
        MetricsJson.field(sb, "final_d_loss", MetricsJson.number(lastEpochMean(history.dLoss())));
        MetricsJson.field(sb, "final_g_loss", MetricsJson.number(lastEpochMean(history.gLoss())));
        MetricsJson.field(sb, "final_d_real", MetricsJson.number(lastEpochMean(history.dReal())));
        MetricsJson.field(sb, "final_d_fake", MetricsJson.number(lastEpochMean(history.dFake())));
        MetricsJson.field(sb, "final_wasserstein", MetricsJson.number(lastEpochMean(history.wasserstein())));
        MetricsJson.field(sb, "settings", MetricsJson.settings(settings));
        StringJoiner epochs = new StringJoiner(",\n", "[\n", "\n  ]");
        double[] s = history.epochSeconds();
        double[] img = history.epochImages();
        for (int e = 0; e < s.length; e++) {
            epochs.add("    {\"epoch\": " + (e + 1) + ", \"seconds\": " + MetricsJson.number(s[e]) + ", \"images\": "
                    + (long) img[e] + "}");
        }
        sb.append("  \"history\": ").append(epochs).append("\n}\n");
        return sb.toString();
    }
}

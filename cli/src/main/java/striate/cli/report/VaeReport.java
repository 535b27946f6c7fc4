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
import striate.models.Autoencoder;
import striate.tensor.Tensor;
import striate.train.EpochStats;
import striate.train.History;

/**
 * The result folder of {@code striate vae}: {@code metrics.json} (the final test reconstruction, KL and ELBO in nats
 * per image, FID-LeNet of prior samples and of test reconstructions when scored, training throughput, the per-epoch
 * terms), {@code loss.png} (−ELBO and its reconstruction term, training and test, per epoch), {@code kl.png} (the KL
 * term per epoch; VAEs only), {@code reconstructions.png} (test images over their reconstructions, pairs of rows),
 * {@code samples.png} (decoded N(0, I) codes), {@code interpolation.png} (decoded paths between the codes of two test
 * images, a row per pair) and, for a 2-wide code, {@code manifold.png}. The history's loss is
 * −ELBO and its metric the reconstruction term, so KL = loss − metric; its validation columns are the test set's.
 * Written as the other reports ({@link ReportFiles}): a picture that cannot be drawn is a warning.
 *
 * @param model           the checkpoint's model name; a VAE's report shows its KL term, an autoencoder's
 *                        ({@code Autoencoder.NAME}) has none
 * @param device          the device trained on
 * @param latent          the code's width
 * @param settings        the run's options, by name
 * @param history         the epochs trained, at least one, each validated on the test set
 * @param fidSamples      FID-LeNet of decoded N(0, I) codes against the test images (NaN: not scored)
 * @param fidSampleCount  decoded codes in that score (0: not scored)
 * @param fidReconstructions FID-LeNet of the test reconstructions against the test images (NaN: not scored)
 * @param fidTestImages   test images in the two scores, each reconstructed for the second (0: not scored)
 * @param pairs           test images and reconstructions in grid order, {@link #COLUMNS} per row, [2·k, 1, 28, 28]
 * @param samples         decoded N(0, I) codes, [m, 1, 28, 28]
 * @param interpolations  decoded paths between two test images' codes, {@code steps} per row, [rows·steps, 1, 28, 28]
 * @param steps           images per interpolation row
 * @param manifold        the 2-wide code's manifold, [s², 1, 28, 28] (null for a wider code)
 */
public record VaeReport(String model, String device, int latent, Map<String, String> settings, History history,
                        double fidSamples, int fidSampleCount, double fidReconstructions, int fidTestImages,
                        Tensor pairs, Tensor samples, Tensor interpolations, int steps, Tensor manifold) {
    /** Images per row of the reconstruction and sample grids. */
    public static final int COLUMNS = 8;
    private static final int SCALE = 2;
    private static final Color TRAIN = new Color(0x1F, 0x77, 0xB4);
    private static final Color TEST = new Color(0xFF, 0x7F, 0x0E);

    public VaeReport {
        settings = Map.copyOf(settings);
        if (history.isEmpty() || !history.last().orElseThrow().hasValidation()) {
            throw new IllegalArgumentException("a VAE report needs at least one epoch, tested");
        }
    }

    private EpochStats last() {
        return history.last().orElseThrow();
    }

    /** The final test reconstruction term, nats per image. */
    public double testReconstruction() {
        return last().valMetric();
    }

    /** The final test KL term, nats per image. */
    public double testKl() {
        return last().valLoss() - last().valMetric();
    }

    /** The final test ELBO (a lower bound of log p(x)), nats per image. */
    public double testElbo() {
        return -last().valLoss();
    }

    /** Writes metrics.json and the pictures into {@code folder}; a picture that fails is one warning. */
    public List<Path> write(Path folder, PrintWriter warnings) throws IOException {
        Map<String, ReportFiles.Picture> p = new LinkedHashMap<>();
        p.put("loss.png", this::loss);
        if (hasKl()) {
            p.put("kl.png", this::kl);
        }
        p.put("reconstructions.png", plots -> grid("Test images (odd rows) and their reconstructions — " + model,
                pairs));
        p.put("samples.png", plots -> grid("Decoded N(0, I) codes — " + model + ", latent " + latent, samples));
        p.put("interpolation.png", plots -> new ImageGrid("Decoded paths between two test images' codes — " + model,
                interpolations, steps, 0, 1, SCALE, null).draw(ReportTypeface.load()));
        if (manifold != null) {
            int side = (int) Math.round(Math.sqrt(manifold.dim(0)));
            p.put("manifold.png", plots -> new ImageGrid("The 2-wide code's manifold — " + model, manifold, side, 0,
                    1, 1, null).draw(ReportTypeface.load()));
        }
        return ReportFiles.write(folder, json(), p, warnings, ReportTypeface::load);
    }

    private boolean hasKl() {
        return !Autoencoder.NAME.equals(model);
    }

    private static byte[] grid(String title, Tensor images) throws IOException {
        return new ImageGrid(title, images, COLUMNS, 0, 1, SCALE, null).draw(ReportTypeface.load());
    }

    private byte[] loss(Plots plots) throws IOException {
        List<EpochStats> e = history.epochs();
        double[] x = e.stream().mapToDouble(EpochStats::epoch).toArray();
        List<Plots.Line> lines = new ArrayList<>();
        if (hasKl()) {
            lines.add(new Plots.Line("train −ELBO", x, e.stream().mapToDouble(EpochStats::trainLoss).toArray(), TRAIN,
                    true, false, true));
            lines.add(new Plots.Line("test −ELBO", x, e.stream().mapToDouble(EpochStats::valLoss).toArray(), TEST,
                    true, false, true));
        }
        lines.add(new Plots.Line("train reconstruction", x, e.stream().mapToDouble(EpochStats::trainMetric).toArray(),
                TRAIN, true, hasKl(), true));
        lines.add(new Plots.Line("test reconstruction", x, e.stream().mapToDouble(EpochStats::valMetric).toArray(),
                TEST, true, hasKl(), true));
        return plots.lines("Loss — " + model + ", latent " + latent, "epoch", "nats per image", lines, false,
                LegendPosition.InsideNE);
    }

    private byte[] kl(Plots plots) throws IOException {
        List<EpochStats> e = history.epochs();
        double[] x = e.stream().mapToDouble(EpochStats::epoch).toArray();
        List<Plots.Line> lines = List.of(
                new Plots.Line("train KL", x, e.stream().mapToDouble(s -> s.trainLoss() - s.trainMetric()).toArray(),
                        TRAIN, true, false, true),
                new Plots.Line("test KL", x, e.stream().mapToDouble(s -> s.valLoss() - s.valMetric()).toArray(), TEST,
                        true, false, true));
        return plots.lines("KL(q(z|x) ‖ N(0, I)) — " + model + ", latent " + latent, "epoch", "nats per image",
                lines, false, LegendPosition.InsideSE);
    }

    private String json() {
        StringBuilder sb = new StringBuilder("{\n");
        MetricsJson.field(sb, "model", MetricsJson.quote(model));
        MetricsJson.field(sb, "device", MetricsJson.quote(device));
        MetricsJson.field(sb, "latent", Integer.toString(latent));
        MetricsJson.field(sb, "epochs", Integer.toString(history.size()));
        MetricsJson.field(sb, "test_reconstruction_nats", MetricsJson.number(testReconstruction()));
        MetricsJson.field(sb, "test_kl_nats", MetricsJson.number(testKl()));
        MetricsJson.field(sb, "test_elbo_nats", MetricsJson.number(testElbo()));
        MetricsJson.field(sb, "fid_lenet_samples", MetricsJson.number(fidSamples));
        MetricsJson.field(sb, "fid_lenet_reconstructions", MetricsJson.number(fidReconstructions));
        MetricsJson.field(sb, "fid_samples", Integer.toString(fidSampleCount));
        MetricsJson.field(sb, "fid_test_images", Integer.toString(fidTestImages));
        MetricsJson.field(sb, "train_images_per_second", MetricsJson.number(history.medianSamplesPerSecond()));
        MetricsJson.field(sb, "settings", MetricsJson.settings(settings));
        StringJoiner epochs = new StringJoiner(",\n", "[\n", "\n  ]");
        for (EpochStats e : history.epochs()) {
            epochs.add("    {\"epoch\": " + e.epoch()
                    + ", \"train_reconstruction\": " + MetricsJson.number(e.trainMetric())
                    + ", \"train_kl\": " + MetricsJson.number(e.trainLoss() - e.trainMetric())
                    + ", \"train_elbo\": " + MetricsJson.number(-e.trainLoss())
                    + ", \"test_reconstruction\": " + MetricsJson.number(e.valMetric())
                    + ", \"test_kl\": " + MetricsJson.number(e.valLoss() - e.valMetric())
                    + ", \"test_elbo\": " + MetricsJson.number(-e.valLoss())
                    + ", \"seconds\": " + MetricsJson.number(e.seconds())
                    + ", \"images_per_second\": " + MetricsJson.number(e.samplesPerSecond()) + "}");
        }
        sb.append("  \"history\": ").append(epochs).append("\n}\n");
        return sb.toString();
    }
}

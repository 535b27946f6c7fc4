package striate.cli.report;

import java.awt.Color;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;
import org.knowm.xchart.style.Styler.LegendPosition;
import striate.train.AtomicFile;
import striate.train.EpochStats;
import striate.train.History;
import striate.train.LanguageModeling;

/**
 * The result folder of a character language model run ({@code striate charlm train}): {@code metrics.json}
 * (held-out bits per character on whole test documents and as the PyTorch peer measures it, characters per second,
 * the recorded options, the per-epoch history, the training curve, the samples), {@code loss.png} (cross-entropy per
 * epoch, training and validation), {@code bpc.png} (training bits per character every fiftieth of an epoch for the
 * epochs this process trained, validation and test per epoch) and {@code samples.txt} (text sampled from the prompt
 * at a few temperatures). Written as the other reports are ({@link ReportFiles}): a picture that cannot be drawn is
 * a warning, never a failure.
 *
 * @param model      model name for titles ("char-lstm")
 * @param device     the device trained on
 * @param settings   the run's recorded options, by name
 * @param history    the epochs trained, at least one, bits per character as their metric
 * @param windows    the training windows this process ran, passes counted from 0
 * @param firstEpoch epochs trained before the first of those passes (a resumed run's)
 * @param perEpoch   windows in an epoch
 * @param test       the held-out measures
 * @param prompt     the samples' prompt
 * @param samples    text generated from it, by how it was drawn
 */
public record CharLmReport(String model, String device, Map<String, String> settings, History history,
                           List<LanguageModeling.Window> windows, int firstEpoch, int perEpoch, HeldOut test,
                           String prompt, List<Sample> samples) {
    /** Points per epoch of bpc.png's training curve. */
    static final int POINTS_PER_EPOCH = 50;

    /**
     * Held-out bits per character: over {@code documents} whole documents ({@code characters} predicted, each
     * document from a zero state), and as the PyTorch peer measures it (the documents' text in {@code streamRows}
     * contiguous rows); {@code charactersPerSecond} of the per-document pass.
     */
    public record HeldOut(int documents, long characters, double bitsPerCharacter, double streamBitsPerCharacter,
                          int streamRows, double charactersPerSecond) {
    }

    /** Generated text ({@code text}, the prompt not included) and how it was drawn ("temperature 0.8", "greedy"). */
    public record Sample(String label, String text) {
    }

    public CharLmReport {
        settings = Map.copyOf(settings);
        windows = List.copyOf(windows);
        samples = List.copyOf(samples);
        if (history.isEmpty()) {
            throw new IllegalArgumentException("a report needs at least one epoch of history");
        }
        if (perEpoch < 1) {
            throw new IllegalArgumentException("an epoch has at least one window, got " + perEpoch);
        }
    }

    /** The median epoch's training throughput in characters per second (the PyTorch peer reports the same). */
    public double trainCharactersPerSecond() {
        return history.medianSamplesPerSecond();
    }

    /**
     * Writes the report into {@code folder} (created when missing) and returns the files written: metrics.json, each
     * picture, samples.txt; a picture that fails is one warning line on {@code warnings}.
     */
    public List<Path> write(Path folder, PrintWriter warnings) throws IOException {
        List<Path> files = new ArrayList<>(ReportFiles.write(folder, json(), pictures(), warnings,
                ReportTypeface::load));
        Path text = folder.resolve("samples.txt");
        AtomicFile.write(text, samplesText().getBytes(StandardCharsets.UTF_8));
        files.add(text);
        return files;
    }

    /** The training curve: (epoch, bits per character) every 1/{@value #POINTS_PER_EPOCH} of an epoch or so. */
    double[][] trainingCurve() {
        int block = Math.max(1, perEpoch / POINTS_PER_EPOCH);
        List<double[]> points = new ArrayList<>();
        double bits = 0;
        long chars = 0;
        for (int i = 0; i < windows.size(); i++) {
            LanguageModeling.Window w = windows.get(i);
            bits += w.bits();
            chars += w.characters();
            boolean passEnds = i + 1 == windows.size() || windows.get(i + 1).pass() != w.pass();
            if ((w.index() + 1) % block == 0 || passEnds) {
                points.add(new double[] {firstEpoch + w.pass() + (w.index() + 1.0) / perEpoch, bits / chars});
                bits = 0;
                chars = 0;
            }
        }
        return points.toArray(double[][]::new);
    }

    private Map<String, ReportFiles.Picture> pictures() {
        Map<String, ReportFiles.Picture> p = new LinkedHashMap<>();
        p.put("loss.png", plots -> plots.curves("Loss — " + model, "cross-entropy per character (nats)",
                history.epochs(), EpochStats::trainLoss, EpochStats::valLoss, 1, LegendPosition.InsideNE));
        p.put("bpc.png", plots -> {
            double[][] curve = trainingCurve();
            List<EpochStats> epochs = history.epochs();
            double[] at = epochs.stream().mapToDouble(EpochStats::epoch).toArray();
            List<Plots.Line> lines = new ArrayList<>();
            lines.add(new Plots.Line("train", column(curve, 0), column(curve, 1), new Color(0x1F, 0x77, 0xB4), false,
                    false, true));
            lines.add(new Plots.Line("train (epoch mean)", at, epochs.stream().mapToDouble(EpochStats::trainMetric)
                    .toArray(), new Color(0x1F, 0x77, 0xB4), true, false, false));
            lines.add(new Plots.Line("validation documents", at, epochs.stream().mapToDouble(EpochStats::valMetric)
                    .toArray(), new Color(0xFF, 0x7F, 0x0E), true, false, true));
            lines.add(new Plots.Line("test documents", new double[] {epochs.getLast().epoch()},
                    new double[] {test.bitsPerCharacter()}, new Color(0x2C, 0xA0, 0x2C), true, false, false));
            return plots.lines("Bits per character — " + model, "epoch", "bits per character", lines, false,
                    LegendPosition.InsideNE);
        });
        return p;
    }

    private static double[] column(double[][] points, int k) {
        double[] out = new double[points.length];
        for (int i = 0; i < points.length; i++) {
            out[i] = points[i][k];
        }
        return out;
    }

    private String samplesText() {
        StringBuilder sb = new StringBuilder();
        sb.append("prompt \"").append(prompt).append("\", ").append(model).append(" after epoch ")
                .append(history.last().orElseThrow().epoch()).append('\n');
        for (Sample s : samples) {
            sb.append("\n--- ").append(s.label()).append('\n').append(prompt).append(s.text()).append('\n');
        }
        return sb.toString();
    }

    private String json() {
        StringBuilder sb = new StringBuilder("{\n");
        MetricsJson.field(sb, "model", MetricsJson.quote(model));
        MetricsJson.field(sb, "device", MetricsJson.quote(device));
        MetricsJson.field(sb, "settings", MetricsJson.settings(settings));
        MetricsJson.field(sb, "epochs", Integer.toString(history.size()));
        MetricsJson.field(sb, "windows_per_epoch", Integer.toString(perEpoch));
        MetricsJson.field(sb, "test_documents", Integer.toString(test.documents()));
        MetricsJson.field(sb, "test_characters", Long.toString(test.characters()));
        MetricsJson.field(sb, "test_bits_per_character", MetricsJson.number(test.bitsPerCharacter()));
        MetricsJson.field(sb, "test_stream_bits_per_character", MetricsJson.number(test.streamBitsPerCharacter()));
        MetricsJson.field(sb, "test_stream_rows", Integer.toString(test.streamRows()));
        MetricsJson.field(sb, "test_characters_per_second", MetricsJson.number(test.charactersPerSecond()));
        MetricsJson.field(sb, "train_characters_per_second", MetricsJson.number(trainCharactersPerSecond()));
        MetricsJson.field(sb, "metric", MetricsJson.quote(history.metric().name()));
        MetricsJson.field(sb, "prompt", MetricsJson.quote(prompt));
        StringJoiner drawn = new StringJoiner(",\n", "[\n", "\n  ]");
        for (Sample s : samples) {
            drawn.add("    {\"label\": " + MetricsJson.quote(s.label()) + ", \"text\": " + MetricsJson.quote(s.text())
                    + "}");
        }
        MetricsJson.field(sb, "samples", drawn.toString());
        StringJoiner curve = new StringJoiner(", ", "[", "]");
        for (double[] point : trainingCurve()) {
            curve.add("[" + MetricsJson.number(point[0]) + ", " + MetricsJson.number(point[1]) + "]");
        }
        MetricsJson.field(sb, "training_curve", curve.toString());
        sb.append("  \"history\": ").append(MetricsJson.history(history.epochs(), history.metric().name(),
                "characters")).append("\n}\n");
        return sb.toString();
    }
}

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
import striate.data.AddingProblem;
import striate.train.EpochStats;
import striate.train.History;

/**
 * The result folder of {@code striate adding}: {@code mse.png}, the held-out mean squared error of each cell every
 * {@code evalEvery} training steps on a logarithmic axis, beside the trivial predictor's 1/6 and the 0.01 that counts
 * as solved, and {@code metrics.json} (per cell: final and best MSE, whether and when it got under 0.01, time, the
 * curves; the recorded options). Written as the other reports are ({@link ReportFiles}): a picture that cannot be
 * drawn is a warning, never a failure.
 *
 * @param length    the sequences' length T
 * @param device    the device trained on
 * @param settings  the run's options, by name
 * @param evalEvery training steps between two held-out evaluations (the trainer's epochs)
 * @param cells     the cells trained so far, in order
 */
public record AddingReport(int length, String device, Map<String, String> settings, int evalEvery, List<Cell> cells) {
    /** A held-out MSE under this solves the problem. */
    public static final double SOLVED_MSE = 0.01;

    private static final Color[] COLORS = {new Color(0xD6, 0x27, 0x28), new Color(0x1F, 0x77, 0xB4),
            new Color(0x2C, 0xA0, 0x2C), new Color(0x94, 0x67, 0xBD)};

    /** One cell's run: its name ("lstm") and history (an epoch per {@code evalEvery} steps, MSE as its metric). */
    public record Cell(String name, History history) {
        /** The held-out MSE after the last step. */
        public double finalMse() {
            return history.last().orElseThrow().valMetric();
        }

        /** The lowest held-out MSE of the run. */
        public double bestMse() {
            return history.epochs().stream().mapToDouble(EpochStats::valMetric).min().orElseThrow();
        }

        /** The first evaluation's step whose held-out MSE was under {@link #SOLVED_MSE}, or -1. */
        public long firstSolvedStep(int evalEvery) {
            return history.epochs().stream().filter(e -> e.valMetric() < SOLVED_MSE).mapToLong(e -> (long) e.epoch()
                    * evalEvery).findFirst().orElse(-1);
        }

        /** Training wall time, seconds. */
        public double seconds() {
            return history.epochs().stream().mapToDouble(EpochStats::seconds).sum();
        }
    }

    public AddingReport {
        settings = Map.copyOf(settings);
        cells = List.copyOf(cells);
        if (cells.isEmpty() || cells.stream().anyMatch(c -> c.history().isEmpty())) {
            throw new IllegalArgumentException("a report needs at least one cell with at least one evaluation");
        }
    }

    /** Writes metrics.json and mse.png into {@code folder}; a picture that fails is one warning on {@code warnings}. */
    public List<Path> write(Path folder, PrintWriter warnings) throws IOException {
        Map<String, ReportFiles.Picture> pictures = new LinkedHashMap<>();
        pictures.put("mse.png", this::mse);
        return ReportFiles.write(folder, json(), pictures, warnings, ReportTypeface::load);
    }

    private byte[] mse(Plots plots) throws IOException {
        List<Plots.Line> lines = new ArrayList<>();
        long last = 0;
        for (int k = 0; k < cells.size(); k++) {
            Cell c = cells.get(k);
            List<EpochStats> epochs = c.history().epochs();
            double[] steps = epochs.stream().mapToDouble(e -> (double) e.epoch() * evalEvery).toArray();
            last = Math.max(last, (long) steps[steps.length - 1]);
            lines.add(new Plots.Line(c.name(), steps, epochs.stream().mapToDouble(EpochStats::valMetric).toArray(),
                    COLORS[k % COLORS.length], false, false, true));
        }
        double[] ends = {0, last};
        lines.add(new Plots.Line("trivial predictor (1/6)", ends, new double[] {AddingProblem.TRIVIAL_MSE,
                AddingProblem.TRIVIAL_MSE}, Color.GRAY, false, true, true));
        lines.add(new Plots.Line("solved (0.01)", ends, new double[] {SOLVED_MSE, SOLVED_MSE},
                new Color(0xBB, 0xBB, 0xBB), false, true, true));
        return plots.lines("Adding problem, T = " + length + ": held-out MSE", "training step", "mean squared error",
                lines, true, LegendPosition.InsideSW);
    }

    private String json() {
        StringBuilder sb = new StringBuilder("{\n");
        MetricsJson.field(sb, "task", MetricsJson.quote("adding problem"));
        MetricsJson.field(sb, "length", Integer.toString(length));
        MetricsJson.field(sb, "device", MetricsJson.quote(device));
        MetricsJson.field(sb, "settings", MetricsJson.settings(settings));
        MetricsJson.field(sb, "trivial_mse", MetricsJson.number(AddingProblem.TRIVIAL_MSE));
        MetricsJson.field(sb, "solved_mse", MetricsJson.number(SOLVED_MSE));
        MetricsJson.field(sb, "eval_every", Integer.toString(evalEvery));
        StringJoiner runs = new StringJoiner(",\n", "[\n", "\n  ]");
        for (Cell c : cells) {
            long steps = (long) c.history().last().orElseThrow().epoch() * evalEvery;
            StringJoiner curve = new StringJoiner(", ", "[", "]");
            for (EpochStats e : c.history().epochs()) {
                curve.add("[" + (long) e.epoch() * evalEvery + ", " + MetricsJson.number(e.valMetric()) + ", "
                        + MetricsJson.number(e.trainMetric()) + "]");
            }
            runs.add("    {\"cell\": " + MetricsJson.quote(c.name()) + ", \"steps\": " + steps + ", \"final_mse\": "
                    + MetricsJson.number(c.finalMse()) + ", \"best_mse\": " + MetricsJson.number(c.bestMse())
                    + ", \"solved\": " + (c.finalMse() < SOLVED_MSE) + ", \"first_step_below_0_01\": "
                    + (c.firstSolvedStep(evalEvery) < 0 ? "null" : Long.toString(c.firstSolvedStep(evalEvery)))
                    + ", \"seconds\": " + MetricsJson.number(c.seconds()) + ", \"steps_per_second\": "
                    + MetricsJson.number(steps / c.seconds()) + ",\n      \"curve_step_heldout_train\": " + curve
                    + "}");
        }
        sb.append("  \"cells\": ").append(runs).append("\n}\n");
        return sb.toString();
    }
}

package striate.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import striate.cli.report.AddingReport;
import striate.data.AddingProblem;
import striate.models.SequenceRegressor;
import striate.optim.Adam;
import striate.optim.LrSchedule;
import striate.tensor.Device;
import striate.tensor.Rng;
import striate.train.BatchSource;
import striate.train.History;
import striate.train.Regression;
import striate.train.Trainer;

/**
 * {@code striate adding}: why LSTM. Trains a simple tanh RNN, an LSTM and a GRU (--cells) on the adding problem
 * ({@link AddingProblem}: sequences of --length steps, predict the sum of the two marked values) with the PyTorch
 * peer's recipe (benchmarks/pytorch/adding_problem.py: one layer of 128 units, the last state through Linear(128, 1),
 * MSE, Adam 1e-3, 50 fresh examples per step), one cell after the other from the same initial seed on the same
 * examples, and measures each on the same held-out examples every --eval-every steps (the trainer's epochs). Writes
 * the curves and numbers ({@link AddingReport}) into --out after each cell; it keeps no checkpoints (a run is the
 * experiment), and, like every run, needs a new or empty --out.
 */
@Command(name = "adding", mixinStandardHelpOptions = true, sortOptions = false,
        description = "The adding problem: a simple RNN, an LSTM and a GRU side by side; writes the held-out MSE "
                + "curves to --out.")
final class AddingCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--length", defaultValue = "100", paramLabel = "<T>", description = "Steps per sequence "
            + "(default: ${DEFAULT-VALUE}).")
    int length;

    @Option(names = "--cells", defaultValue = "rnn,lstm,gru", split = ",", paramLabel = "<cell>", description = "The "
            + "cells to train, in order: rnn (tanh), lstm, gru (default: ${DEFAULT-VALUE}).")
    List<String> cells;

    @Option(names = "--steps", defaultValue = "4000", paramLabel = "<n>", description = "Training steps per cell, a "
            + "multiple of --eval-every (default: ${DEFAULT-VALUE}).")
    int steps;

    @Option(names = "--eval-every", defaultValue = "100", paramLabel = "<n>", description = "Steps between two "
            + "held-out evaluations (default: ${DEFAULT-VALUE}).")
    int evalEvery;

    @Option(names = "--hidden", defaultValue = "128", description = "Hidden units (default: ${DEFAULT-VALUE}).")
    int hidden;

    @Option(names = "--batch-size", defaultValue = "50", description = "Fresh examples per step (default: "
            + "${DEFAULT-VALUE}).")
    int batchSize;

    @Option(names = "--lr", defaultValue = "1e-3", description = "Adam's learning rate (default: ${DEFAULT-VALUE}).")
    double lr;

    @Option(names = "--held-out", defaultValue = "1000", paramLabel = "<n>", description = "Held-out examples, the "
            + "same for every cell (default: ${DEFAULT-VALUE}).")
    int heldOut;

    @Option(names = "--seed", defaultValue = "42", description = "Seed for initialization and examples (default: "
            + "${DEFAULT-VALUE}).")
    long seed;

    @Mixin
    DeviceOption deviceOption;

    @Option(names = "--out", paramLabel = "<dir>", description = "Output folder for the report (default: "
            + "runs/adding-<T>).")
    Path out;

    @Override
    public Integer call() throws IOException {
        List<SequenceRegressor.Cell> chosen = validateOptions();
        if (out == null) {
            out = Path.of("runs", "adding-" + length);
        }
        deviceOption.available(); // an unavailable device fails here, before anything is written
        return OutputFolder.removedIfFailed(OutputFolder.createWithoutResume(out), () -> run(chosen));
    }

    private int run(List<SequenceRegressor.Cell> chosen) throws IOException {
        PrintWriter con = spec.commandLine().getOut();
        Device device = deviceOption.device;
        AddingProblem problem = new AddingProblem(length);
        Rng seeds = new Rng(seed);
        long heldOutSeed = seeds.nextLong();
        long trainSeed = seeds.nextLong();
        AddingProblem.Examples heldExamples = problem.sample(heldOut, new Rng(heldOutSeed));
        Regression.Batch held = batch(heldExamples, device);
        float[] ones = new float[heldOut];
        Arrays.fill(ones, 1f);
        double trivial = AddingProblem.mse(ones, heldExamples.y()); // always predicting the mean sum, 1
        con.printf(Locale.ROOT, "adding problem, T = %d: %s, hidden %d, Adam lr %s, %d fresh examples per step, %d steps "
                + "per cell, held-out MSE on %d examples every %d steps, seed %d, on %s; the trivial predictor's MSE is "
                + "%.4f (%.4f on the held-out examples), under %.2f solves it; output in %s%n", length,
                String.join(", ", cells), hidden, lr, batchSize, steps, heldOut, evalEvery, seed, device,
                AddingProblem.TRIVIAL_MSE, trivial, AddingReport.SOLVED_MSE, out);
        con.flush();
        List<AddingReport.Cell> done = new ArrayList<>();
        for (SequenceRegressor.Cell cell : chosen) {
            SequenceRegressor model = new SequenceRegressor(cell, 2, hidden, seed);
            model.to(device);
            Adam adam = Adam.builder(model.namedParameters()).lr(lr).build();
            Trainer.Options options = new Trainer.Options(steps / evalEvery, batchSize, seed, lr,
                    LrSchedule.constant(), 0, 0, SequenceRegressor.NAME, "cell=" + cell.label() + ",hidden=" + hidden,
                    null, System.err);
            con.printf("%s: training (progress on stderr, one bar per %d steps)%n", cell.label(), evalEvery);
            con.flush();
            History history = new Trainer(model, adam, device, options).fit(new Regression(model),
                    examples(problem, evalEvery, batchSize, trainSeed, device), single(held), null);
            AddingReport.Cell result = new AddingReport.Cell(cell.label(), history);
            long solved = result.firstSolvedStep(evalEvery);
            con.printf(Locale.ROOT, "%s: held-out MSE %.4f after %d steps (best %.4f; %s): %s, %.0f s, %.1f "
                    + "steps/s%n", cell.label(), result.finalMse(), steps, result.bestMse(), solved < 0 ? "never under "
                    + AddingReport.SOLVED_MSE : "under " + AddingReport.SOLVED_MSE + " from step " + solved,
                    result.finalMse() < AddingReport.SOLVED_MSE ? "solved" : String.format(Locale.ROOT, "not solved "
                    + "(%.0f%% of the trivial predictor's MSE)", 100 * result.finalMse() / trivial),
                    result.seconds(), steps / result.seconds());
            con.flush();
            done.add(result);
            List<Path> files = new AddingReport(length, device.toString(), settings(), evalEvery, done)
                    .write(out, spec.commandLine().getErr());
            if (done.size() == chosen.size()) {
                con.println("report: " + files.stream().map(p -> p.getFileName().toString()).toList() + " in "
                        + out.toAbsolutePath());
            }
        }
        con.flush();
        return 0;
    }

    /** The options of this run, for metrics.json. */
    private Map<String, String> settings() {
        return new RecordedOptions(spec, Set.of(), Set.of("--device"), AddingCommand::new).settings(Set.of());
    }

    /** Epoch e's {@code batches} batches of {@code n} fresh examples, drawn in order from a generator seeded (seed + e). */
    private static BatchSource<Regression.Batch> examples(AddingProblem problem, int batches, int n, long seed,
                                                          Device device) {
        return new BatchSource<>() {
            @Override
            public int numBatches() {
                return batches;
            }

            @Override
            public Epoch<Regression.Batch> epoch(int epoch) {
                Rng rng = new Rng(seed + epoch);
                return new Epoch<>() {
                    private int made;

                    @Override
                    public boolean hasNext() {
                        return made < batches;
                    }

                    @Override
                    public Regression.Batch next() {
                        if (!hasNext()) {
                            throw new NoSuchElementException("the epoch's " + batches + " batches are all handed out");
                        }
                        made++;
                        return batch(problem.sample(n, rng), device);
                    }

                    @Override
                    public void close() {
                    }
                };
            }
        };
    }

    /** The same one batch every epoch. */
    private static BatchSource<Regression.Batch> single(Regression.Batch batch) {
        return new BatchSource<>() {
            @Override
            public int numBatches() {
                return 1;
            }

            @Override
            public Epoch<Regression.Batch> epoch(int epoch) {
                return new Epoch<>() {
                    private boolean given;

                    @Override
                    public boolean hasNext() {
                        return !given;
                    }

                    @Override
                    public Regression.Batch next() {
                        if (given) {
                            throw new NoSuchElementException("the held-out batch was handed out");
                        }
                        given = true;
                        return batch;
                    }

                    @Override
                    public void close() {
                    }
                };
            }
        };
    }

    private static Regression.Batch batch(AddingProblem.Examples examples, Device device) {
        return new Regression.Batch(examples.x(device), examples.y(device));
    }

    private List<SequenceRegressor.Cell> validateOptions() {
        if (length < 2) {
            throw new ParameterException(spec.commandLine(), "--length must be >= 2 (a marked step in each half), got "
                    + length);
        }
        if (steps < 1 || evalEvery < 1 || hidden < 1 || batchSize < 1 || heldOut < 1) {
            throw new ParameterException(spec.commandLine(), "--steps, --eval-every, --hidden, --batch-size and "
                    + "--held-out must be >= 1, got " + steps + ", " + evalEvery + ", " + hidden + ", " + batchSize
                    + " and " + heldOut);
        }
        if (steps % evalEvery != 0) {
            throw new ParameterException(spec.commandLine(), "--steps " + steps + " is not a multiple of --eval-every "
                    + evalEvery + "; the held-out MSE is measured every --eval-every steps, the last after the last "
                    + "step");
        }
        if (!(lr > 0) || Double.isInfinite(lr)) {
            throw new ParameterException(spec.commandLine(), "--lr must be > 0, got " + lr);
        }
        Set<SequenceRegressor.Cell> chosen = new LinkedHashSet<>();
        for (String name : cells) {
            SequenceRegressor.Cell cell;
            try {
                cell = SequenceRegressor.Cell.of(name);
            } catch (IllegalArgumentException e) {
                throw new ParameterException(spec.commandLine(), "--cells: " + e.getMessage());
            }
            if (!chosen.add(cell)) {
                throw new ParameterException(spec.commandLine(), "--cells names " + cell.label() + " twice");
            }
        }
        return List.copyOf(chosen);
    }
}

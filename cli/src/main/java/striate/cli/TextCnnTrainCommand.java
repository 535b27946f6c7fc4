package striate.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
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
import striate.cli.report.TextCnnReport;
import striate.data.MessageLoader;
import striate.nn.Module;
import striate.optim.Adam;
import striate.optim.LrSchedule;
import striate.tensor.Device;
import striate.train.BatchSource;
import striate.train.Checkpoint;
import striate.train.Classification;
import striate.train.History;
import striate.train.SpamScores;
import striate.train.Trainer;

/**
 * {@code striate textcnn train}: trains a text-CNN spam classifier ({@link SpamModels}) on the SpamAssassin corpus's
 * training messages with the PyTorch peer's recipe (benchmarks/pytorch/textcnn_spam.py: embedding 128 uniform in
 * ±0.25 or from a word2vec vector file, Adam 1e-3, batch 50 shuffled each epoch, the last epoch's weights tested),
 * validates every epoch, then scores the test messages next to naive Bayes and writes checkpoints and a report
 * ({@link TextCnnReport}). The guarantees of {@code train}: a new or empty output folder, every option recorded in the
 * checkpoints (with the vocabulary), --resume with the recorded options, divergence detection, a notice on signals.
 */
@Command(name = "train", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Train a text-CNN spam classifier on the SpamAssassin corpus; checkpoints and a report in --out.")
final class TextCnnTrainCommand implements Callable<Integer> {
    static final String COMMAND = "striate textcnn train";
    /** The checkpoint's vocabulary list. */
    static final String WORDS = "words";
    /** Recorded options a resumed run may change: how long it trains, and where and on how many threads. */
    static final Set<String> MAY_CHANGE = Set.of("--epochs", "--device", "--threads", "--cuda-graphs");

    @Spec
    CommandSpec spec;

    @Option(names = "--model", defaultValue = "textcnn", paramLabel = "<model>", description = "textcnn (Kim 2014) "
            + "or kmax (dynamic k-max pooling, Kalchbrenner et al. 2014) (default: ${DEFAULT-VALUE}).")
    String model;

    @Option(names = "--embeddings", defaultValue = "random", paramLabel = "random|<file>", description = "random "
            + "(uniform in ±0.25), or a word2vec vector file (text or binary) whose words start with their vectors, "
            + "the others random (default: ${DEFAULT-VALUE}).")
    String embeddings;

    @Option(names = "--freeze-embeddings", description = "Keep the embedding fixed (needs a vector file).")
    boolean freezeEmbeddings;

    @Option(names = "--embedding-dim", defaultValue = "128", description = "Embedding size; a vector file must "
            + "have it (default: ${DEFAULT-VALUE}).")
    int embeddingDim;

    @Mixin
    SpamOptions spamOptions;

    @Option(names = "--epochs", defaultValue = "5", description = "Epochs (default: ${DEFAULT-VALUE}).")
    int epochs;

    @Option(names = "--batch-size", defaultValue = "50", description = "Messages per batch (default: "
            + "${DEFAULT-VALUE}).")
    int batchSize;

    @Option(names = "--lr", defaultValue = "1e-3", description = "Adam's learning rate (default: ${DEFAULT-VALUE}).")
    double lr;

    @Option(names = "--seed", defaultValue = "42", description = "Seed for initialization, shuffling and dropout "
            + "(the split is fixed) (default: ${DEFAULT-VALUE}).")
    long seed;

    @Mixin
    ThreadsOption threads;

    @Mixin
    DeviceOption deviceOption;

    @Mixin
    CudaGraphsOption cudaGraphs;

    @Mixin
    RunOutput output;

    @Override
    public Integer call() throws IOException {
        output.defaultTo(Path.of("runs", "textcnn"));
        Checkpoint resumeFrom = output.resume ? continueRun() : null;
        validateOptions();
        return output.train(COMMAND, epochs, notice -> train(resumeFrom, notice));
    }

    private int train(Checkpoint resumeFrom, ShutdownNotice notice) throws IOException {
        PrintWriter con = spec.commandLine().getOut();
        threads.apply();
        Device device = deviceOption.available(); // fails here, in one line, before the corpus is read
        Path out = output.out;
        SpamCorpusData d = spamOptions.read();
        List<String> words = d.data().vocabulary().tokens();
        if (resumeFrom != null && !resumeFrom.vocabulary(WORDS).equals(words)) {
            throw new IllegalArgumentException(spamOptions.folder() + " gives another vocabulary than the run in "
                    + out + " was trained with (the corpus changed); resume with the corpus it was trained on, or "
                    + "start a new run");
        }
        SpamEmbeddings initial = embeddings.equals("random")
                ? SpamEmbeddings.random(d.data().vocabulary(), embeddingDim, seed)
                : SpamEmbeddings.fromFile(Path.of(embeddings), d.data().vocabulary(), embeddingDim, seed);
        SpamModels.Built built = SpamModels.create(model, words.size(), embeddingDim, initial.weight(),
                freezeEmbeddings, seed);
        Module net = built.module();
        net.to(device);
        Adam adam = Adam.builder(net.namedParameters()).lr(lr).build();
        con.printf("training %s (%s) on %s: %s from %s%n", built.name(), built.config(), device, d.counts(),
                spamOptions.folder());
        con.printf("%s, batch %d, %d epochs, seed %d; embedding %s%s; vocabulary of the training messages: %d ids "
                + "(words seen at least %d times, at most %d); first %d tokens of each message; output in %s%n", adam,
                batchSize, epochs, seed, embeddings.equals("random") ? "random (uniform in ±0.25)"
                        : embeddings + ": " + initial.found() + " of " + initial.words() + " words found, the others "
                        + "random", freezeEmbeddings ? ", frozen" : "", words.size(), spamOptions.minCount,
                spamOptions.maxWords, spamOptions.maxTokens, out);
        if (resumeFrom != null && resumeFrom.epoch() >= epochs) {
            con.printf("the run has trained its %d epochs: testing it and writing its report again (give --epochs "
                    + "above %d to train longer)%n", resumeFrom.epoch(), resumeFrom.epoch());
        }
        con.flush();
        Trainer.Options options = new Trainer.Options(epochs, batchSize, seed, lr, LrSchedule.constant(), 0, 0,
                built.name(), built.config(), out, System.err, 1, recorded().settings(Set.of()))
                .withVocabularies(Map.of(WORDS, words)).withGraphs(cudaGraphs.mode());
        MessageLoader train = new MessageLoader(d.data().train(), batchSize, built.minLength(), seed, device);
        MessageLoader validation = new MessageLoader(d.data().validation(), batchSize, built.minLength(), null,
                device);
        Trainer trainer = new Trainer(net, adam, device, options);
        notice.training(trainer);
        History history = trainer.fit(new Classification(net, "msg"), BatchSource.of(train), BatchSource.of(validation), resumeFrom);
        notice.trained();

        // the last epoch's weights, as the PyTorch peer tests them
        SpamEvaluation test = SpamEvaluation.of(net, d.data().test(), built.minLength(), device, batchSize);
        SpamScores baseline = SpamEvaluation.naiveBayes(d.data());
        con.printf("test %s (%d messages, epoch %d's weights); naive Bayes %s; %.0f test messages/s%n", test.scores(),
                test.scores().messages(), history.last().orElseThrow().epoch(), baseline, test.messagesPerSecond());
        con.flush();
        TextCnnReport report = new TextCnnReport(built.name(), embeddings + (freezeEmbeddings ? " (frozen)" : ""),
                device.toString(), history, test.scores(), baseline, test.messagesPerSecond());
        List<Path> files = report.write(out, spec.commandLine().getErr()); // a picture that fails is a warning
        con.println("report: " + files.stream().map(p -> p.getFileName().toString()).toList() + " in "
                + out.toAbsolutePath());
        con.flush();
        return 0;
    }

    private RecordedOptions recorded() {
        return new RecordedOptions(spec, MAY_CHANGE, Set.of("--device"), TextCnnTrainCommand::new);
    }

    /** Loads last.ckpt of the run in --out, which must be a spam classifier's, and takes its recorded options. */
    private Checkpoint continueRun() throws IOException {
        Checkpoint c = recorded().resume(output.out, List.of(SpamModels.checkpointName("textcnn"),
                SpamModels.checkpointName("kmax")));
        c.requireModel(SpamModels.checkpointName(model));
        recorded().noteDevice(c, RecordedOptions.canonical(deviceOption.device));
        return c;
    }

    private void validateOptions() {
        cudaGraphs.mode(); // a usage error unless auto, on or off
        spamOptions.validate(spec);
        SpamModels.check(spec, model);
        threads.validate();
        if (epochs < 1 || batchSize < 1 || embeddingDim < 1) {
            throw new ParameterException(spec.commandLine(), "--epochs, --batch-size and --embedding-dim must be >= 1, "
                    + "got " + epochs + ", " + batchSize + " and " + embeddingDim);
        }
        if (!(lr > 0) || Double.isInfinite(lr)) {
            throw new ParameterException(spec.commandLine(), "--lr must be > 0, got " + lr);
        }
        if (freezeEmbeddings && embeddings.equals("random")) {
            throw new ParameterException(spec.commandLine(), "--freeze-embeddings needs --embeddings with a vector "
                    + "file (frozen random vectors would never learn)");
        }
    }
}

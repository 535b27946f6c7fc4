package striate.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import striate.cli.report.Report;
import striate.data.Dataset;
import striate.data.ImageDataset;
import striate.data.MnistFolder;
import striate.data.Normalization;
import striate.models.LeNet5;
import striate.nn.Conv2d;
import striate.nn.Module;
import striate.optim.Adam;
import striate.optim.LrSchedule;
import striate.optim.Optimizer;
import striate.optim.Sgd;
import striate.tensor.Device;
import striate.train.Checkpoint;
import striate.train.Evaluation;
import striate.train.History;
import striate.train.Trainer;

/**
 * {@code striate train}: trains LeNet-5 on an MNIST-format folder (Fashion-MNIST from Debian's
 * dataset-fashion-mnist by default) and writes checkpoints and a report (PNG plots, metrics.json) into the
 * output folder. An output folder that already holds a run is never overwritten: continue it with --resume.
 */
@Command(name = "train", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Train a model on MNIST-format data; writes checkpoints and a report to --out.")
final class TrainCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--model", defaultValue = LeNet5.NAME, description = "Model to train (default: ${DEFAULT-VALUE}).")
    String model;

    @Option(names = "--data", paramLabel = "<dir>", description = "Folder with train-images-idx3-ubyte, "
            + "train-labels-idx1-ubyte, t10k-images-idx3-ubyte, t10k-labels-idx1-ubyte (each optionally .gz); "
            + "default: Debian's Fashion-MNIST.")
    Path data;

    @Option(names = "--epochs", defaultValue = "10", description = "Epochs (default: ${DEFAULT-VALUE}).")
    int epochs;

    @Option(names = "--batch-size", defaultValue = "64", description = "Batch size (default: ${DEFAULT-VALUE}).")
    int batchSize;

    @Option(names = "--lr", defaultValue = "0.02", description = "Learning rate (default: ${DEFAULT-VALUE}).")
    double lr;

    @Option(names = "--optimizer", defaultValue = "sgd", description = "sgd or adam (default: ${DEFAULT-VALUE}).")
    String optimizer;

    @Option(names = "--momentum", defaultValue = "0.9", description = "SGD momentum (default: ${DEFAULT-VALUE}).")
    double momentum;

    @Option(names = "--weight-decay", defaultValue = "0", description = "L2 penalty (default: ${DEFAULT-VALUE}).")
    double weightDecay;

    @Option(names = "--l1", defaultValue = "0", description = "L1 penalty (default: ${DEFAULT-VALUE}).")
    double l1;

    @Option(names = "--dropout", defaultValue = "0", description = "Dropout before the output layer, in [0, 1) "
            + "(default: ${DEFAULT-VALUE}).")
    double dropout;

    @Option(names = "--activation", defaultValue = "relu", description = "relu or tanh (default: ${DEFAULT-VALUE}).")
    String activation;

    @Option(names = "--pool", defaultValue = "max", description = "max or avg (default: ${DEFAULT-VALUE}).")
    String pool;

    @Option(names = "--schedule", defaultValue = "cosine", description = "Learning-rate schedule: none, step "
            + "(x0.1 every --step-size epochs) or cosine (to lr/1000 over --epochs; default: ${DEFAULT-VALUE}).")
    String schedule;

    @Option(names = "--step-size", defaultValue = "5", description = "Epochs per step of the step schedule "
            + "(default: ${DEFAULT-VALUE}).")
    int stepSize;

    @Option(names = "--patience", defaultValue = "0", description = "Stop after this many epochs without a better "
            + "validation loss; 0 turns early stopping off (default: ${DEFAULT-VALUE}).")
    int patience;

    @Option(names = "--validation", defaultValue = "5000", description = "Training images held out for validation "
            + "(default: ${DEFAULT-VALUE}).")
    int validation;

    @Option(names = "--limit", defaultValue = "0", description = "Train on the first N training images only (for "
            + "quick runs); 0 uses all (default: ${DEFAULT-VALUE}).")
    int limit;

    @Option(names = "--seed", defaultValue = "42", description = "Seed for initialization, shuffling and dropout "
            + "(default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--device", defaultValue = "cpu", converter = DeviceConverter.class, paramLabel = "<device>",
            description = "reference, cpu or cuda:<index> (default: ${DEFAULT-VALUE}).")
    Device device;

    @Option(names = "--out", defaultValue = "runs/lenet5", paramLabel = "<dir>",
            description = "Output folder for checkpoints and the report (default: ${DEFAULT-VALUE}).")
    Path out;

    @Option(names = "--resume", description = "Continue the run in --out from its last checkpoint.")
    boolean resume;

    @Override
    public Integer call() throws IOException {
        validateOptions();
        PrintWriter con = spec.commandLine().getOut();
        Path folder = data != null ? data : MnistFolder.defaultFashionMnistFolder();
        MnistFolder mnist = MnistFolder.open(folder);
        Checkpoint resumeFrom = prepareOutput();
        Normalization norm = Normalization.FASHION_MNIST;
        ImageDataset all = mnist.train(norm);
        Dataset.Split split = all.split(validation, seed);
        Dataset train = limit > 0 ? split.train().subset(Math.min(limit, split.train().size())) : split.train();
        Dataset test = mnist.test(norm);

        LeNet5.Config config = new LeNet5.Config(LeNet5.Activation.valueOf(activation.toUpperCase()),
                LeNet5.Pooling.valueOf(pool.toUpperCase()), dropout, MnistFolder.CLASSES);
        if (resumeFrom != null) {
            config = LeNet5.Config.parse(resumeFrom.modelConfig());
        }
        LeNet5 net = new LeNet5(config, seed);
        net.to(device);
        Optimizer opt = optimizer(net);
        con.printf("training %s (%s) on %s: %d train / %d validation / %d test images from %s%n", LeNet5.NAME, config,
                device, train.size(), split.validation().size(), test.size(), folder);
        con.printf("%s, %s schedule, batch %d, %d epochs, seed %d; output in %s%n", opt, schedule, batchSize, epochs,
                seed, out);
        con.flush();

        Trainer trainer = new Trainer(net, opt, device, new Trainer.Options(epochs, batchSize, seed, lr,
                schedule(), patience, 0, LeNet5.NAME, config.toString(), out, System.err));
        History history = trainer.fit(train, split.validation(), resumeFrom);

        Path best = out.resolve(Trainer.BEST);
        if (Files.exists(best)) {
            Checkpoint.load(best).restoreInto(net); // in place, on whatever device the model is on
        }
        Evaluation eval = Evaluation.of(net, test, device, 1000);
        Report report = new Report(LeNet5.NAME, device.toString(), Report.FASHION_MNIST_CLASSES, history.epochs(),
                eval.metrics(), eval.loss(), ((Conv2d) net.children().get("c1")).weight().value(),
                misclassified(test, eval, 36), List.of(norm));
        List<Path> files = report.write(out);
        con.printf("test accuracy %.4f, test loss %.4f (%s)%n", eval.accuracy(), eval.loss(),
                Files.exists(best) ? "best validation epoch" : "last epoch");
        con.println("report: " + files.stream().map(p -> p.getFileName().toString()).toList() + " in "
                + out.toAbsolutePath());
        con.flush();
        return 0;
    }

    private void validateOptions() {
        if (!model.equals(LeNet5.NAME)) {
            throw new ParameterException(spec.commandLine(), "train supports --model " + LeNet5.NAME + " for now, got '"
                    + model + "'");
        }
        requirePositive("--epochs", epochs);
        requirePositive("--batch-size", batchSize);
        requirePositive("--lr", lr);
        if (validation < 0 || limit < 0 || patience < 0 || stepSize < 1) {
            throw new ParameterException(spec.commandLine(),
                    "--validation, --limit and --patience must be >= 0 and --step-size >= 1");
        }
        if (!(dropout >= 0 && dropout < 1)) {
            throw new ParameterException(spec.commandLine(), "--dropout must be in [0, 1), got " + dropout);
        }
        if (!List.of("sgd", "adam").contains(optimizer)) {
            throw new ParameterException(spec.commandLine(), "--optimizer must be sgd or adam, got '" + optimizer + "'");
        }
        if (!List.of("relu", "tanh").contains(activation) || !List.of("max", "avg").contains(pool)) {
            throw new ParameterException(spec.commandLine(), "--activation must be relu or tanh and --pool max or avg");
        }
        if (!List.of("none", "step", "cosine").contains(schedule)) {
            throw new ParameterException(spec.commandLine(), "--schedule must be none, step or cosine, got '"
                    + schedule + "'");
        }
    }

    private void requirePositive(String name, double v) {
        if (!(v > 0) || Double.isInfinite(v)) {
            throw new ParameterException(spec.commandLine(), name + " must be > 0, got " + v);
        }
    }

    /** Checks the output folder is writable and holds no other run; returns the checkpoint to resume, if any. */
    private Checkpoint prepareOutput() throws IOException {
        Path last = out.resolve(Trainer.LAST);
        if (resume) {
            if (!Files.exists(last)) {
                throw new IllegalArgumentException("--resume: there is no " + Trainer.LAST + " in " + out
                        + " to continue from");
            }
            return Checkpoint.load(last).requireModel(LeNet5.NAME);
        }
        if (Files.exists(last) || Files.exists(out.resolve("metrics.json"))) {
            throw new IllegalArgumentException(out + " already holds a training run; continue it with --resume or "
                    + "choose another --out (nothing was overwritten)");
        }
        try {
            Files.createDirectories(out);
            Path probe = Files.createTempFile(out, ".write-test", ".tmp");
            Files.delete(probe);
        } catch (IOException | SecurityException e) {
            throw new IOException("cannot write to the output folder " + out + " (" + e.getMessage()
                    + "); choose a writable --out", e);
        }
        return null;
    }

    private Optimizer optimizer(Module net) {
        if (optimizer.equals("adam")) {
            return Adam.builder(net.namedParameters()).lr(lr).weightDecay(weightDecay).l1(l1).build();
        }
        return Sgd.builder(net.namedParameters()).lr(lr).momentum(momentum).weightDecay(weightDecay).l1(l1).build();
    }

    private LrSchedule schedule() {
        return switch (schedule) {
            case "step" -> LrSchedule.step(stepSize, 0.1);
            case "cosine" -> LrSchedule.cosine(epochs, lr * 1e-3);
            default -> LrSchedule.constant();
        };
    }

    /** Up to {@code max} misclassified test images, in test-set order. */
    static List<Report.Example> misclassified(Dataset test, Evaluation eval, int max) {
        List<Report.Example> out = new ArrayList<>();
        for (int i = 0; i < test.size() && out.size() < max; i++) {
            if (eval.predicted()[i] != eval.actual()[i]) {
                out.add(new Report.Example(test.image(i), test.channels(), test.height(), test.width(), eval.actual()[i],
                        eval.predicted()[i]));
            }
        }
        return out;
    }
}

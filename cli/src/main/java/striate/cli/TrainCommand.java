package striate.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.Spec;
import striate.amp.Precision;
import striate.backend.Backends;
import striate.cli.report.Report;
import striate.data.ImageFolder;
import striate.data.Dataset;
import striate.data.MnistFolder;
import striate.models.AlexNet;
import striate.models.LeNet5;
import striate.nn.Conv2d;
import striate.nn.Module;
import striate.optim.Adadelta;
import striate.optim.Adagrad;
import striate.optim.Adam;
import striate.optim.LrSchedule;
import striate.optim.Optimizer;
import striate.optim.RMSprop;
import striate.optim.Sgd;
import striate.parallel.DataParallel;
import striate.tensor.Device;
import striate.tensor.Tensor;
import striate.train.Checkpoint;
import striate.train.Evaluation;
import striate.train.GraphMode;
import striate.train.History;
import striate.train.Trainer;

/**
 * {@code striate train}: trains LeNet-5 on an MNIST-format folder (Fashion-MNIST from Debian's
 * dataset-fashion-mnist by default) or AlexNet on an image folder, on one device or data-parallel on several,
 * and writes checkpoints and a report (PNG plots, metrics.json) into the output folder. A new run needs a new or
 * empty output folder, so nothing is ever overwritten. Every checkpoint records the run's options; --resume takes
 * them from last.ckpt, and refuses options given again with other values, except those meant to change
 * ({@link #MAY_CHANGE}).
 */
@Command(name = "train", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Train LeNet-5 on MNIST-format data or AlexNet on an image folder; writes checkpoints and a "
                + "report to --out.")
final class TrainCommand implements Callable<Integer> {
    /** What --optimizer takes. */
    static final List<String> OPTIMIZERS = List.of("sgd", "adam", "adamw", "rmsprop", "adagrad", "adadelta");

    /**
     * Recorded options a resumed run may change: how long it trains and when it stops early, and where it computes
     * (the same arithmetic, on other hardware or threads, eager or replayed from a graph). Everything else would make
     * it another run.
     */
    static final Set<String> MAY_CHANGE = Set.of("--epochs", "--patience", "--workers", "--device",
            "--devices", "--cuda-graphs");
    private static final Set<String> DEVICE_OPTIONS = Set.of("--device", "--devices");

    @Spec
    CommandSpec spec;

    @Option(names = "--model", defaultValue = LeNet5.NAME, description = "lenet5 or alexnet (default: "
            + "${DEFAULT-VALUE}).")
    String model;

    @Option(names = "--config", defaultValue = "", paramLabel = "<key=value,...>", description = "AlexNet options: "
            + "variant=paper|owt, size=<crop side, default 224>, channels=3|1 (classes come from the data).")
    String config;

    @Option(names = "--data", paramLabel = "<dir>", description = "lenet5: a folder with train-images-idx3-ubyte, "
            + "train-labels-idx1-ubyte, t10k-images-idx3-ubyte, t10k-labels-idx1-ubyte (each optionally .gz; "
            + "default: Debian's Fashion-MNIST). alexnet: an image folder, <dir>/train/<class>/*.png|jpg with "
            + "<dir>/val (or test) as the test set, or <dir>/<class>/* alone.")
    Path data;

    @Option(names = "--epochs", defaultValue = "10", description = "Epochs (default: ${DEFAULT-VALUE}).")
    int epochs;

    @Option(names = "--batch-size", defaultValue = "64", description = "Batch size (default: ${DEFAULT-VALUE}).")
    int batchSize;

    @Option(names = "--lr", description = "Learning rate (default: 0.02 for lenet5, 0.01 for alexnet).")
    Double lr;

    @Option(names = "--optimizer", defaultValue = "sgd", description = "sgd, adam, adamw (decoupled weight decay), "
            + "rmsprop, adagrad or adadelta (default: ${DEFAULT-VALUE}).")
    String optimizer;

    @Option(names = "--momentum", defaultValue = "0.9", description = "SGD momentum (default: ${DEFAULT-VALUE}).")
    double momentum;

    @Option(names = "--weight-decay", defaultValue = "0", description = "L2 penalty added to the gradient; with "
            + "--optimizer adamw the decoupled decay of the weights, without which adamw is adam (default: "
            + "${DEFAULT-VALUE}; PyTorch's AdamW defaults to 0.01).")
    double weightDecay;

    @Option(names = "--l1", defaultValue = "0", description = "L1 penalty (default: ${DEFAULT-VALUE}).")
    double l1;

    @Option(names = "--dropout", description = "Dropout in [0, 1): lenet5 before its output layer (default 0), "
            + "alexnet before fc6 and fc7 (default 0.5).")
    Double dropout;

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
            + "validation loss (training loss without validation); 0 turns early stopping off (default: "
            + "${DEFAULT-VALUE}).")
    int patience;

    @Option(names = "--validation", defaultValue = "10%", converter = ValidationSplit.Converter.class,
            paramLabel = "<count|fraction|percent%>", description = "Training images held out (seeded) for "
            + "validation: a count (5000), a fraction (0.1) or a percentage (10%%) of the training images; 0 for none, "
            + "then best.ckpt and --patience follow the training loss (default: ${DEFAULT-VALUE}).")
    ValidationSplit validation;

    @Option(names = "--limit", defaultValue = "0", description = "Train on N training images only (for "
            + "quick runs: the first N of MNIST-format data, N drawn at random, seeded, from an image folder), after "
            + "the validation images are held out; 0 uses all (default: ${DEFAULT-VALUE}).")
    int limit;

    @Option(names = "--seed", defaultValue = "42", description = "Seed for initialization, shuffling and dropout "
            + "(default: ${DEFAULT-VALUE}).")
    long seed;

    @Mixin
    DeviceOption deviceOption;

    @Option(names = "--devices", split = ",", converter = DeviceConverter.class, paramLabel = "<device>",
            description = "Several devices for data-parallel training, e.g. cuda:0,cuda:1 or cpu:0,cpu:1 (one "
                    + "replica each, the batch split between them); replaces --device.")
    List<Device> devices;

    @Option(names = "--precision", defaultValue = "fp32", description = "fp32, or mixed precision: bf16 or fp16 "
            + "autocast around the forward pass and loss, float32 master weights, fp16 with dynamic loss scaling "
            + "(one device: cpu, cuda or reference; default: ${DEFAULT-VALUE}).")
    String precision;

    @Mixin
    CudaGraphsOption cudaGraphs;

    @Option(names = "--workers", description = "Threads that decode and augment images (default: the number of "
            + "cores, at most 4, for image folders; 1 for MNIST-format data, which is in memory).")
    Integer workers;

    @Option(names = "--resize", description = "alexnet: shorter side images are resized to before cropping "
            + "(default: size x 256/224).")
    Integer resizeOption;

    @Option(names = "--class-names", split = ",", paramLabel = "<name>", description = "lenet5: the ten class names "
            + "in label order, for the report, evaluate and predict (default: Fashion-MNIST's; e.g. 0,1,2,3,4,5,6,7,8,9 "
            + "for MNIST digits). alexnet takes the image folder's class folders.")
    List<String> classNames;

    @Mixin
    RunOutput output;

    @Override
    public Integer call() throws IOException {
        output.defaultTo(Path.of("runs", model));
        Checkpoint resumeFrom = output.resume ? continueRun() : null;
        resolveDefaults();
        validateOptions();
        return output.train("striate train", epochs, notice -> train(resumeFrom, notice));
    }

    private int train(Checkpoint resumeFrom, ShutdownNotice notice) throws IOException {
        PrintWriter con = spec.commandLine().getOut();
        Device device = deviceOption.device;
        Path out = output.out;
        for (Device d : devices != null ? devices : List.of(device)) {
            Backends.of(d); // an unavailable device fails here, in one line, before the data is read
        }
        String modelConfig = resumeFrom != null ? resumeFrom.modelConfig() : null;
        TrainingData d;
        Supplier<Module> factory;
        if (model.equals(AlexNet.NAME)) {
            AlexNet.Config c = modelConfig != null ? AlexNet.Config.parse(modelConfig) : alexNetConfig();
            int resize = resizeOption != null ? resizeOption : ImageFolder.defaultResize(c.size());
            d = TrainingData.imageFolder(requireData(), c.size(), resize, c.channels(), validation, seed, limit);
            if (resumeFrom != null && c.classes() != d.classNames().size()) {
                throw new IllegalArgumentException("the run in " + out + " trained " + c.classes() + " classes but "
                        + d.source() + " has " + d.classNames().size());
            }
            AlexNet.Config full = new AlexNet.Config(c.variant(), d.classNames().size(), c.channels(), c.size(),
                    c.dropout());
            factory = () -> new AlexNet(full, seed);
            modelConfig = full.toString();
        } else {
            d = TrainingData.mnist(data, validation, seed, limit,
                    classNames != null ? List.copyOf(classNames) : Report.FASHION_MNIST_CLASSES);
            LeNet5.Config c = modelConfig != null ? LeNet5.Config.parse(modelConfig) : new LeNet5.Config(
                    LeNet5.Activation.valueOf(activation.toUpperCase(Locale.ROOT)),
                    LeNet5.Pooling.valueOf(pool.toUpperCase(Locale.ROOT)), dropout, MnistFolder.CLASSES);
            factory = () -> new LeNet5(c, seed);
            modelConfig = c.toString();
        }
        Trainer.Options options = new Trainer.Options(epochs, batchSize, seed, lr, schedule(), patience, 0, model,
                modelConfig, out, System.err, workers, settings()).withPrecision(Precision.parse(precision))
                .withGraphs(cudaGraphs.mode());
        Module net;
        History history;
        if (devices != null && devices.size() > 1) {
            limitCpuThreads(devices);
            try (DataParallel dp = DataParallel.builder(devices, factory, this::optimizer).build()) {
                net = dp.module();
                announce(con, d, modelConfig, devices.toString(), dp.optimizer(), resumeFrom);
                Trainer trainer = new Trainer(net, dp.optimizer(), device, dp.trainStep(), options);
                notice.training(trainer);
                history = trainer.fit(d.train(), d.validation(), resumeFrom);
            }
        } else {
            net = factory.get().to(device);
            Optimizer opt = optimizer(net);
            announce(con, d, modelConfig, device.toString(), opt, resumeFrom);
            Trainer trainer = new Trainer(net, opt, device, options);
            notice.training(trainer);
            history = trainer.fit(d.train(), d.validation(), resumeFrom);
        }
        notice.trained();

        Path best = out.resolve(Trainer.BEST);
        if (Files.exists(best)) {
            Checkpoint.load(best).restoreInto(net); // in place, on whatever device the model is on
        }
        Dataset test = d.reportSet();
        Evaluation eval = Evaluation.of(net, test, device, Evaluation.batchSizeFor(test, batchSize), workers);
        String where = devices != null && devices.size() > 1 ? devices.toString() : device.toString();
        Report report = new Report(model, where, d.classNames(), history.epochs(), eval.metrics(),
                eval.loss(), firstConvWeight(net), misclassified(test, eval, 36), d.normalization(), precision);
        String weights = history.best().filter(b -> Files.exists(best))
                .map(b -> "best.ckpt: epoch " + b.epoch() + ", lowest " + (b.hasValidation() ? "validation" : "training")
                        + " loss")
                .orElse("last epoch");
        con.printf("%s accuracy %.4f, %s loss %.4f (%s)%n", d.test() != null ? "test" : "validation",
                eval.accuracy(), d.test() != null ? "test" : "validation", eval.loss(), weights);
        con.flush();
        List<Path> files = report.write(out, spec.commandLine().getErr()); // a picture that fails is a warning
        con.println("report: " + files.stream().map(p -> p.getFileName().toString()).toList() + " in "
                + out.toAbsolutePath());
        con.flush();
        return 0;
    }

    private void announce(PrintWriter con, TrainingData d, String modelConfig, String where, Optimizer opt,
                          Checkpoint resumeFrom) {
        con.printf("training %s (%s) on %s: %d train / %d validation / %s test images from %s%n", model, modelConfig,
                where, d.train().size(), d.validation().size(), d.test() == null ? "no" : d.test().size(), d.source());
        con.printf("%s, %s schedule, batch %d, %d epochs, seed %d, %s, %d loader thread(s); output in %s%n", opt,
                schedule, batchSize, epochs, seed, precision, workers, output.out);
        if (d.validation().size() == 0) {
            con.println("no validation images (--validation 0): best.ckpt and early stopping follow the training loss");
        }
        if (resumeFrom != null && resumeFrom.epoch() >= epochs) {
            con.printf("the run has trained its %d epochs: writing its report again (give --epochs above %d to train "
                    + "longer)%n", resumeFrom.epoch(), resumeFrom.epoch());
        }
        con.flush();
    }

    /**
     * Several CPU devices share this machine's cores: each backend gets cores / devices intra-op threads (at least
     * one) unless -Dstriate.cpu.threads says otherwise, so N replicas do not run N × cores threads.
     */
    private static void limitCpuThreads(List<Device> devices) {
        long cpus = devices.stream().filter(d -> d.kind() == Device.Kind.CPU).distinct().count(); // one pool each
        if (cpus > 1 && System.getProperty("striate.cpu.threads") == null) {
            int cores = Runtime.getRuntime().availableProcessors();
            System.setProperty("striate.cpu.threads", Integer.toString((int) Math.max(1, cores / cpus)));
        }
    }

    /** Fills the options whose defaults depend on the model or the machine; checks --devices. */
    private void resolveDefaults() {
        boolean alexNet = model.equals(AlexNet.NAME);
        if (lr == null) {
            lr = alexNet ? 0.01 : 0.02;
        }
        if (dropout == null) {
            dropout = alexNet ? 0.5 : 0.0;
        }
        if (workers == null) { // image decoding wants threads; MNIST-format data is already in memory
            workers = alexNet ? Math.min(4, Runtime.getRuntime().availableProcessors()) : 1;
        }
        if (data == null && !alexNet) {
            data = MnistFolder.defaultFashionMnistFolder();
        }
        if (devices != null && !devices.isEmpty()) {
            ParseResult given = spec.commandLine().getParseResult();
            if (given.hasMatchedOption("--device") && given.hasMatchedOption("--devices")) {
                throw new ParameterException(spec.commandLine(), "give either --device or --devices, not both");
            }
            Set<Device> seen = new HashSet<>();
            for (Device d : devices) {
                if (!seen.add(d)) {
                    throw new ParameterException(spec.commandLine(), "--devices lists " + d + " twice; give each "
                            + "device once (one replica per device)");
                }
            }
            deviceOption.device = devices.getFirst(); // batches, validation and the report run on the first replica's device
        }
    }

    private RecordedOptions recorded() {
        return new RecordedOptions(spec, MAY_CHANGE, DEVICE_OPTIONS, TrainCommand::new);
    }

    /** The options this run records in its checkpoints ({@link RecordedOptions}): --devices replaces --device. */
    private Map<String, String> settings() {
        return recorded().settings(devices != null ? Set.of("--device") : Set.of());
    }

    /**
     * Loads {@code last.ckpt} of the run in --out and makes its recorded options this command's ({@link
     * RecordedOptions#resume}); says so when it continues on other devices.
     */
    private Checkpoint continueRun() throws IOException {
        Checkpoint c = recorded().resume(output.out, List.of(LeNet5.NAME, AlexNet.NAME)); // --model may come from it
        recorded().noteDevice(c, RecordedOptions.canonical(devices != null ? devices : deviceOption.device));
        return c.requireModel(model);
    }

    private AlexNet.Config alexNetConfig() {
        AlexNet.Config c;
        try {
            c = AlexNet.Config.parse(config);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), "--config: " + e.getMessage());
        }
        return new AlexNet.Config(c.variant(), c.classes(), c.channels(), c.size(), dropout);
    }

    private Path requireData() {
        if (data == null) {
            throw new ParameterException(spec.commandLine(), "--model alexnet needs --data <image folder> (class "
                    + "folders of PNG/JPEG images; 'striate export-images' writes Fashion-MNIST as one)");
        }
        return data;
    }

    /** The first convolution's weight [k, c, kh, kw] for the filters plot, or null when there is none. */
    static Tensor firstConvWeight(Module net) {
        for (Module m : net.children().values()) {
            if (m instanceof Conv2d conv) {
                return conv.weight().value();
            }
        }
        return null;
    }

    private void validateOptions() {
        if (!model.equals(LeNet5.NAME) && !model.equals(AlexNet.NAME)) {
            throw new ParameterException(spec.commandLine(), "train supports --model " + LeNet5.NAME + " and "
                    + AlexNet.NAME + ", got '" + model + "'");
        }
        if (!config.isEmpty() && !model.equals(AlexNet.NAME)) {
            throw new ParameterException(spec.commandLine(), "--config is for alexnet; LeNet-5 takes --activation, "
                    + "--pool and --dropout");
        }
        ParseResult typed = spec.commandLine().getParseResult(); // not what a resumed run adopted from its record
        if (resizeOption != null && !model.equals(AlexNet.NAME) && typed.hasMatchedOption("--resize")) { // ignored
            throw new ParameterException(spec.commandLine(), "--resize is for alexnet's image folders; LeNet-5 "
                    + "takes MNIST-format 28x28 images as they are");
        }
        if (classNames != null && model.equals(AlexNet.NAME)) {
            throw new ParameterException(spec.commandLine(), "--class-names is for lenet5's MNIST-format data; alexnet "
                    + "names its classes after the image folder's class folders");
        }
        if (classNames != null && (classNames.size() != MnistFolder.CLASSES
                || classNames.stream().anyMatch(n -> n.isBlank() || n.contains(",")))) {
            throw new ParameterException(spec.commandLine(), "--class-names takes " + MnistFolder.CLASSES + " names, "
                    + "in label order, none empty and none with a comma, got " + classNames.size() + ": " + classNames);
        }
        if (model.equals(AlexNet.NAME) && (typed.hasMatchedOption("--activation") || typed.hasMatchedOption("--pool"))) {
            throw new ParameterException(spec.commandLine(), "--activation and --pool are LeNet-5's; AlexNet's "
                    + "layers are fixed (its options are --config variant=paper|owt,size=...,channels=...)");
        }
        if (!OPTIMIZERS.contains(optimizer)) {
            throw new ParameterException(spec.commandLine(), "--optimizer must be one of " + String.join(", ", OPTIMIZERS)
                    + ", got '" + optimizer + "'");
        }
        if (!optimizer.equals("sgd") && typed.hasMatchedOption("--momentum")) {
            throw new ParameterException(spec.commandLine(), "--momentum is SGD's; --optimizer " + optimizer + " runs "
                    + "without it, with PyTorch's defaults (leave --momentum out, or use --optimizer sgd)");
        }
        if (workers < 1) {
            throw new ParameterException(spec.commandLine(), "--workers must be >= 1, got " + workers);
        }
        if (resizeOption != null && resizeOption < 1) {
            throw new ParameterException(spec.commandLine(), "--resize must be >= 1, got " + resizeOption);
        }
        if (epochs < 1) {
            throw new ParameterException(spec.commandLine(), "--epochs must be >= 1, got " + epochs);
        }
        if (batchSize < 1) {
            throw new ParameterException(spec.commandLine(), "--batch-size must be >= 1, got " + batchSize);
        }
        requirePositive("--lr", lr);
        if (optimizer.equals("sgd") && !(momentum >= 0 && momentum < 1)) { // SGD's own check: exit 1, not the usage
            throw new ParameterException(spec.commandLine(), "--momentum must be in [0, 1), got " + momentum);
        }
        if (!(weightDecay >= 0) || Double.isInfinite(weightDecay)) {
            throw new ParameterException(spec.commandLine(), "--weight-decay must be >= 0 and finite, got "
                    + weightDecay);
        }
        if (!(l1 >= 0) || Double.isInfinite(l1)) {
            throw new ParameterException(spec.commandLine(), "--l1 must be >= 0 and finite, got " + l1);
        }
        if (limit < 0) {
            throw new ParameterException(spec.commandLine(), "--limit must be >= 0 (0: all), got " + limit);
        }
        if (patience < 0) {
            throw new ParameterException(spec.commandLine(), "--patience must be >= 0 (0: off), got " + patience);
        }
        if (stepSize < 1) {
            throw new ParameterException(spec.commandLine(), "--step-size must be >= 1, got " + stepSize);
        }
        if (!schedule.equals("step") && typed.hasMatchedOption("--step-size")) {
            throw new ParameterException(spec.commandLine(), "--step-size is for --schedule step; the " + schedule
                    + " schedule has no steps"); // it was ignored
        }
        if (!(dropout >= 0 && dropout < 1)) {
            throw new ParameterException(spec.commandLine(), "--dropout must be in [0, 1), got " + dropout);
        }
        if (!List.of("relu", "tanh").contains(activation) || !List.of("max", "avg").contains(pool)) {
            throw new ParameterException(spec.commandLine(), "--activation must be relu or tanh and --pool max or avg");
        }
        if (!List.of("fp32", "bf16", "fp16").contains(precision)) {
            throw new ParameterException(spec.commandLine(), "--precision must be fp32, bf16 or fp16, got '"
                    + precision + "'");
        }
        if (!precision.equals("fp32") && devices != null && devices.size() > 1) {
            throw new ParameterException(spec.commandLine(), "--precision " + precision + " trains on one device; "
                    + "data-parallel training (--devices) runs in fp32: leave out --precision or give one --device");
        }
        if (cudaGraphs.mode() == GraphMode.ON && devices != null && devices.size() > 1) {
            throw new ParameterException(spec.commandLine(), "--cuda-graphs on captures one device's step; "
                    + "data-parallel training (--devices) runs eagerly: leave out --cuda-graphs or give one --device");
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

    /** The optimizer of --optimizer over {@code net}'s parameters, with --lr, --weight-decay and --l1. */
    private Optimizer optimizer(Module net) {
        var p = net.namedParameters();
        return switch (optimizer) {
            case "adam" -> Adam.builder(p).lr(lr).weightDecay(weightDecay).l1(l1).build();
            case "adamw" -> Adam.builder(p).lr(lr).weightDecay(weightDecay).decoupled(true).l1(l1).build();
            case "rmsprop" -> RMSprop.builder(p).lr(lr).weightDecay(weightDecay).l1(l1).build();
            case "adagrad" -> Adagrad.builder(p).lr(lr).weightDecay(weightDecay).l1(l1).build();
            case "adadelta" -> Adadelta.builder(p).lr(lr).weightDecay(weightDecay).l1(l1).build();
            default -> Sgd.builder(p).lr(lr).momentum(momentum).weightDecay(weightDecay).l1(l1).build();
        };
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

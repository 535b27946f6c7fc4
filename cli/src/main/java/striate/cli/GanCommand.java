package striate.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import striate.cli.report.GanReport;
import striate.cli.report.Report;
import striate.data.DataLoader;
import striate.data.Dataset;
import striate.data.Idx;
import striate.data.IdxImages;
import striate.data.MnistFolder;
import striate.data.Normalization;
import striate.gan.Gan;
import striate.gan.GanHistory;
import striate.gan.GanRecipe;
import striate.gan.GanTrainer;
import striate.gan.Latents;
import striate.tensor.Device;
import striate.tensor.Rng;
import striate.tensor.Tensor;
import striate.train.Checkpoint;
import striate.train.FidLeNet;

/**
 * {@code striate gan}: trains one GAN of the family ({@link GanRecipe}: gan, dcgan, wgan, wgan-gp, cgan) on
 * Fashion-MNIST's training images scaled to [-1, 1], with its paper recipe, then writes the report into --out: a
 * grid of the fixed latents' samples per epoch ({@code epoch-NNN.png}), {@code final.png} (for cgan a row per class,
 * labelled), {@code interpolation.png} (linear and spherical paths between two fixed latents), {@code losses.png},
 * {@code metrics.json}, {@code samples-images-idx3-ubyte} (--samples images, pixel = round((x + 1)·127.5) clamped to
 * 0..255; for cgan the classes in turn, and {@code samples-labels-idx1-ubyte}), and {@code last.ckpt} after every
 * epoch. With --fid-checkpoint, the FID-LeNet of the samples file's images against the test images, and for cgan the
 * LeNet's accuracy on them against their labels. --out DIR --resume continues the run in DIR from its last.ckpt with
 * its recorded options, as the other training commands do ({@link RunOutput}); a signal says which epoch last.ckpt
 * holds and how to continue ({@link ShutdownNotice}).
 */
@Command(name = "gan", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Train a GAN of the family (--model) on Fashion-MNIST; samples, grids, losses, checkpoints and "
                + "metrics in --out.")
final class GanCommand implements Callable<Integer> {
    static final String COMMAND = "striate gan";
    static final String SAMPLES = "samples-images-idx3-ubyte";
    static final String SAMPLE_LABELS = "samples-labels-idx1-ubyte";
    /** The most images --samples writes, here and in {@code vae} (28·28 bytes each, made as float32 in one tensor). */
    static final int MAX_SAMPLES = 100_000;
    /** Options a resumed run may give anew: how long, where, and what the report scores. */
    static final Set<String> MAY_CHANGE = Set.of("--epochs", "--device", "--threads", "--samples",
            "--fid-checkpoint", "--cuda-graphs");
    private static final int STRIP = 10;

    @Spec
    CommandSpec spec;

    @Option(names = "--model", defaultValue = "dcgan", converter = GanModel.Converter.class, paramLabel = "<model>",
            description = "${COMPLETION-CANDIDATES}: gan has MLP nets, wgan clips weights, wgan-gp has a gradient "
                    + "penalty, cgan is a conditional DCGAN (default: ${DEFAULT-VALUE}).")
    GanModel model;

    @Option(names = "--data", paramLabel = "<dir>", description = "A folder with Fashion-MNIST's (or MNIST's) four "
            + "IDX files, plain or .gz (default: Debian's /usr/share/datasets/fashion-mnist).")
    Path data;

    @Option(names = "--epochs", defaultValue = "25", description = "Epochs (default: ${DEFAULT-VALUE}).")
    int epochs;

    @Option(names = "--batch-size", paramLabel = "<n>", description = "Real images per discriminator step (default: "
            + "the recipe's: 128 for gan, dcgan and cgan, 64 for wgan and wgan-gp).")
    Integer batchSize;

    @Option(names = "--seed", defaultValue = "42", description = "Seed of the weights, the batches' order and the "
            + "latents (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--limit", defaultValue = "0", paramLabel = "<n>", description = "Train on the first N training "
            + "images only (0: all 60,000) (default: ${DEFAULT-VALUE}).")
    int limit;

    @Mixin
    ThreadsOption threads;

    @Mixin
    DeviceOption deviceOption;

    @Mixin
    RunOutput output;

    @Mixin
    CudaGraphsOption cudaGraphs;

    @Option(names = "--samples", defaultValue = "10000", paramLabel = "<n>", description = "Images in the samples "
            + "file (default: ${DEFAULT-VALUE}).")
    int samples;

    @Option(names = "--fid-checkpoint", paramLabel = "<file>", description = "A LeNet-5 checkpoint of 'striate "
            + "train': score the samples with FID-LeNet against the test images (and, for cgan, the LeNet's "
            + "accuracy on them).")
    Path fidCheckpoint;

    /** A word that is no option: what the old form {@code --resume DIR/last.ckpt} leaves (see {@link #call}). */
    @Parameters(hidden = true, arity = "0..1")
    String stray;

    @Override
    public Integer call() throws IOException {
        if (stray != null) {
            Path folder = Objects.requireNonNullElse(Path.of(stray).getParent(), Path.of("."));
            throw new ParameterException(spec.commandLine(), output.resume ? "--resume takes no file: give --out "
                    + folder + " --resume to continue the run in " + folder + " from its last.ckpt"
                    : "unexpected argument '" + stray + "'");
        }
        output.defaultTo(Path.of("runs", model.toString()));
        Checkpoint resumeFrom = output.resume ? continueRun() : null;
        validateOptions();
        return output.train(COMMAND, epochs, notice -> train(resumeFrom, notice));
    }

    private int train(Checkpoint resumeFrom, ShutdownNotice notice) throws IOException {
        PrintWriter con = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        threads.apply();
        Device device = deviceOption.available(); // fails here, in one line, before the data is read
        FidLeNet lenet = fidCheckpoint == null ? null : FidLeNet.load(fidCheckpoint, device); // a bad one fails now
        Path out = output.out;
        Path folder = data != null ? data : MnistFolder.defaultFashionMnistFolder();
        MnistFolder mnist = MnistFolder.open(folder);
        IdxImages test = lenet == null ? null : Idx.readImages(mnist.testImages()); // and the images it scores against
        if (test != null && test.count() < 2) { // it failed after training: a Gaussian needs 2 feature vectors
            throw new IllegalArgumentException(mnist.testImages() + " holds " + test.count() + " test image"
                    + (test.count() == 1 ? "" : "s") + "; FID-LeNet fits a covariance to at least 2");
        }
        Dataset train = mnist.train(new Normalization(0.5, 0.5)); // (p/255 − 0.5)/0.5: [-1, 1], the Tanh's range
        boolean limited = limit > 0 && limit < train.size();
        if (limit > 0) {
            train = train.subset(0, Math.min(limit, train.size()));
        }
        GanRecipe recipe = batchSize == null ? model.recipe() : model.recipe().withBatchSize(batchSize);
        if (train.size() < recipe.batchSize()) {
            throw new IllegalArgumentException((limited ? "--limit " + limit + " leaves " : mnist.trainImages()
                    + " holds ") + train.size() + " training images, fewer than one batch of " + recipe.batchSize()
                    + (limited ? "; raise --limit or lower --batch-size" : "; lower --batch-size"));
        }
        Gan gan = Gan.create(recipe, seed, device);
        String title = model.toString().toUpperCase(Locale.ROOT);
        List<String> rows = gan.conditional() ? Report.FASHION_MNIST_CLASSES : null;
        GanTrainer.Options options = new GanTrainer.Options(epochs, seed, out, System.err,
                recorded().settings(Set.of()), (epoch, images) -> GanReport.grid(out.resolve(String.format(Locale.ROOT,
                "epoch-%03d.png", epoch)), title + ", epoch " + epoch, images, GanTrainer.GRID, rows, err),
                cudaGraphs.mode());
        GanTrainer trainer = new GanTrainer(gan, device, options);
        con.printf("training %s on %s: %d images from %s; %s; %d epochs, seed %d; output in %s%n", model, device,
                train.size(), folder, recipe, epochs, seed, out);
        if (resumeFrom != null && resumeFrom.epoch() >= epochs) {
            con.printf("the run has trained its %d epochs: writing its samples and report again (give --epochs above "
                    + "%d to train longer)%n", resumeFrom.epoch(), resumeFrom.epoch());
        }
        con.flush();
        GanHistory history;
        // the last partial batch is kept, as the PyTorch peer keeps it, unless it is one image (batch norm needs two)
        boolean single = train.size() % recipe.batchSize() == 1;
        try (DataLoader loader = DataLoader.builder(train, device).batchSize(recipe.batchSize()).shuffle(seed)
                .dropLast(single).build()) {
            notice.training(trainer);
            history = trainer.fit(loader, resumeFrom);
        }
        notice.trained();

        GanReport.grid(out.resolve("final.png"), title + " after " + history.epochs()
                + (history.epochs() == 1 ? " epoch" : " epochs"),
                trainer.fixedSamples(), GanTrainer.GRID, rows, err);
        Tensor strip = Tensor.cat(0, trainer.interpolation(STRIP, false), trainer.interpolation(STRIP, true));
        GanReport.grid(out.resolve("interpolation.png"), title + ": linear (top) and spherical paths", strip, STRIP,
                List.of("linear", "slerp"), err);

        int[] labels = gan.conditional() ? Latents.evenLabels(samples, Gan.CLASSES, Device.reference()).toIntArray()
                : null;
        Tensor generated = trainer.samples(samples, new Rng(seed).split(), labels == null ? null
                : Tensor.ofInts(device, labels, samples));
        byte[] pixels = pixels(generated.toFloatArray());
        Idx.writeImages(out.resolve(SAMPLES), new IdxImages(samples, 28, 28, pixels));
        if (labels != null) {
            Idx.writeLabels(out.resolve(SAMPLE_LABELS), labels);
        }

        double fid = Double.NaN;
        double accuracy = Double.NaN;
        if (lenet != null) {
            Tensor ours = FidLeNet.images(pixels, samples);
            fid = lenet.score(ours, FidLeNet.images(test));
            con.printf(Locale.ROOT, "FID-LeNet %.4f between %d samples and the %d test images%n", fid, samples,
                    test.count());
            if (labels != null) {
                accuracy = lenet.labelAccuracy(ours, labels);
                con.printf(Locale.ROOT, "the LeNet classifies %.2f%% of the samples as their conditioning class%n",
                        100 * accuracy);
            }
        }
        GanReport report = new GanReport(model.toString(), recipe.toString(), device.toString(),
                recorded().settings(Set.of()), history, trainer.generatorSteps(), trainer.imagesPerSecond(), samples,
                fid, accuracy);
        List<Path> files = report.write(out, err);
        String speed = Double.isNaN(trainer.imagesPerSecond()) ? "training images/s not measured (the first "
                + "epoch's first 10 steps are warm-up, and this run had no more)"
                : String.format(Locale.ROOT, "%.0f training images/s", trainer.imagesPerSecond());
        con.printf("%s; samples in %s; report: %s in %s%n", speed, out.resolve(SAMPLES).getFileName(),
                files.stream().map(p -> p.getFileName().toString()).toList(), out.toAbsolutePath());
        con.flush();
        return 0;
    }

    /** Images in [-1, 1] as 8-bit pixels: round((x + 1)·127.5), clamped to 0..255. */
    static byte[] pixels(float[] x) {
        byte[] p = new byte[x.length];
        for (int i = 0; i < x.length; i++) {
            long v = Math.round((x[i] + 1) * 127.5);
            p[i] = (byte) Math.clamp(v, 0, 255);
        }
        return p;
    }

    private RecordedOptions recorded() {
        return new RecordedOptions(spec, MAY_CHANGE, Set.of("--device"), GanCommand::new);
    }

    /** Loads last.ckpt of the run in --out, which must be of this --model (recorded or given), and takes its options. */
    private Checkpoint continueRun() throws IOException {
        Checkpoint c = recorded().resume(output.out, java.util.Arrays.stream(GanModel.values())
                .map(m -> m.recipe().checkpointName()).toList());
        c.requireModel(model.recipe().checkpointName());
        recorded().noteDevice(c, RecordedOptions.canonical(deviceOption.device));
        return c;
    }

    private void require(boolean ok, String message) {
        if (!ok) {
            throw new ParameterException(spec.commandLine(), message);
        }
    }

    private void validateOptions() {
        threads.validate();
        require(epochs >= 1, "--epochs must be >= 1, got " + epochs);
        require(batchSize == null || batchSize >= 2, "--batch-size must be >= 2 (batch norm), got " + batchSize);
        require(samples >= 2 && samples <= MAX_SAMPLES, "--samples must be in [2, " + MAX_SAMPLES + "] (FID-LeNet "
                + "fits a covariance; the test set has 10,000), got " + samples);
        require(limit >= 0, "--limit must be >= 0 (0: all), got " + limit);
        cudaGraphs.mode(); // a usage error unless auto, on or off
        if (fidCheckpoint != null && !Files.isRegularFile(fidCheckpoint)) {
            throw new ParameterException(spec.commandLine(), "--fid-checkpoint " + fidCheckpoint + " is not a file; "
                    + "give a LeNet-5 checkpoint written by 'striate train' (runs/lenet5/best.ckpt)");
        }
    }
}

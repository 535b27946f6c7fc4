package striate.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.function.BiFunction;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import striate.cli.report.VaeReport;
import striate.data.DataLoader;
import striate.data.Dataset;
import striate.data.Idx;
import striate.data.IdxImages;
import striate.data.MnistFolder;
import striate.data.Normalization;
import striate.models.Autoencoder;
import striate.models.ConvVae;
import striate.models.ImageAutoencoder;
import striate.models.Vae;
import striate.optim.Adam;
import striate.optim.LrSchedule;
import striate.tensor.Device;
import striate.train.BatchSource;
import striate.train.Checkpoint;
import striate.train.EpochStats;
import striate.train.FidLeNet;
import striate.train.FrechetDistance;
import striate.train.Gaussian;
import striate.train.History;
import striate.train.Reconstruction;
import striate.train.Trainer;

/**
 * {@code striate vae}: trains a variational autoencoder ({@link Vae}, or {@link ConvVae}) or a plain autoencoder
 * ({@link Autoencoder})
 * on Fashion-MNIST's training images with pixels in [0, 1] (Adam 1e-3, batch 128, 10 epochs by default), tests the
 * terms of the ELBO on the 10,000 test images after every epoch, and writes checkpoints and a report
 * ({@link VaeReport}) with reconstructions, samples decoded from N(0, I) codes (a fixed seed, so runs compare on the
 * same codes), paths between test images' codes, the manifold of a 2-wide code and, with {@code --fid-checkpoint}, the
 * FID-LeNet of the {@code --samples} samples (also written as an image file for {@code striate fid}) and of the test
 * reconstructions. The guarantees of {@code train}: a new or empty output
 * folder, every option recorded in the checkpoints, --resume with the recorded options, divergence detection, a
 * notice on signals.
 */
@Command(name = "vae", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Train a variational autoencoder (or a plain one) on Fashion-MNIST; checkpoints, "
                + "reconstructions, samples and the ELBO's terms in --out.")
final class VaeCommand implements Callable<Integer> {
    static final String COMMAND = "striate vae";
    /** Recorded options a resumed run may change: how long, where, on how many threads, and what scores it. */
    static final Set<String> MAY_CHANGE = Set.of("--epochs", "--device", "--threads", "--fid-checkpoint",
            "--samples");
    /** The image file of the decoded codes FID-LeNet scores, as {@code striate gan} names its samples. */
    static final String SAMPLES_FILE = "samples-images-idx3-ubyte";
    /** The seed of the N(0, I) codes of samples.png and of the FID samples: the same codes in every run. */
    static final long SAMPLE_SEED = 2013;
    private static final int PAIR_ROWS = 4;
    private static final int SAMPLE_ROWS = 8;
    private static final int MANIFOLD_SIDE = 20;
    private static final int INTERPOLATION_ROWS = 6;
    private static final int INTERPOLATION_STEPS = 10;

    @Spec
    CommandSpec spec;

    @Option(names = "--model", defaultValue = "vae", paramLabel = "<model>", description = "vae (Kingma & Welling "
            + "2013, fully connected), conv-vae (convolutions) or ae (a plain autoencoder of the vae's widths) "
            + "(default: ${DEFAULT-VALUE}).")
    String model;

    @Option(names = "--epochs", defaultValue = "10", description = "Epochs (default: ${DEFAULT-VALUE}).")
    int epochs;

    @Option(names = "--batch-size", defaultValue = "128", description = "Images per batch (default: "
            + "${DEFAULT-VALUE}).")
    int batchSize;

    @Option(names = "--lr", defaultValue = "1e-3", description = "Adam's learning rate (default: ${DEFAULT-VALUE}).")
    double lr;

    @Option(names = "--latent", defaultValue = "20", description = "Width of the code z; 2 also draws the code's "
            + "manifold (default: ${DEFAULT-VALUE}).")
    int latent;

    @Option(names = "--seed", defaultValue = "42", description = "Seed for initialization, shuffling and the VAE's "
            + "noise (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--limit", defaultValue = "0", description = "Train on the first N training images only (0: all "
            + "60,000) (default: ${DEFAULT-VALUE}).")
    int limit;

    @Option(names = "--data", paramLabel = "<dir>", description = "A folder with the four MNIST-format files "
            + "(default: Debian's Fashion-MNIST in /usr/share/datasets/fashion-mnist).")
    Path data;

    @Mixin
    ThreadsOption threads;

    @Mixin
    DeviceOption deviceOption;

    @Option(names = "--fid-checkpoint", paramLabel = "<file>", description = "A LeNet-5 checkpoint of 'striate "
            + "train': scores FID-LeNet of the --samples samples and of the test reconstructions against the test "
            + "images.")
    Path fidCheckpoint;

    @Option(names = "--samples", defaultValue = "10000", paramLabel = "<n>", description = "Decoded N(0, I) codes "
            + "written to samples-images-idx3-ubyte and scored by FID-LeNet, as many as the 10,000 test images by "
            + "default (default: ${DEFAULT-VALUE}).")
    int samples;

    @Mixin
    RunOutput output;

    @Override
    public Integer call() throws IOException {
        output.defaultTo(Path.of("runs", "vae"));
        if (data == null) {
            data = MnistFolder.defaultFashionMnistFolder();
        }
        Checkpoint resumeFrom = output.resume ? continueRun() : null;
        validateOptions();
        return output.train(COMMAND, epochs, notice -> train(resumeFrom, notice));
    }

    private int train(Checkpoint resumeFrom, ShutdownNotice notice) throws IOException {
        PrintWriter con = spec.commandLine().getOut();
        threads.apply();
        Device device = deviceOption.available(); // fails here, in one line, before the data is read
        Path out = output.out;
        FidLeNet fid = fidCheckpoint == null ? null : FidLeNet.load(fidCheckpoint, device); // a bad file fails now
        MnistFolder folder = MnistFolder.open(data);
        Dataset all = folder.train(Normalization.UNIT);
        Dataset train = limit > 0 ? all.subset(Math.min(limit, all.size())) : all;
        Dataset test = folder.test(Normalization.UNIT);
        Built built = build();
        ImageAutoencoder net = built.model();
        net.to(device);
        Adam adam = Adam.builder(net.namedParameters()).lr(lr).build();
        con.printf("training %s (%s) on %s: %d training and %d test images from %s, pixels in [0, 1]%n", net,
                built.config(), device, train.size(), test.size(), data);
        con.printf("%s, batch %d, %d epochs, seed %d; the test set's ELBO terms every epoch; output in %s%n", adam,
                batchSize, epochs, seed, out);
        if (resumeFrom != null && resumeFrom.epoch() >= epochs) {
            con.printf("the run has trained its %d epochs: writing its report again (give --epochs above %d to train "
                    + "longer)%n", resumeFrom.epoch(), resumeFrom.epoch());
        }
        con.flush();
        Trainer.Options options = new Trainer.Options(epochs, batchSize, seed, lr, LrSchedule.constant(), 0, 0,
                built.name(), built.config(), out, System.err, 1, recorded().settings(Set.of()));
        Trainer trainer = new Trainer(net, adam, device, options);
        History history;
        try (DataLoader trainLoader = DataLoader.builder(train, device).batchSize(batchSize).shuffle(seed).build();
             DataLoader testLoader = DataLoader.builder(test, device).batchSize(Math.max(batchSize, 500))
                     .augment(false).build()) {
            notice.training(trainer);
            history = trainer.fit(new Reconstruction(built.model()), BatchSource.of(trainLoader),
                    BatchSource.of(testLoader), resumeFrom);
        }
        notice.trained();
        for (EpochStats e : history.epochs()) { // −ELBO = reconstruction + KL, so KL = loss − metric
            con.printf(Locale.ROOT, "epoch %d: train reconstruction %.2f KL %.2f | test reconstruction %.2f KL %.2f "
                    + "ELBO %.2f (nats per image)%n", e.epoch(), e.trainMetric(), e.trainLoss() - e.trainMetric(),
                    e.valMetric(), e.valLoss() - e.valMetric(), -e.valLoss());
        }
        report(built, history, test, fid, con);
        return 0;
    }

    /**
     * Scores (with a FID-LeNet), draws and writes the report of the model as the last epoch left it, whose test pass
     * gave the final test ELBO.
     */
    private void report(Built built, History history, Dataset test, FidLeNet fid, PrintWriter con)
            throws IOException {
        Device device = deviceOption.device;
        Path out = output.out;
        VaeImages images = new VaeImages(built.model(), device);
        IdxImages sampleFile = images.sampleFile(samples, SAMPLE_SEED);
        Idx.writeImages(out.resolve(SAMPLES_FILE), sampleFile);
        con.printf("%d decoded N(0, I) codes in %s ('striate fid' scores them)%n", samples, out.resolve(SAMPLES_FILE));
        double fidSamples = Double.NaN;
        double fidReconstructions = Double.NaN;
        if (fid != null) {
            Gaussian reference = fid.fit(VaeImages.fidImages(test));
            fidSamples = FrechetDistance.between(fid.fit(FidLeNet.images(sampleFile)), reference);
            fidReconstructions = FrechetDistance.between(fid.fit(images.fidReconstructions(test)), reference);
        }
        VaeReport report = new VaeReport(built.name(), device.toString(), latent, recorded().settings(Set.of()),
                history, fidSamples, fid == null ? 0 : samples, fidReconstructions, fid == null ? 0 : test.size(),
                images.reconstructionPairs(test, PAIR_ROWS, VaeReport.COLUMNS),
                images.samples(SAMPLE_ROWS * VaeReport.COLUMNS, SAMPLE_SEED),
                images.interpolations(test, INTERPOLATION_ROWS, INTERPOLATION_STEPS), INTERPOLATION_STEPS,
                latent == 2 ? images.manifold(MANIFOLD_SIDE) : null);
        con.printf(Locale.ROOT, "test (epoch %d's weights, %d images): reconstruction %.2f, KL %.2f, ELBO %.2f nats "
                + "per image%s%n", history.last().orElseThrow().epoch(), test.size(), report.testReconstruction(),
                report.testKl(), report.testElbo(), fid == null ? "" : String.format(Locale.ROOT, "; FID-LeNet %.3f "
                        + "of %d samples, %.3f of the test reconstructions", fidSamples, samples, fidReconstructions));
        con.flush();
        List<Path> files = report.write(out, spec.commandLine().getErr()); // a picture that fails is a warning
        con.println("report: " + files.stream().map(p -> p.getFileName().toString()).toList() + " in "
                + out.toAbsolutePath());
        con.flush();
    }

    /** The model of --model with --latent, initialised from --seed, and its checkpoint name and configuration. */
    private record Built(String name, String config, ImageAutoencoder model) {
    }

    /** The values of --model: each one's checkpoint name and how to make it from (latent, seed). */
    enum Model {
        VAE("vae", Vae.NAME, Vae::new),
        CONV_VAE("conv-vae", ConvVae.NAME, ConvVae::new),
        AE("ae", Autoencoder.NAME, Autoencoder::new);

        final String option;
        final String checkpointName;
        final BiFunction<Integer, Long, ImageAutoencoder> create;

        Model(String option, String checkpointName, BiFunction<Integer, Long, ImageAutoencoder> create) {
            this.option = option;
            this.checkpointName = checkpointName;
            this.create = create;
        }

        /** The model of --model {@code option}, or an error naming the values. */
        static Model of(String option) {
            for (Model m : values()) {
                if (m.option.equals(option)) {
                    return m;
                }
            }
            throw new IllegalArgumentException("--model must be vae, conv-vae or ae, got '" + option + "'");
        }
    }

    private Built build() {
        Model m = Model.of(model);
        return new Built(m.checkpointName, "latent=" + latent, m.create.apply(latent, seed));
    }

    private RecordedOptions recorded() {
        return new RecordedOptions(spec, MAY_CHANGE, Set.of("--device"), VaeCommand::new);
    }

    /** Loads last.ckpt of the run in --out, which must be of this command's model, and takes its recorded options. */
    private Checkpoint continueRun() throws IOException {
        Checkpoint c = recorded().resume(output.out, java.util.Arrays.stream(Model.values())
                .map(m -> m.checkpointName).toList());
        checkModel();
        c.requireModel(Model.of(model).checkpointName);
        recorded().noteDevice(c, RecordedOptions.canonical(deviceOption.device));
        return c;
    }

    private void checkModel() {
        try {
            Model.of(model);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
    }

    private void validateOptions() {
        checkModel();
        threads.validate();
        if (epochs < 1 || batchSize < 1 || latent < 1 || limit < 0) {
            throw new ParameterException(spec.commandLine(), "--epochs, --batch-size and --latent must be >= 1 and "
                    + "--limit >= 0; got " + epochs + ", " + batchSize + ", " + latent + " and " + limit);
        }
        if (samples < 2 || samples > GanCommand.MAX_SAMPLES) {
            throw new ParameterException(spec.commandLine(), "--samples must be in [2, " + GanCommand.MAX_SAMPLES
                    + "] (FID-LeNet fits a covariance; more than 84 for a full-rank one), got " + samples);
        }
        if (!(lr > 0) || Double.isInfinite(lr)) {
            throw new ParameterException(spec.commandLine(), "--lr must be > 0, got " + lr);
        }
    }
}

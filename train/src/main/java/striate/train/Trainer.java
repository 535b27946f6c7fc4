package striate.train;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import striate.data.Batch;
import striate.data.DataLoader;
import striate.data.Dataset;
import striate.nn.Losses;
import striate.nn.Module;
import striate.optim.LrSchedule;
import striate.optim.Optimizer;
import striate.tensor.Device;
import striate.tensor.MemoryScope;
import striate.tensor.Rng;
import striate.tensor.Tensor;

/**
 * Trains a classifier with cross-entropy: per batch forward, loss, backward, optimizer step, inside a
 * {@link MemoryScope} so a steady-state step reuses the previous step's memory; per epoch the
 * learning-rate schedule, validation, history, early stopping and an atomic checkpoint ({@code last.ckpt} every
 * epoch, {@code best.ckpt} when the monitored loss improves). The monitored loss is the validation loss, or the
 * training loss when there is no validation set (null or empty). A resumed run restores weights, optimizer state,
 * random generators and history, and sees the same batch order as an uninterrupted run, so it reaches the same
 * weights. A loss that diverges ({@link Divergence}: NaN, infinite, or far above the run's first loss) stops
 * training with {@link TrainingDivergedException}; the checkpoints of the last good epoch are kept.
 */
public final class Trainer {
    /** File names inside the checkpoint folder. */
    public static final String LAST = "last.ckpt";
    public static final String BEST = "best.ckpt";
    /** The trainer's scalar in a checkpoint that keeps the run's first loss, the reference of {@link Divergence}. */
    static final String FIRST_LOSS = "first_loss";

    private static final Logger LOG = LoggerFactory.getLogger(Trainer.class);

    /**
     * What to train for. {@code checkpointDir} may be null (no checkpoints); {@code patience} 0 turns early
     * stopping off; {@code progress} receives the progress bar (null for none); {@code workers} threads build each
     * batch (decoding images, augmenting) for training and validation; {@code settings} are recorded in every
     * checkpoint (the command line's options, so a resumed run can be checked against them).
     */
    public record Options(int epochs, int batchSize, long seed, double learningRate, LrSchedule schedule, int patience,
                          double minDelta, String modelName, String modelConfig, Path checkpointDir,
                          PrintStream progress, int workers, Map<String, String> settings) {
        /** One loader thread, no recorded settings. */
        public Options(int epochs, int batchSize, long seed, double learningRate, LrSchedule schedule, int patience,
                       double minDelta, String modelName, String modelConfig, Path checkpointDir,
                       PrintStream progress) {
            this(epochs, batchSize, seed, learningRate, schedule, patience, minDelta, modelName, modelConfig,
                    checkpointDir, progress, 1, Map.of());
        }

        public Options {
            settings = Map.copyOf(settings);
            if (workers < 1) {
                throw new IllegalArgumentException("workers must be >= 1, got " + workers);
            }
            if (epochs < 1) {
                throw new IllegalArgumentException("epochs must be >= 1, got " + epochs);
            }
            if (batchSize < 1) {
                throw new IllegalArgumentException("batch size must be >= 1, got " + batchSize);
            }
            if (!(learningRate > 0) || Double.isInfinite(learningRate)) {
                throw new IllegalArgumentException("learning rate must be > 0, got " + learningRate);
            }
            if (patience < 0) {
                throw new IllegalArgumentException("patience must be >= 0, got " + patience);
            }
        }
    }

    private final Module model;
    private final Optimizer optimizer;
    private final Device device;
    private final Options options;
    private final TrainStep trainStep;
    private final ReentrantLock saving = new ReentrantLock();
    private volatile int savedEpoch;
    private Divergence divergence;

    /** The model must already be on {@code device}; the optimizer must hold the model's parameters. */
    public Trainer(Module model, Optimizer optimizer, Device device, Options options) {
        this(model, optimizer, device, null, options);
    }

    /**
     * Trains with {@code step} (null: forward, loss, backward and update of {@code model} on {@code device}), e.g.
     * a data-parallel step whose first replica is {@code model} with {@code optimizer}: validation, the schedule
     * and checkpoints use those, and batches are made on {@code device}.
     */
    public Trainer(Module model, Optimizer optimizer, Device device, TrainStep step, Options options) {
        if (!model.device().equals(device)) {
            throw new IllegalArgumentException("the model is on " + model.device() + " but training runs on " + device
                    + "; call model.to(device) before building the optimizer");
        }
        this.model = model;
        this.optimizer = optimizer;
        this.device = device;
        this.options = options;
        this.trainStep = step != null ? step : this::oneDeviceStep;
    }

    /** Forward, loss, backward and update on the trainer's device; a non-finite loss skips the update. */
    private TrainStep.Result oneDeviceStep(Tensor x, Tensor y) {
        Tensor logits = model.forward(x);
        Tensor loss = Losses.crossEntropy(logits, y);
        double value = loss.item();
        int b = Math.toIntExact(y.dim(0));
        if (!Double.isFinite(value)) {
            return new TrainStep.Result(value, 0, b);
        }
        optimizer.zeroGrad();
        loss.backward();
        optimizer.step();
        optimizer.zeroGrad(); // the gradients are this step's memory
        int[] predicted = Metrics.argmax(logits);
        int[] labels = y.toIntArray();
        long correct = 0;
        for (int i = 0; i < b; i++) {
            correct += predicted[i] == labels[i] ? 1 : 0;
        }
        return new TrainStep.Result(value, correct, b);
    }

    /**
     * Trains from scratch, or from {@code resume} (a checkpoint of this model) when not null. Without validation
     * ({@code validation} null or empty) the training loss picks {@code best.ckpt} and drives early stopping.
     */
    public History fit(Dataset train, Dataset validation, Checkpoint resume) {
        History history = new History();
        int startEpoch = 0;
        long step = 0;
        boolean validated = validation != null && validation.size() > 0;
        EarlyStopping stopping = new EarlyStopping(Math.max(1, options.patience()), options.minDelta());
        divergence = new Divergence(Double.NaN);
        if (resume != null) {
            restore(resume);
            resume.history().forEach(history::add);
            resume.history().forEach(s -> stopping.shouldStop(monitored(s, validated)));
            startEpoch = resume.epoch();
            step = resume.globalStep();
            savedEpoch = resume.epoch();
            Number first = resume.optimizerScalars().get(FIRST_LOSS);
            divergence = new Divergence(first != null ? first.doubleValue() : Double.NaN);
            LOG.info("resuming {} from epoch {} (step {})", options.modelName(), startEpoch, step);
        }
        try (DataLoader loader = DataLoader.builder(train, device).batchSize(options.batchSize())
                .shuffle(options.seed()).workers(options.workers()).build()) {
            for (int epoch = startEpoch; epoch < options.epochs(); epoch++) {
                options.schedule().apply(optimizer, options.learningRate(), epoch);
                trainStep.beforeEpoch(epoch);
                EpochStats stats = trainEpoch(loader, validated ? validation : null, epoch, step);
                step += loader.numBatches();
                history.add(stats);
                boolean improved = history.best().map(b -> b.epoch() == stats.epoch()).orElse(false);
                saveCheckpoints(epoch + 1, step, history, improved);
                if (options.progress() == null) { // with a progress bar, its summary line already says this
                    LOG.info("epoch {}/{}: {}", epoch + 1, options.epochs(), summary(stats));
                }
                if (options.patience() > 0 && stopping.shouldStop(monitored(stats, validated))) {
                    LOG.info("early stopping after epoch {}: {} loss has not improved for {} epochs (best {} at epoch {})",
                            epoch + 1, validated ? "validation" : "training", options.patience(),
                            fmt(stopping.bestValue()), stopping.bestEpoch());
                    break;
                }
            }
        }
        return history;
    }

    private EpochStats trainEpoch(DataLoader loader, Dataset validation, int epoch, long step) {
        model.train();
        ProgressBar bar = options.progress() == null ? null
                : ProgressBar.of(options.progress(), epoch + 1, options.epochs(), loader.numBatches());
        double lossSum = 0;
        long correct = 0;
        long images = 0;
        long done = 0;
        long start = System.nanoTime();
        try (DataLoader.Batches batches = loader.iterator(epoch)) {
            while (batches.hasNext()) {
                // What a step allocates (the batch, activations, gradients) goes back to the pool when it ends; the
                // weights, optimizer state and batch-norm statistics live outside the scope and are updated in place.
                try (MemoryScope scope = MemoryScope.open()) {
                    Batch batch = batches.next();
                    TrainStep.Result r = trainStep.run(batch.x(), batch.y());
                    double value = r.loss();
                    String diverged = divergence.add(value);
                    if (diverged != null) {
                        throw new TrainingDivergedException("training diverged at epoch " + (epoch + 1) + ", batch "
                                + (done + 1) + " (step " + (step + done + 1) + "): " + diverged + "; training stopped. "
                                + keptMessage() + " Lower the learning rate (now " + optimizer.learningRate()
                                + ") and try again.");
                    }
                    int b = r.samples();
                    lossSum += value * b;
                    correct += r.correct();
                    images += b;
                    done++;
                }
                if (bar != null) {
                    bar.update(done, images, lossSum / images, (double) correct / images);
                }
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        double valLoss = Double.NaN;
        double valAccuracy = Double.NaN;
        if (validation != null && validation.size() > 0) {
            Evaluation v = Evaluation.of(model, validation, device,
                    Evaluation.batchSizeFor(validation, options.batchSize()), options.workers());
            valLoss = v.loss();
            valAccuracy = v.accuracy();
        }
        EpochStats stats = new EpochStats(epoch + 1, lossSum / images, (double) correct / images, valLoss, valAccuracy,
                optimizer.learningRate(), seconds, images / seconds);
        if (bar != null) {
            bar.finish(summary(stats));
        }
        return stats;
    }

    /** An epoch's numbers for its closing line; the validation columns only where it was validated. */
    private static String summary(EpochStats s) {
        String val = s.hasValidation() ? String.format(Locale.ROOT, " | val loss %.4f acc %.4f", s.valLoss(),
                s.valAccuracy()) : "";
        return String.format(Locale.ROOT, "loss %.4f acc %.4f%s | lr %.3g | %.0f img/s", s.trainLoss(),
                s.trainAccuracy(), val, s.learningRate(), s.imagesPerSecond());
    }

    private static double monitored(EpochStats s, boolean validated) {
        return validated ? s.valLoss() : s.trainLoss();
    }

    private String keptMessage() {
        Path dir = options.checkpointDir();
        if (dir != null && Files.exists(dir.resolve(LAST))) {
            return "The last good checkpoint is kept at " + dir.resolve(LAST) + ".";
        }
        return "No checkpoint was written before it happened.";
    }

    private void saveCheckpoints(int epochsDone, long step, History history, boolean improved) {
        Path dir = options.checkpointDir();
        if (dir == null) {
            return;
        }
        Map<String, Long> rng = new LinkedHashMap<>();
        model.namedRngs().forEach((k, r) -> rng.put(k, r.state()));
        Map<String, Number> scalars = new LinkedHashMap<>();
        scalars.put("learning_rate", optimizer.learningRate());
        scalars.put(FIRST_LOSS, divergence.firstLoss());
        Checkpoint c = new Checkpoint(options.modelName(), options.modelConfig(), options.settings(), epochsDone, step,
                rng, history.epochs(), Checkpoint.stateOf(model), optimizer.state(), scalars);
        saving.lock();
        try {
            Files.createDirectories(dir);
            c.save(dir.resolve(LAST));
            savedEpoch = epochsDone;
            if (improved) {
                c.save(dir.resolve(BEST));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("could not write the checkpoint in " + dir + ": " + e.getMessage(), e);
        } finally {
            saving.unlock();
        }
    }

    /**
     * For a shutdown hook, so that what it reports about the checkpoints stays true: waits up to {@code seconds}
     * for a checkpoint write in progress to finish, then keeps the trainer from starting another (its thread
     * blocks at the next write until the JVM halts). Returns the epochs {@code last.ckpt} holds (0 when this run
     * has written none and resumed from none), or -1 when a write was still in progress after the wait.
     */
    public int holdCheckpoints(long seconds) throws InterruptedException {
        return saving.tryLock(seconds, TimeUnit.SECONDS) ? savedEpoch : -1;
    }

    private void restore(Checkpoint c) {
        try {
            c.requireModel(options.modelName());
            c.restoreInto(model);
        } catch (IOException e) {
            throw new UncheckedIOException(e.getMessage(), e);
        }
        optimizer.loadState(c.optimizer());
        Map<String, Rng> rngs = model.namedRngs();
        c.rngStates().forEach((k, v) -> {
            Rng r = rngs.get(k);
            if (r != null) {
                r.setState(v);
            }
        });
        trainStep.afterRestore();
    }

    private static String fmt(double v) {
        return String.format("%.4f", v);
    }
}

package striate.train;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import striate.amp.GradScaler;
import striate.amp.Precision;
import striate.autograd.Autocast;
import striate.autograd.GradMode;
import striate.data.Batch;
import striate.data.DataLoader;
import striate.data.Dataset;
import striate.data.SequenceBatch;
import striate.nn.Module;
import striate.optim.GradClip;
import striate.optim.LrSchedule;
import striate.optim.Optimizer;
import striate.tensor.DType;
import striate.tensor.Device;
import striate.tensor.MemoryScope;
import striate.tensor.Rng;
import striate.tensor.Tensor;

/**
 * The training loop, for any model and batch kind: per batch a {@link TrainStep} (by default the {@link Task}'s
 * forward and loss, backward, optional gradient clipping by global norm, the optimizer's update) inside a
 * {@link MemoryScope} so a steady-state step reuses the previous step's memory; per epoch the learning-rate
 * schedule, validation (the task's loss and metric in evaluation mode, without gradients), history, early
 * stopping and an atomic checkpoint ({@code last.ckpt} every epoch, {@code best.ckpt} when the monitored loss
 * improves). The monitored loss is the validation loss, or the training loss when there is no validation. A resumed
 * run restores weights, optimizer state, random generators and history, and sees the same batches as an
 * uninterrupted run (each epoch's come from its number alone), so it reaches the same weights. A loss that diverges
 * ({@link Divergence}: NaN, infinite, or far above the run's first loss) stops training with
 * {@link TrainingDivergedException}; the checkpoints of the last good epoch are kept. With
 * {@code options.precision()} bf16 or fp16 the forward pass and loss run under {@link Autocast} (float32 master
 * weights), fp16 with a {@link GradScaler} whose state the checkpoints keep; a resumed run keeps its precision. A
 * classifier's or a language model's step is captured and replayed ({@link GraphedStep}) as {@code options.graphs()}
 * says: by default on a CUDA device; its losses are then read every {@link #READ_EVERY} batches.
 *
 * <pre>{@code
 * Trainer trainer = new Trainer(model, optimizer, device, options);
 * trainer.fit(trainImages, validationImages, null);                       // images: Classification, DataLoaders
 * trainer.fit(new Tagging(tagger::forward), BatchSource.of(trainLoader), BatchSource.of(validationLoader), null);
 * }</pre>
 */
public final class Trainer {
    /** File names inside the checkpoint folder. */
    public static final String LAST = "last.ckpt";
    public static final String BEST = "best.ckpt";
    /** The trainer's scalar in a checkpoint that keeps the run's first loss, the reference of {@link Divergence}. */
    static final String FIRST_LOSS = "first_loss";
    /** The entry of a checkpoint's settings naming a mixed-precision run's precision (absent: fp32). */
    static final String PRECISION = "precision";
    /** The trainer's scalars in a checkpoint that keep an fp16 run's loss scaler ({@link GradScaler#state}). */
    static final String SCALER = "grad_scaler.";

    private static final Logger LOG = LoggerFactory.getLogger(Trainer.class);
    /** How many batches of a graphed step run between two reads of its sums (each read waits for the device). */
    static final int READ_EVERY = 50;

    /**
     * What to train for. {@code checkpointDir} may be null (no checkpoints); {@code patience} 0 turns early
     * stopping off; {@code progress} receives the progress bar (null for none); {@code settings} are recorded in
     * every checkpoint (the command line's options, so a resumed run can be checked against them), and so are
     * {@code vocabularies} (what the model's ids stand for: a tagger's words and tags). {@code clipGradNorm} > 0
     * clips the gradients to that global 2-norm before each update of the trainer's own step
     * ({@link GradClip#clipGradNormOnDevice}); 0 leaves them as they are. {@code batchSize}, {@code seed} and
     * {@code workers} (threads that build each batch) are what {@link #fit(Dataset, Dataset, Checkpoint)} makes its
     * image loaders with; the general {@link #fit(Task, BatchSource, BatchSource, Checkpoint)} takes batches made by
     * the caller. {@code graphs} says where the trainer's own classifier step is replayed from a captured graph
     * ({@link GraphMode}).
     */
    public record Options(int epochs, int batchSize, long seed, double learningRate, LrSchedule schedule, int patience,
                          double minDelta, String modelName, String modelConfig, Path checkpointDir,
                          PrintStream progress, int workers, Map<String, String> settings, double clipGradNorm,
                          Map<String, List<String>> vocabularies, Precision precision, GraphMode graphs) {
        /** One loader thread, no recorded settings, no clipping. */
        public Options(int epochs, int batchSize, long seed, double learningRate, LrSchedule schedule, int patience,
                       double minDelta, String modelName, String modelConfig, Path checkpointDir,
                       PrintStream progress) {
            this(epochs, batchSize, seed, learningRate, schedule, patience, minDelta, modelName, modelConfig,
                    checkpointDir, progress, 1, Map.of());
        }

        /** No clipping, no vocabularies. */
        public Options(int epochs, int batchSize, long seed, double learningRate, LrSchedule schedule, int patience,
                       double minDelta, String modelName, String modelConfig, Path checkpointDir,
                       PrintStream progress, int workers, Map<String, String> settings) {
            this(epochs, batchSize, seed, learningRate, schedule, patience, minDelta, modelName, modelConfig,
                    checkpointDir, progress, workers, settings, 0, Map.of());
        }

        /** In fp32. */
        public Options(int epochs, int batchSize, long seed, double learningRate, LrSchedule schedule, int patience,
                       double minDelta, String modelName, String modelConfig, Path checkpointDir,
                       PrintStream progress, int workers, Map<String, String> settings, double clipGradNorm,
                       Map<String, List<String>> vocabularies) {
            this(epochs, batchSize, seed, learningRate, schedule, patience, minDelta, modelName, modelConfig,
                    checkpointDir, progress, workers, settings, clipGradNorm, vocabularies, Precision.FP32);
        }

        /** Graphs where they pay ({@link GraphMode#AUTO}). */
        public Options(int epochs, int batchSize, long seed, double learningRate, LrSchedule schedule, int patience,
                       double minDelta, String modelName, String modelConfig, Path checkpointDir,
                       PrintStream progress, int workers, Map<String, String> settings, double clipGradNorm,
                       Map<String, List<String>> vocabularies, Precision precision) {
            this(epochs, batchSize, seed, learningRate, schedule, patience, minDelta, modelName, modelConfig,
                    checkpointDir, progress, workers, settings, clipGradNorm, vocabularies, precision, GraphMode.AUTO);
        }

        public Options {
            settings = Map.copyOf(settings);
            Map<String, List<String>> lists = new LinkedHashMap<>();
            vocabularies.forEach((name, list) -> lists.put(name, List.copyOf(list)));
            vocabularies = Collections.unmodifiableMap(lists);
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
            java.util.Objects.requireNonNull(precision, "precision");
            java.util.Objects.requireNonNull(graphs, "graphs");
            if (!(clipGradNorm >= 0) || Double.isInfinite(clipGradNorm)) {
                throw new IllegalArgumentException("the gradient clipping norm must be finite and >= 0 (0: no "
                        + "clipping), got " + clipGradNorm);
            }
        }

        /** These options with gradient clipping to {@code maxNorm} (0: none). */
        public Options withClipGradNorm(double maxNorm) {
            return new Options(epochs, batchSize, seed, learningRate, schedule, patience, minDelta, modelName,
                    modelConfig, checkpointDir, progress, workers, settings, maxNorm, vocabularies, precision, graphs);
        }

        /** These options with {@code lists} as the vocabularies every checkpoint records. */
        public Options withVocabularies(Map<String, List<String>> lists) {
            return new Options(epochs, batchSize, seed, learningRate, schedule, patience, minDelta, modelName,
                    modelConfig, checkpointDir, progress, workers, settings, clipGradNorm, lists, precision, graphs);
        }

        /** These options training in {@code p}: fp32, or bf16 or fp16 mixed precision. */
        public Options withPrecision(Precision p) {
            return new Options(epochs, batchSize, seed, learningRate, schedule, patience, minDelta, modelName,
                    modelConfig, checkpointDir, progress, workers, settings, clipGradNorm, vocabularies, p, graphs);
        }

        /** These options with graphed steps {@code mode}: auto, on or off ({@link GraphMode}). */
        public Options withGraphs(GraphMode mode) {
            return new Options(epochs, batchSize, seed, learningRate, schedule, patience, minDelta, modelName,
                    modelConfig, checkpointDir, progress, workers, settings, clipGradNorm, vocabularies, precision,
                    mode);
        }
    }

    /** A pass's mean loss and metric: sums over its batches divided by its units. */
    private record Pass(double loss, double metric) {
    }

    private final Module model;
    private final Optimizer optimizer;
    private final Device device;
    private final Options options;
    private final TrainStep<Batch> imageStep;
    private final GradScaler scaler;
    private final ReentrantLock saving = new ReentrantLock();
    private volatile int savedEpoch;
    private Divergence divergence;

    /** The model must already be on {@code device}; the optimizer must hold the model's parameters. */
    public Trainer(Module model, Optimizer optimizer, Device device, Options options) {
        this(model, optimizer, device, null, options);
    }

    /**
     * Trains images with {@code step} (null: the trainer's own step on {@code device}), e.g. a data-parallel step
     * whose first replica is {@code model} with {@code optimizer}: validation, the schedule and checkpoints use
     * those, and batches are made on {@code device}. Such a step is for {@link #fit(Dataset, Dataset, Checkpoint)};
     * it updates the weights itself, so it cannot be combined with {@code options.clipGradNorm()}.
     */
    public Trainer(Module model, Optimizer optimizer, Device device, TrainStep<Batch> step, Options options) {
        if (!model.device().equals(device)) {
            throw new IllegalArgumentException("the model is on " + model.device() + " but training runs on " + device
                    + "; call model.to(device) before building the optimizer");
        }
        if (step != null && options.clipGradNorm() > 0) {
            throw new IllegalArgumentException("gradient clipping (" + options.clipGradNorm() + ") is part of the "
                    + "trainer's own step; a step of your own updates the weights itself and must clip them itself");
        }
        if (step != null && options.graphs() == GraphMode.ON) {
            throw new IllegalArgumentException("--cuda-graphs on captures the trainer's own step; a step of your own "
                    + "(data-parallel training) runs eagerly: use --cuda-graphs auto or off");
        }
        if (step != null && options.precision() != Precision.FP32) {
            throw new IllegalArgumentException("precision " + options.precision() + " is part of the trainer's own "
                    + "step; a step of your own (data-parallel training) runs in fp32: train it with precision fp32");
        }
        requireModelsParameters(model, optimizer);
        if (optimizer.learningRate() != options.learningRate()) {
            throw new IllegalArgumentException("the optimizer's learning rate is " + optimizer.learningRate() + " but "
                    + "Options.learningRate is " + options.learningRate() + ", from which the trainer's schedule sets "
                    + "it every epoch; give both the same rate");
        }
        this.model = model;
        this.optimizer = optimizer;
        this.device = device;
        this.options = options;
        this.imageStep = step;
        this.scaler = options.precision().scaler();
    }

    /**
     * Refuses an optimizer that lacks one of the model's trainable parameters (built from another model, say): that
     * parameter's gradient would never be cleared or used, and a later step failed far from the cause.
     */
    private static void requireModelsParameters(Module model, Optimizer optimizer) {
        java.util.Set<striate.nn.Parameter> held = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        held.addAll(optimizer.parameters().values());
        model.namedParameters().forEach((name, p) -> {
            if (p.requiresGrad() && !held.contains(p)) {
                throw new IllegalArgumentException("the optimizer does not hold the model's parameter '" + name + "' "
                        + p.value().shape() + "; build the optimizer from this model's namedParameters(), or freeze "
                        + "the parameter with requiresGrad(false) to leave it out");
            }
        });
    }

    /** The loss scaler of this run's precision (a disabled one unless fp16). */
    public GradScaler scaler() {
        return scaler;
    }

    /**
     * Forward (the task's) and loss under the precision's autocast, backward of the (fp16: scaled) loss, optional
     * clipping of the unscaled gradients and the update, which fp16 skips when a gradient overflowed; a non-finite
     * loss skips the update.
     */
    private <B> TrainStep<B> oneDeviceStep(Task<B> task) {
        return batch -> {
            Task.Output out;
            try (Autocast.Scope precision = options.precision().autocast()) {
                out = task.forward(batch);
            }
            double value = out.loss().item();
            if (!Double.isFinite(value)) {
                return new TrainStep.Result(value, 0, out.units(), out.samples());
            }
            optimizer.zeroGrad();
            scaler.scale(out.loss()).backward();
            if (options.clipGradNorm() > 0) {
                scaler.unscale(optimizer);
                // on the device (no wait for it); a non-finite norm leaves the gradients as they are: the next batch's
                // loss then stops the run
                GradClip.clipGradNormOnDevice(optimizer.parameters().values(), options.clipGradNorm(), 2);
            }
            scaler.step(optimizer);
            scaler.update();
            optimizer.zeroGrad(); // the gradients are this step's memory
            return new TrainStep.Result(value, out.metricSum(), out.units(), out.samples());
        };
    }

    /**
     * The trainer's own step for a classifier (images, or a text classifier's id batches): captured and replayed
     * ({@link GraphedClassificationStep}) when {@code options.graphs()} asks for it on this device and the step is safe
     * to capture, else the eager one-device step.
     */
    private TrainStep<Batch> ownClassificationStep(Classification task) {
        TrainStep<Batch> eager = oneDeviceStep(task);
        return graphedOr(eager, () -> new GraphedClassificationStep(task, graphedUpdate(), device, eager,
                options.graphs() == GraphMode.ON));
    }

    /**
     * The trainer's own step for a language model with truncated BPTT: captured and replayed
     * ({@link GraphedLanguageModelStep}) as a classifier's is, else the eager one-device step.
     */
    private TrainStep<SequenceBatch> ownLanguageModelStep(LanguageModeling task) {
        TrainStep<SequenceBatch> eager = oneDeviceStep(task);
        return graphedOr(eager, () -> new GraphedLanguageModelStep(task, graphedUpdate(), device, eager,
                options.graphs() == GraphMode.ON));
    }

    private GraphedStep.Update graphedUpdate() {
        return new GraphedStep.Update(optimizer, options.precision(), scaler, options.clipGradNorm());
    }

    /** {@code graphed}'s step when {@code options.graphs()} asks for one on this device and it is safe, else eager. */
    private <B> TrainStep<B> graphedOr(TrainStep<B> eager, java.util.function.Supplier<GraphedStep<B>> graphed) {
        GraphMode mode = options.graphs();
        if (mode == GraphMode.OFF || mode == GraphMode.AUTO && device.kind() != Device.Kind.CUDA) {
            return eager;
        }
        String unsafe = notCapturable();
        if (unsafe != null && mode == GraphMode.ON) {
            throw GraphMode.refusal("the training step cannot be captured: " + unsafe, null);
        }
        if (unsafe != null) {
            LOG.info("cuda graphs: training eagerly, since {}", unsafe);
            return eager;
        }
        LOG.info("cuda graphs: the training step is captured after {} eager batches and replayed on {}",
                GraphedStep.WARMUP_STEPS, device);
        return graphed.get();
    }

    /** Why this trainer's own step cannot be replayed from a captured graph, or null when it can. */
    private String notCapturable() {
        if (!optimizer.capturable()) {
            return optimizer.getClass().getSimpleName() + " is not capturable (its update reads host values, which a "
                    + "graph freezes)";
        }
        if (scaler.isEnabled() && !optimizer.skipsOnDevice()) {
            return "fp16's loss scaler would read on the host whether the gradients overflowed, every step: "
                    + optimizer.getClass().getSimpleName() + " does not skip a step on the device";
        }
        return null;
    }

    /**
     * Trains an image classifier ({@link Classification}) from scratch, or from {@code resume} (a checkpoint of this
     * model) when not null, on batches of {@code options.batchSize()} shuffled with {@code options.seed()}. Without
     * validation ({@code validation} null or empty) the training loss picks {@code best.ckpt} and drives early
     * stopping.
     */
    public History fit(Dataset train, Dataset validation, Checkpoint resume) {
        try (DataLoader trainLoader = DataLoader.builder(train, device).batchSize(options.batchSize())
                .shuffle(options.seed()).workers(options.workers()).build();
             DataLoader validationLoader = validation == null ? null : DataLoader.builder(validation, device)
                     .batchSize(Evaluation.batchSizeFor(validation, options.batchSize())).augment(false)
                     .workers(options.workers()).build()) {
            Classification task = new Classification(model);
            TrainStep<Batch> step = imageStep != null ? imageStep : ownClassificationStep(task);
            return run(task, step, BatchSource.of(trainLoader),
                    validationLoader == null ? null : BatchSource.of(validationLoader), resume);
        }
    }

    /**
     * Trains the trainer's model at {@code task} on {@code train}'s batches, validated on {@code validation}'s
     * (null or without batches: none; then the training loss picks {@code best.ckpt} and drives early stopping),
     * from scratch or from {@code resume} (a checkpoint of this model). The task must run the trainer's model.
     */
    public <B> History fit(Task<B> task, BatchSource<B> train, BatchSource<B> validation, Checkpoint resume) {
        if (imageStep != null) {
            throw new IllegalStateException("this trainer was built with a step of its own for image batches; "
                    + "train it with fit(Dataset, Dataset, Checkpoint)");
        }
        if (task instanceof Classification c) {
            @SuppressWarnings("unchecked") // a Classification is a Task<Batch>, so B is Batch
            TrainStep<B> step = (TrainStep<B>) ownClassificationStep(c);
            return run(task, step, train, validation, resume);
        }
        if (task instanceof LanguageModeling lm) {
            @SuppressWarnings("unchecked") // a LanguageModeling is a Task<SequenceBatch>, so B is SequenceBatch
            TrainStep<B> step = (TrainStep<B>) ownLanguageModelStep(lm);
            return run(task, step, train, validation, resume);
        }
        if (options.graphs() == GraphMode.ON) {
            throw new IllegalArgumentException("--cuda-graphs on: graphs capture a classifier's or a language model's "
                    + "step; other tasks (tagging, regression) train eagerly, so use --cuda-graphs auto or off");
        }
        return run(task, oneDeviceStep(task), train, validation, resume);
    }

    private <B> History run(Task<B> task, TrainStep<B> trainStep, BatchSource<B> train, BatchSource<B> validation,
                            Checkpoint resume) {
        History history;
        try {
            history = runEpochs(task, trainStep, train, validation, resume);
        } catch (RuntimeException | Error e) {
            if (trainStep instanceof GraphedStep<?> graphed) { // its close may fail too (a GPU error): keep the first
                try {
                    graphed.close();
                } catch (RuntimeException | Error closing) {
                    e.addSuppressed(closing);
                }
            }
            throw e;
        }
        if (trainStep instanceof GraphedStep<?> graphed) { // the trainer's own: its graph's memory goes back
            graphed.close();
        }
        return history;
    }

    private <B> History runEpochs(Task<B> task, TrainStep<B> trainStep, BatchSource<B> train,
                                  BatchSource<B> validation, Checkpoint resume) {
        if (train.numBatches() < 1) {
            throw new IllegalArgumentException("the training data has no batches; give it at least one example");
        }
        History history = new History(task.metric());
        int startEpoch = 0;
        long step = 0;
        boolean validated = validation != null && validation.numBatches() > 0;
        EarlyStopping stopping = new EarlyStopping(Math.max(1, options.patience()), options.minDelta());
        divergence = new Divergence(Double.NaN);
        if (resume != null) {
            restore(resume, trainStep);
            resume.history().forEach(history::add);
            resume.history().forEach(s -> stopping.shouldStop(monitored(s, validated)));
            startEpoch = resume.epoch();
            step = resume.globalStep();
            savedEpoch = resume.epoch();
            Number first = resume.optimizerScalars().get(FIRST_LOSS);
            divergence = new Divergence(first != null ? first.doubleValue() : Double.NaN);
            LOG.info("resuming {} from epoch {} (step {})", options.modelName(), startEpoch, step);
        }
        for (int epoch = startEpoch; epoch < options.epochs(); epoch++) {
            options.schedule().apply(optimizer, options.learningRate(), epoch);
            trainStep.beforeEpoch(epoch);
            EpochStats stats = trainEpoch(task, trainStep, train, validated ? validation : null, epoch, step);
            step += train.numBatches();
            history.add(stats);
            boolean improved = history.best().map(b -> b.epoch() == stats.epoch()).orElse(false);
            saveCheckpoints(epoch + 1, step, history, improved);
            if (options.progress() == null) { // with a progress bar, its summary line already says this
                LOG.info("epoch {}/{}: {}", epoch + 1, options.epochs(), summary(stats, task));
            }
            if (options.patience() > 0 && stopping.shouldStop(monitored(stats, validated))) {
                LOG.info("early stopping after epoch {}: {} loss has not improved for {} epochs (best {} at epoch {})",
                        epoch + 1, validated ? "validation" : "training", options.patience(),
                        fmt(stopping.bestValue()), stopping.bestEpoch());
                break;
            }
        }
        return history;
    }

    /**
     * An epoch's running sums of loss × units, metric, units and samples. A step's result is added at once, or, when
     * pending (a graphed step keeps it on the device), read with the other pending ones every {@link #READ_EVERY}
     * batches, before a result that is not pending, and at the end of the epoch; each read checks the mean loss of what
     * it read for divergence.
     */
    private final class EpochSums {
        private final TrainStep<?> trainStep;
        private final int epoch;
        private final long firstStep;
        private double lossSum;
        private double metricSum;
        private long units; // of the results read
        private long pendingUnits;
        private long pendingFrom; // the first and last pending batches, from 1
        private long pendingTo;
        long done;
        long samples;

        EpochSums(TrainStep<?> trainStep, int epoch, long firstStep) {
            this.trainStep = trainStep;
            this.epoch = epoch;
            this.firstStep = firstStep;
        }

        void add(TrainStep.Result r) {
            done++;
            samples += r.samples();
            if (r.pending()) {
                if (pendingUnits == 0) {
                    pendingFrom = done;
                }
                pendingUnits += r.units();
                pendingTo = done;
                if (pendingTo - pendingFrom + 1 >= READ_EVERY) {
                    readPending();
                }
                return;
            }
            readPending();
            check(r.loss(), "batch " + done + " (step " + (firstStep + done) + ")");
            lossSum += r.loss() * r.units();
            metricSum += r.metricSum();
            units += r.units();
        }

        void readPending() {
            if (pendingUnits == 0) {
                return;
            }
            TrainStep.Sums read = trainStep.readPending();
            check(read.loss() / pendingUnits, "batches " + pendingFrom + "–" + pendingTo + " (steps " + (firstStep
                    + pendingFrom) + "–" + (firstStep + pendingTo) + ", whose mean loss this is: a graphed step's "
                    + "losses are read every " + READ_EVERY + " batches)");
            lossSum += read.loss();
            metricSum += read.metric();
            units += pendingUnits;
            pendingUnits = 0;
        }

        private void check(double loss, String where) {
            String diverged = divergence.add(loss);
            if (diverged != null) {
                throw new TrainingDivergedException("training diverged at epoch " + (epoch + 1) + ", " + where + ": "
                        + diverged + "; training stopped. " + keptMessage() + " Lower the learning rate (now "
                        + optimizer.learningRate() + ") and try again.");
            }
        }

        double loss() {
            return lossSum / units;
        }

        double metric() {
            return metricSum / units;
        }
    }

    private <B> EpochStats trainEpoch(Task<B> task, TrainStep<B> trainStep, BatchSource<B> train,
                                      BatchSource<B> validation, int epoch, long step) {
        model.train();
        task.beforePass(true);
        ProgressBar bar = options.progress() == null ? null : ProgressBar.of(options.progress(), epoch + 1,
                options.epochs(), train.numBatches(), task.metric().label(), task.unit());
        EpochSums sums = new EpochSums(trainStep, epoch, step);
        long start = System.nanoTime();
        try (BatchSource.Epoch<B> batches = train.epoch(epoch)) {
            while (batches.hasNext()) {
                // What a step allocates (the batch, activations, gradients) goes back to the pool when it ends; the
                // weights, optimizer state and batch-norm statistics live outside the scope and are updated in place.
                try (MemoryScope scope = MemoryScope.open()) {
                    TrainStep.Result r = trainStep.run(batches.next());
                    task.afterBatch(scope);
                    sums.add(r);
                }
                if (bar != null) {
                    bar.update(sums.done, sums.samples, sums.loss(), sums.metric());
                }
            }
        }
        sums.readPending();
        double seconds = (System.nanoTime() - start) / 1e9;
        Pass val = validation == null ? new Pass(Double.NaN, Double.NaN) : evaluate(task, validation);
        EpochStats stats = new EpochStats(epoch + 1, sums.loss(), sums.metric(), val.loss(), val.metric(),
                optimizer.learningRate(), seconds, sums.samples / seconds);
        if (bar != null) {
            bar.finish(summary(stats, task));
        }
        return stats;
    }

    /**
     * The task's mean loss and metric over {@code source}'s batches (epoch 0), in evaluation mode, no gradients, in
     * the run's precision.
     */
    private <B> Pass evaluate(Task<B> task, BatchSource<B> source) {
        model.eval();
        task.beforePass(false);
        double lossSum = 0;
        double metricSum = 0;
        long units = 0;
        try (GradMode.Scope off = GradMode.off(); Autocast.Scope precision = options.precision().autocast();
             BatchSource.Epoch<B> batches = source.epoch(0)) {
            while (batches.hasNext()) {
                try (MemoryScope scope = MemoryScope.open()) { // the batch's tensors go back to the pool after it
                    Task.Output out = task.forward(batches.next());
                    lossSum += out.loss().item() * out.units();
                    metricSum += out.metricSum();
                    units += out.units();
                    task.afterBatch(scope);
                }
            }
        } finally {
            model.train();
        }
        return new Pass(lossSum / units, metricSum / units);
    }

    /** An epoch's numbers for its closing line; the validation columns only where it was validated. */
    private static String summary(EpochStats s, Task<?> task) {
        String label = task.metric().label();
        String val = s.hasValidation() ? String.format(Locale.ROOT, " | val loss %.4f %s %.4f", s.valLoss(), label,
                s.valMetric()) : "";
        return String.format(Locale.ROOT, "loss %.4f %s %.4f%s | lr %.3g | %.0f %s/s", s.trainLoss(), label,
                s.trainMetric(), val, s.learningRate(), s.samplesPerSecond(), task.unit());
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
        if (scaler.isEnabled()) {
            scaler.state().forEach((k, v) -> scalars.put(SCALER + k, v.item()));
        }
        Map<String, String> settings = new LinkedHashMap<>(options.settings());
        if (options.precision() != Precision.FP32) {
            settings.put(PRECISION, options.precision().toString());
        }
        Checkpoint c = new Checkpoint(options.modelName(), options.modelConfig(), settings, epochsDone, step,
                rng, history.epochs(), Checkpoint.stateOf(model), optimizer.state(), scalars, options.vocabularies());
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

    private void restore(Checkpoint c, TrainStep<?> trainStep) {
        try {
            c.requireModel(options.modelName());
            String trained = c.settings().getOrDefault(PRECISION, Precision.FP32.toString());
            if (!trained.equals(options.precision().toString())) {
                throw new IllegalArgumentException("resume: the checkpoint's run trained in " + trained + " but this "
                        + "run asks for " + options.precision() + "; resume with precision " + trained
                        + " or start a new run");
            }
            c.restoreInto(model);
        } catch (IOException e) {
            throw new UncheckedIOException(e.getMessage(), e);
        }
        optimizer.loadState(c.optimizer());
        if (scaler.isEnabled()) {
            Map<String, Tensor> state = new LinkedHashMap<>();
            c.optimizerScalars().forEach((k, v) -> {
                if (k.startsWith(SCALER)) {
                    state.put(k.substring(SCALER.length()), Tensor.scalar(Device.reference(), DType.F64,
                            v.doubleValue()));
                }
            });
            scaler.loadState(state);
        }
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

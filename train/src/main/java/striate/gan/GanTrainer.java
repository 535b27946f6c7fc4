package striate.gan;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import striate.autograd.GradMode;
import striate.data.Batch;
import striate.data.DataLoader;
import striate.nn.GradientPenalty;
import striate.nn.Losses;
import striate.nn.Module;
import striate.nn.Parameter;
import striate.optim.Optimizer;
import striate.tensor.DType;
import striate.tensor.Device;
import striate.tensor.MemoryScope;
import striate.tensor.Rng;
import striate.tensor.Tensor;
import striate.train.BatchedInference;
import striate.train.Checkpoint;
import striate.train.CheckpointException;
import striate.train.ProgressBar;
import striate.train.GraphMode;
import striate.train.TrainingDivergedException;

/**
 * Trains a {@link Gan}: per real batch one discriminator (critic) step on the real images and a batch of fakes made
 * without recording G (so D's backward never reaches G), then, after every {@code criticSteps}-th of them, one
 * generator step on fresh latents through D. During G's step D's parameters are switched to requiresGrad(false)
 * (PyTorch's {@code requires_grad_(False)} idiom) and back: backward then neither computes nor accumulates D's weight
 * gradients, which zeroing afterwards would still compute. WGAN clips the critic's weights after each of its steps;
 * WGAN-GP adds λ × the gradient penalty. Every step is recorded ({@link GanStep}, {@link GanHistory}) and checked by
 * {@link Collapse}, which stops the run with {@link TrainingDivergedException}, keeping the last good checkpoint.
 *
 * <p>Each epoch ends with samples of the fixed latents (drawn once from the seed, kept in checkpoints) in evaluation
 * mode, handed to the epoch listener (the report's grids), and {@code last.ckpt}: both nets, both optimizers, the
 * trainer's generator (latents, fake labels), the fixed latents, the step counts, the collapse counter and the
 * history. A run resumed from it sees the same batches (each epoch's order comes from its number alone) and draws the
 * same latents, so it reaches the uninterrupted run's weights bit for bit.
 */
public final class GanTrainer {
    /** The checkpoint written after every epoch. */
    public static final String LAST = "last.ckpt";
    /** Fixed latents of an unconditional grid: 8×8. */
    public static final int GRID = 8;
    /** Steps of the first epoch left out of the throughput (warm-up: JIT, memory pools). */
    static final int WARMUP_STEPS = 10;
    private static final int SAMPLE_BATCH = 500;
    private static final String TRAINER_RNG = "trainer";

    /** Receives each epoch's samples of the fixed latents, [n, 1, 28, 28] on the host, values in [-1, 1]. */
    @FunctionalInterface
    public interface EpochListener {
        void epochDone(int epoch, Tensor samples) throws IOException;
    }

    /**
     * What to train for: {@code epochs} in all (a resumed run continues to it), {@code seed} for the trainer's latents
     * and the fixed ones, {@code checkpointDir} (null: no checkpoints), {@code progress} for the progress bar and the
     * epoch lines (null: silent), {@code settings} recorded in every checkpoint, {@code listener} (null: none).
     */
    public record Options(int epochs, long seed, Path checkpointDir, PrintStream progress, Map<String, String> settings,
                          EpochListener listener, GraphMode graphs) {
        public Options {
            settings = Map.copyOf(settings);
            if (epochs < 1) {
                throw new IllegalArgumentException("epochs must be >= 1, got " + epochs);
            }
            java.util.Objects.requireNonNull(graphs, "graphs");
        }

        /** Graphs where they pay ({@link GraphMode#AUTO}: on CUDA devices). */
        public Options(int epochs, long seed, Path checkpointDir, PrintStream progress, Map<String, String> settings,
                       EpochListener listener) {
            this(epochs, seed, checkpointDir, progress, settings, listener, GraphMode.AUTO);
        }
    }

    private final Gan gan;
    private final Device device;
    private final Options options;
    private final Rng rng;
    private final Tensor fixedLatents; // [64 or 80, 100]
    private final Tensor fixedLabels; // [80] for cgan (row r is class r), else null
    private final ReentrantLock saving = new ReentrantLock();
    private GanHistory history = new GanHistory();
    private Collapse collapse;
    private long step;
    private long generatorSteps;
    private int epoch;
    private volatile int savedEpoch;
    private long timedNanos;
    private long timedImages;
    private final GraphedGanStep graphed; // null: every step eager

    /** A trainer of {@code gan}, whose nets are on {@code device}. */
    public GanTrainer(Gan gan, Device device, Options options) {
        if (!gan.generator().device().equals(device) || !gan.discriminator().device().equals(device)) {
            throw new IllegalArgumentException("the GAN's nets are on " + gan.generator().device() + " and "
                    + gan.discriminator().device() + " but training runs on " + device);
        }
        this.gan = gan;
        this.device = device;
        this.options = options;
        this.rng = new Rng(options.seed());
        Rng fixed = new Rng(options.seed() ^ 0x6A09E667F3BCC908L);
        int n = gan.conditional() ? Gan.CLASSES * GRID : GRID * GRID;
        this.fixedLatents = Latents.sample(fixed, n, device);
        this.fixedLabels = gan.conditional() ? rowLabels(n) : null;
        this.collapse = new Collapse(gan.recipe().loss() == GanRecipe.Loss.BCE, 0);
        boolean graphs = options.graphs() == GraphMode.ON
                || options.graphs() == GraphMode.AUTO && device.kind() == Device.Kind.CUDA;
        this.graphed = graphs ? new GraphedGanStep(this, device, options.graphs() == GraphMode.ON) : null;
    }

    private Tensor rowLabels(int n) {
        int[] y = new int[n];
        for (int i = 0; i < n; i++) {
            y[i] = i / GRID;
        }
        return Tensor.ofInts(device, y, n);
    }

    /**
     * Trains on {@code loader}'s batches (images [b, 1, 28, 28] in [-1, 1], labels [b]) up to the options' epochs,
     * from scratch or from {@code resume} (a checkpoint of this GAN). Returns the whole run's history.
     */
    public GanHistory fit(DataLoader loader, Checkpoint resume) {
        if (loader.numBatches() < 1) {
            throw new IllegalArgumentException("the training data has no batches; give it at least one batch of images");
        }
        if (resume != null) {
            restore(resume);
        }
        try {
            epochs(loader);
        } catch (RuntimeException | Error e) {
            if (graphed != null) { // its close may fail too (a GPU error): keep the first
                try {
                    graphed.close();
                } catch (RuntimeException | Error closing) {
                    e.addSuppressed(closing);
                }
            }
            throw e;
        }
        if (graphed != null) { // the graphs' memory goes back
            graphed.close();
        }
        return history;
    }

    private void epochs(DataLoader loader) {
        boolean firstOfRun = true;
        while (epoch < options.epochs()) {
            trainEpoch(loader, firstOfRun);
            firstOfRun = false;
            epoch++;
            Tensor samples = fixedSamples();
            String collapsed = Collapse.samples(samples.toFloatArray(), (int) samples.dim(0));
            if (collapsed != null) {
                throw stopped("after epoch " + epoch + ": " + collapsed);
            }
            save();
            if (options.listener() != null) {
                try {
                    options.listener().epochDone(epoch, samples);
                } catch (IOException e) {
                    throw new UncheckedIOException(e.getMessage(), e);
                }
            }
        }
    }

    /** The trainer's own generator (latents, fake labels, the gradient penalty's mix). */
    Rng random() {
        return rng;
    }

    /**
     * The trainer's generator and both nets' generators, by the names checkpoints keep their states under: what a
     * checkpoint saves, and what a graphed step puts back after a failed capture.
     */
    Map<String, Rng> generators() {
        Map<String, Rng> all = new LinkedHashMap<>();
        all.put(TRAINER_RNG, rng);
        gan.generator().namedRngs().forEach((k, r) -> all.put("generator." + k, r));
        gan.discriminator().namedRngs().forEach((k, r) -> all.put("discriminator." + k, r));
        return all;
    }

    private void trainEpoch(DataLoader loader, boolean firstOfRun) {
        gan.generator().train();
        gan.discriminator().train();
        if (graphed != null) {
            graphed.beforeEpoch();
        }
        int batches = loader.numBatches();
        ProgressBar bar = options.progress() == null ? null : ProgressBar.of(options.progress(), epoch + 1,
                options.epochs(), batches, "G", "img");
        double dSum = 0;
        double gSum = 0;
        int gCount = 0;
        double realSum = 0;
        double fakeSum = 0;
        long images = 0;
        int done = 0;
        long start = System.nanoTime();
        try (DataLoader.Batches it = loader.iterator(epoch)) {
            while (it.hasNext()) {
                long t0 = System.nanoTime();
                GanStep s;
                try (MemoryScope scope = MemoryScope.open()) { // the step's tensors go back to the pool after it
                    s = step(it.next());
                }
                if (!(firstOfRun && done < WARMUP_STEPS)) {
                    timedNanos += System.nanoTime() - t0;
                    timedImages += s.images();
                }
                done++;
                dSum += s.dLoss();
                realSum += s.dReal();
                fakeSum += s.dFake();
                if (!Double.isNaN(s.gLoss())) {
                    gSum += s.gLoss();
                    gCount++;
                }
                images += s.images();
                if (bar != null) {
                    bar.update(done, images, dSum / done, gCount == 0 ? Double.NaN : gSum / gCount);
                }
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        history.addEpoch(seconds, images);
        if (bar != null) {
            boolean w = gan.recipe().loss() == GanRecipe.Loss.WASSERSTEIN;
            String gLoss = gCount == 0 ? "no G step" : String.format(Locale.ROOT, "G loss %.4f", gSum / gCount);
            bar.finish(String.format(Locale.ROOT, "D loss %.4f | %s | %s %.4f | %s %.4f%s | %.0f img/s",
                    dSum / done, gLoss, w ? "critic(x)" : "D(x)", realSum / done,
                    w ? "critic(G(z))" : "D(G(z))", fakeSum / done,
                    w ? String.format(Locale.ROOT, " | W estimate %.4f", (realSum - fakeSum) / done) : "",
                    images / seconds));
        }
    }

    /** One discriminator step on {@code batch} and, every criticSteps-th time, one generator step. */
    private GanStep step(Batch batch) {
        Tensor real = batch.x(); // [b, 1, 28, 28]
        int b = (int) real.dim(0);
        boolean generatorStep = (step + 1) % gan.recipe().criticSteps() == 0;
        double[] replayed = graphed == null ? null : graphed.run(batch, generatorStep);
        Critic c;
        double gValue = Double.NaN;
        if (replayed != null) { // both nets were updated whatever the losses: Collapse stops a run that diverged
            c = new Critic(replayed[0], replayed[1], replayed[2]);
            gValue = generatorStep ? replayed[3] : Double.NaN;
        } else {
            c = discriminatorStep(real, gan.conditional() ? batch.y() : null);
            if (generatorStep && Double.isFinite(c.loss())) {
                gValue = generatorStep(b);
            }
        }
        String failed = collapse.add(c.loss(), gValue, generatorStep);
        if (failed != null) {
            throw stopped("at epoch " + (epoch + 1) + ", step " + (step + 1) + ": " + failed);
        }
        step++;
        if (generatorStep) {
            generatorSteps++;
        }
        boolean bce = gan.recipe().loss() == GanRecipe.Loss.BCE;
        GanStep s = new GanStep(c.loss(), gValue, c.real(), c.fake(), bce ? Double.NaN : c.real() - c.fake(), b);
        history.add(s);
        return s;
    }

    /** A discriminator step's loss and its mean outputs on the real and the fake batch. */
    record Critic(double loss, double real, double fake) {
    }

    /**
     * D's step on {@code real} [b, 1, 28, 28] (with {@code labels} [b] for cgan) and as many fakes, made without
     * recording G; a non-finite loss updates nothing. WGAN clips the critic's weights afterwards.
     */
    Critic discriminatorStep(Tensor real, Tensor labels) {
        CriticTerms terms = criticTerms(real, labels);
        double[] read = terms.values().toDoubleArray(); // one read of the three: on a GPU, one wait instead of three
        if (Double.isFinite(read[0])) { // a non-finite loss updates nothing: Collapse stops the run
            criticUpdate(terms.loss());
        }
        return new Critic(read[0], read[1], read[2]);
    }

    /**
     * D's loss (with its autograd graph) and, in {@code values} [3] float32 on the device, that loss and D's mean
     * outputs on the real batch and the fakes (of the logits' sigmoid for BCE), not read here.
     */
    record CriticTerms(Tensor loss, Tensor values) {
    }

    /** D's loss on {@code real} and on fakes made without recording G (see {@link CriticTerms}). */
    CriticTerms criticTerms(Tensor real, Tensor labels) {
        GanRecipe r = gan.recipe();
        GanNet d = gan.discriminator();
        int b = (int) real.dim(0);
        boolean bce = r.loss() == GanRecipe.Loss.BCE;
        Tensor fake;
        Tensor fakeLabels;
        try (GradMode.Scope off = GradMode.off()) { // D's step does not build G's graph
            fakeLabels = gan.conditional() ? Latents.labels(rng, b, Gan.CLASSES, device) : null;
            fake = gan.generator().forward(Latents.sample(rng, b, device), fakeLabels); // [b, 1, 28, 28]
        }
        Tensor dReal = d.forward(real, labels); // [b, 1]
        Tensor dFake = d.forward(fake, fakeLabels); // [b, 1]
        Tensor dLoss = bce
                ? Losses.binaryCrossEntropyWithLogits(dReal, full(b, 1)).add(
                        Losses.binaryCrossEntropyWithLogits(dFake, full(b, 0)))
                : dFake.mean().sub(dReal.mean());
        if (r.penalty() > 0) {
            dLoss = dLoss.add(gradientPenalty(d, real, fake, labels).mul(r.penalty()));
        }
        try (GradMode.Scope off = GradMode.off()) {
            return new CriticTerms(dLoss, Tensor.stack(0, dLoss.to(DType.F32),
                    (bce ? dReal.sigmoid() : dReal).mean().to(DType.F32),
                    (bce ? dFake.sigmoid() : dFake).mean().to(DType.F32)));
        }
    }

    /** D's update from {@code loss} (of {@link #criticTerms}), and WGAN's clipping of the critic's weights. */
    void criticUpdate(Tensor loss) {
        update(gan.discriminatorOptimizer(), loss);
        if (gan.recipe().clip() > 0) {
            clip(gan.discriminator(), gan.recipe().clip());
        }
    }

    /** G's step on {@code b} fresh latents through D, with D's parameters out of autograd; returns G's loss. */
    double generatorStep(int b) {
        return withFrozenCritic(() -> {
            Tensor gLoss = generatorLoss(b);
            double value = gLoss.item();
            if (Double.isFinite(value)) {
                update(gan.generatorOptimizer(), gLoss);
            }
            return value;
        });
    }

    /** G's step queued without reading anything (for a captured step): the update whatever the loss; returns it. */
    Tensor generatorUpdate(int b) {
        return withFrozenCritic(() -> {
            Tensor gLoss = generatorLoss(b);
            update(gan.generatorOptimizer(), gLoss);
            return gLoss.detach();
        });
    }

    /** G's loss on {@code b} fresh latents through D (call with D frozen). */
    private Tensor generatorLoss(int b) {
        Tensor labels = gan.conditional() ? Latents.labels(rng, b, Gan.CLASSES, device) : null;
        Tensor fake = gan.generator().forward(Latents.sample(rng, b, device), labels); // [b, 1, 28, 28]
        Tensor out = gan.discriminator().forward(fake, labels); // [b, 1]
        return gan.recipe().loss() == GanRecipe.Loss.BCE
                ? Losses.binaryCrossEntropyWithLogits(out, full(b, 1)) : out.mean().neg();
    }

    /** Runs {@code work} with D's trainable parameters out of autograd, restoring them after. */
    private <T> T withFrozenCritic(java.util.function.Supplier<T> work) {
        List<Tensor> frozen = gan.discriminator().namedParameters().values().stream().filter(Parameter::requiresGrad)
                .map(Parameter::value).toList();
        frozen.forEach(w -> w.requiresGrad(false));
        try {
            return work.get();
        } finally {
            frozen.forEach(w -> w.requiresGrad(true));
        }
    }

    /** The recipe's nets and optimizers, for the graphed step. */
    Gan gan() {
        return gan;
    }

    private static void update(Optimizer optimizer, Tensor loss) {
        optimizer.zeroGrad();
        loss.backward();
        optimizer.step();
        optimizer.zeroGrad(); // the gradients are this step's memory
    }

    /** WGAN's weight clipping: every parameter of the critic into [−c, c], in place. */
    private static void clip(Module critic, double c) {
        try (GradMode.Scope off = GradMode.off()) {
            for (Parameter p : critic.parameters()) {
                Tensor w = p.value();
                w.copyFrom(w.maximum(w.scalarLike(-c)).minimum(w.scalarLike(c)));
            }
        }
    }

    /** WGAN-GP's penalty at random points between real and fake (λ not applied); labels close over for cgan critics. */
    private Tensor gradientPenalty(GanNet critic, Tensor real, Tensor fake, Tensor labels) {
        return labels == null ? GradientPenalty.of(critic, real, fake, rng)
                : GradientPenalty.of(x -> critic.forward(x, labels), real, fake, rng);
    }

    private Tensor full(int b, double value) {
        return Tensor.full(device, DType.F32, value, b, 1);
    }

    private TrainingDivergedException stopped(String why) {
        Path dir = options.checkpointDir();
        String kept = dir != null && Files.exists(dir.resolve(LAST))
                ? "The last good checkpoint is kept at " + dir.resolve(LAST) + " (epoch " + savedEpoch + ")."
                : "No checkpoint was written before it happened.";
        return new TrainingDivergedException("GAN training stopped " + why + ". " + kept + " Try another --seed, or "
                + "the model's recipe if it was changed.");
    }

    // ---- sampling ----------------------------------------------------------------------------------------

    /** The samples of the fixed latents (and, for cgan, their row labels), [n, 1, 28, 28] on the host. */
    public Tensor fixedSamples() {
        return generate(fixedLatents, fixedLabels);
    }

    /** The fixed latents' labels (row r of the cgan grid is class r), or null for an unconditional GAN. */
    public Tensor fixedLabels() {
        return fixedLabels;
    }

    /** {@code n} samples of fresh latents from {@code sampleRng}, with {@code labels} [n] for cgan (null otherwise). */
    public Tensor samples(int n, Rng sampleRng, Tensor labels) {
        return generate(Latents.sample(sampleRng, n, device), labels);
    }

    /** {@code steps} images along the path between the first two fixed latents (of one class for cgan). */
    public Tensor interpolation(int steps, boolean spherical) {
        Tensor z = Latents.interpolate(fixedLatents.slice(0, 0, 1), fixedLatents.slice(0, 1, 2), steps, spherical);
        Tensor labels = gan.conditional() ? Tensor.ofInts(device, new int[steps], steps) : null;
        return generate(z.to(device), labels);
    }

    /**
     * The generator's images for latents {@code z} [n, 100] (labels [n] or null), in evaluation mode (batch norm
     * with its running statistics) and without gradients, in batches; [n, 1, 28, 28] on the host. The nets go back
     * to training mode.
     */
    public Tensor generate(Tensor z, Tensor labels) {
        GanNet g = gan.generator();
        int n = (int) z.dim(0);
        float[] out = BatchedInference.run(g, n, SAMPLE_BATCH, (start, end) -> g.forward(
                z.slice(0, start, end).contiguous().to(device),
                labels == null ? null : labels.slice(0, start, end).contiguous().to(device))); // [b, 1, 28, 28]
        return Tensor.of(Device.reference(), out, n, 1, 28, 28);
    }

    // ---- state -------------------------------------------------------------------------------------------

    /** Discriminator steps so far (the checkpoint's global step). */
    public long steps() {
        return step;
    }

    /** Generator steps so far. */
    public long generatorSteps() {
        return generatorSteps;
    }

    /** The run's history so far (a resumed run's includes the steps before the resume). */
    public GanHistory history() {
        return history;
    }

    /**
     * Real images per second of this run's steps (both nets' updates, the fakes and the batches' wait), leaving out
     * the first {@value #WARMUP_STEPS} steps of its first epoch; NaN before any step was timed.
     */
    public double imagesPerSecond() {
        return timedNanos == 0 ? Double.NaN : timedImages / (timedNanos / 1e9);
    }

    /**
     * For a shutdown hook: waits up to {@code seconds} for a checkpoint write in progress, then keeps another from
     * starting. Returns the epochs {@code last.ckpt} holds (0: none), or -1 when a write was still going on.
     */
    public int holdCheckpoints(long seconds) throws InterruptedException {
        return saving.tryLock(seconds, TimeUnit.SECONDS) ? savedEpoch : -1;
    }

    /** The checkpoint of the run as it is now. */
    public Checkpoint checkpoint() {
        Map<String, Tensor> model = new LinkedHashMap<>();
        Checkpoint.stateOf(gan.generator()).forEach((k, t) -> model.put("generator." + k, t));
        Checkpoint.stateOf(gan.discriminator()).forEach((k, t) -> model.put("discriminator." + k, t));
        model.put("fixed.latents", fixedLatents);
        if (fixedLabels != null) {
            model.put("fixed.labels", fixedLabels);
        }
        model.putAll(history.tensors());
        Map<String, Tensor> optimizers = new LinkedHashMap<>();
        gan.generatorOptimizer().state().forEach((k, t) -> optimizers.put("generator." + k, t));
        gan.discriminatorOptimizer().state().forEach((k, t) -> optimizers.put("discriminator." + k, t));
        Map<String, Long> rngs = new LinkedHashMap<>();
        generators().forEach((name, r) -> rngs.put(name, r.state()));
        Map<String, Number> scalars = new LinkedHashMap<>();
        scalars.put("generator_steps", generatorSteps);
        scalars.put("low_d_loss_steps", collapse.lowSteps());
        return new Checkpoint(gan.checkpointName(), gan.recipe().toString(), options.settings(), epoch, step, rngs,
                List.of(), model, optimizers, scalars);
    }

    private void save() {
        Path dir = options.checkpointDir();
        if (dir == null) {
            return;
        }
        Checkpoint c = checkpoint();
        saving.lock();
        try {
            Files.createDirectories(dir);
            c.save(dir.resolve(LAST));
            savedEpoch = epoch;
        } catch (IOException e) {
            throw new UncheckedIOException("could not write the checkpoint in " + dir + ": " + e.getMessage(), e);
        } finally {
            saving.unlock();
        }
    }

    private void restore(Checkpoint c) {
        try {
            c.requireModel(gan.checkpointName());
            part(c, "generator.").restoreInto(gan.generator());
            part(c, "discriminator.").restoreInto(gan.discriminator());
        } catch (CheckpointException e) {
            throw new UncheckedIOException(e.getMessage(), e);
        }
        gan.generatorOptimizer().loadState(prefixed(c.optimizer(), "generator."));
        gan.discriminatorOptimizer().loadState(prefixed(c.optimizer(), "discriminator."));
        fixedLatents.copyFrom(required(c, "fixed.latents"));
        if (fixedLabels != null) {
            fixedLabels.copyFrom(required(c, "fixed.labels"));
        }
        history = GanHistory.of(c.model());
        generators().forEach((name, r) -> r.setState(requiredRng(c, name)));
        generatorSteps = requiredScalar(c, "generator_steps");
        collapse = new Collapse(gan.recipe().loss() == GanRecipe.Loss.BCE, requiredScalar(c, "low_d_loss_steps"));
        step = c.globalStep();
        epoch = c.epoch();
        savedEpoch = epoch;
    }

    private static Tensor required(Checkpoint c, String name) {
        Tensor t = c.model().get(name);
        if (t == null) {
            throw new IllegalArgumentException("the checkpoint has no '" + name + "'; it was not written by a GAN run");
        }
        return t;
    }

    private static long requiredRng(Checkpoint c, String name) {
        Long state = c.rngStates().get(name);
        if (state == null) {
            throw new IllegalArgumentException("the checkpoint has no '" + name + "' random state; it was not written "
                    + "by a GAN run");
        }
        return state;
    }

    private static long requiredScalar(Checkpoint c, String name) {
        Number value = c.optimizerScalars().get(name);
        if (value == null) {
            throw new IllegalArgumentException("the checkpoint has no '" + name + "' count; it was not written by a "
                    + "GAN run");
        }
        return value.longValue();
    }

    private static Checkpoint part(Checkpoint c, String prefix) {
        return new Checkpoint(c.modelName(), c.modelConfig(), 0, 0, Map.of(), List.of(), prefixed(c.model(), prefix),
                Map.of(), Map.of());
    }

    private static Map<String, Tensor> prefixed(Map<String, Tensor> all, String prefix) {
        Map<String, Tensor> out = new LinkedHashMap<>();
        all.forEach((k, t) -> {
            if (k.startsWith(prefix)) {
                out.put(k.substring(prefix.length()), t);
            }
        });
        return out;
    }
}

package striate.spark;

import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import striate.data.DataLoader;
import striate.data.Dataset;
import striate.data.ImageFolder;
import striate.data.MnistFolder;
import striate.data.Normalization;
import striate.models.AlexNet;
import striate.models.LeNet5;
import striate.nn.Module;
import striate.optim.Sgd;
import striate.parallel.DataParallel;
import striate.parallel.GradientExchange;
import striate.tensor.Device;
import striate.tensor.Tensor;
import striate.train.Checkpoint;
import striate.train.CheckpointException;
import striate.train.EpochStats;

/**
 * One worker's share of a data-parallel run, with no Spark in it: it reads its shard of an MNIST-format folder or an
 * image folder ({@link ShardOrder}), builds the same LeNet-5 or AlexNet and SGD as every other worker (from the seed), and trains with a
 * one-device {@link DataParallel} (cpu:0, or its task's GPU) whose {@link GradientExchange} averages the gradients
 * with the other workers (a {@link SocketRing}, or an NCCL group), so every worker takes the same optimizer step and
 * the weights stay identical.
 * Rank 0 writes {@code last.ckpt} to the checkpoint folder atomically every {@code --checkpoint-every} steps (after
 * the workers add up their epoch's running sums, in which all take part) and at the end of each epoch. On start every worker resumes from {@code last.ckpt} when there is one, at the step it
 * was written after, so a retried Spark stage goes on where the last checkpoint left off.
 */
public final class Worker {
    /** The checkpoint file in the checkpoint folder. */
    public static final String CHECKPOINT = "last.ckpt";
    private static final Logger log = LoggerFactory.getLogger(Worker.class);

    /**
     * What one worker reports back: where it started and ended, each epoch it finished, the examples it trained on,
     * the seconds its steps took and the seconds of those spent in the all-reduce (on the communication thread;
     * LeNet-5's gradients make one bucket, reduced after backward, so all of it adds to the step).
     */
    public record Report(int rank, long firstStep, long lastStep, List<Epoch> epochs, long examples, double seconds,
                         double allReduceSeconds, Test test) implements TaskOutcome {
        public Report {
            epochs = List.copyOf(epochs);
        }

        /** A report without a test score (a worker other than rank 0). */
        public Report(int rank, long firstStep, long lastStep, List<Epoch> epochs, long examples, double seconds,
                      double allReduceSeconds) {
            this(rank, firstStep, lastStep, epochs, examples, seconds, allReduceSeconds, null);
        }

        public double imagesPerSecond() {
            return examples / seconds;
        }

        /** The mean training loss of each finished epoch. */
        public double[] epochLoss() {
            return epochs.stream().mapToDouble(Epoch::loss).toArray();
        }
    }

    /** Weights scored on the run's test images (a folder's or a test DataFrame's): accuracy, mean loss, images. */
    public record Test(double accuracy, double loss, int images) implements Serializable {
    }


    /**
     * One finished epoch of a worker: its mean training loss, the examples, seconds and all-reduce seconds of the
     * steps this worker ran in it (a resumed worker runs only the rest of its first epoch; the seconds leave out the
     * scoring), and the job's scores after it ({@link EpochScores}, the same on every worker). A later epoch's rate is the
     * steady state, after the JIT has compiled the step.
     */
    public record Epoch(double loss, long examples, double seconds, double allReduceSeconds, EpochScores scores)
            implements Serializable {
        /** An epoch without the job's scores. */
        public Epoch(double loss, long examples, double seconds, double allReduceSeconds) {
            this(loss, examples, seconds, allReduceSeconds, null);
        }

        public double imagesPerSecond() {
            return examples / seconds;
        }
    }

    private Worker() {
    }

    /**
     * The training examples the run uses, cut to {@code --limit}: for LeNet-5 the MNIST-format folder's training set
     * (copied to this node first when {@code --data} is a Hadoop URL: {@link DataFolder}), normalized; for AlexNet the
     * image folder's ({@code DIR/train/<class>/...}, or {@code DIR/<class>/...}) at the config's size, randomly
     * cropped and flipped ({@link Dataset#sample}, drawn per example from (seed, epoch, index) as a loader draws).
     */
    public static Dataset data(Options o) throws IOException {
        if (!isAlexNet(o)) {
            Dataset all = MnistFolder.open(DataFolder.local(o.data())).train(Normalization.FASHION_MNIST);
            return o.limit() > 0 ? all.subset(Math.min(o.limit(), all.size())) : all;
        }
        Dataset all = trainImages(o).augmented();
        // a seeded sample, the same on every worker: the folder's order is class by class
        return o.limit() > 0 && o.limit() < all.size() ? all.select(Dataset.seededSample(all.size(), o.limit(),
                o.seed())) : all;
    }

    /**
     * The test images of the run, or null when it has none: the MNIST folder's 10,000, or the image folder's
     * {@code val/} or {@code test/} beside {@code train/} (centre crops).
     */
    static Dataset testData(Options o) throws IOException {
        if (!isAlexNet(o)) {
            // open: a folder missing files names all four, which training needs (testSet looks for t10k's alone)
            return MnistFolder.open(DataFolder.local(o.data())).test(Normalization.FASHION_MNIST);
        }
        Path root = folder(o);
        for (String name : List.of("val", "test")) {
            if (!trainRoot(root).equals(root) && Files.isDirectory(root.resolve(name))) {
                ImageFolder test = images(root.resolve(name), alexNet(o));
                List<String> classes = ImageFolder.classFolders(trainRoot(root)); // not a walk of every image
                if (!test.classNames().equals(classes)) { // labels are class folder positions: they must agree
                    throw new IllegalArgumentException(test.root() + " has classes " + test.classNames() + " but "
                            + trainRoot(root) + " has " + classes + "; both need the same class folders");
                }
                return test;
            }
        }
        return null;
    }

    /** The model every worker (and a one-process run of the same options) starts from, for {@code --data}'s classes. */
    public static Module model(Options o) {
        try {
            return model(o, isAlexNet(o) ? trainImages(o).classes() : 0);
        } catch (IOException e) {
            throw new UncheckedIOException("could not read the image folder " + o.data() + ": " + e.getMessage(), e);
        }
    }

    /** The model for {@code classes} classes: AlexNet's --config with them, or LeNet-5. */
    static Module model(Options o, int classes) {
        return isAlexNet(o) ? new AlexNet(alexNet(o, classes), o.seed())
                : new LeNet5(LeNet5.Config.defaults(), o.seed());
    }

    /** The config of {@link #model(Options, int)}'s model, as its checkpoints record it. */
    static String modelConfig(Options o, int classes) {
        return isAlexNet(o) ? alexNet(o, classes).toString() : LeNet5.Config.defaults().toString();
    }

    private static AlexNet.Config alexNet(Options o, int classes) {
        AlexNet.Config c = alexNet(o);
        return new AlexNet.Config(c.variant(), classes, c.channels(), c.size(), c.dropout());
    }

    private static boolean isAlexNet(Options o) {
        return AlexNet.NAME.equals(o.model());
    }

    private static AlexNet.Config alexNet(Options o) {
        return AlexNet.Config.parse(o.config());
    }

    /**
     * An image folder read where it is: a shared file system's path on every node. {@link Train} reads one at a Hadoop
     * URL as a DataFrame instead ({@link ImageFrame#folder}).
     */
    private static Path folder(Options o) {
        if (DataFolder.isUrl(o.data())) {
            throw new IllegalArgumentException("--data " + o.data() + ": a worker reads an image folder from a path; "
                    + "one at a URL is read as a DataFrame (ImageFrame.folder), as Train.run does");
        }
        return Path.of(o.data());
    }

    private static Path trainRoot(Path root) {
        return Files.isDirectory(root.resolve("train")) ? root.resolve("train") : root;
    }

    /** The image folder's training images ({@code DIR/train}, or {@code DIR}), centre crops. */
    private static ImageFolder trainImages(Options o) throws IOException {
        return images(trainRoot(folder(o)), alexNet(o));
    }

    /** The images of {@code root} at the config's size, as {@code striate train} reads them. */
    private static ImageFolder images(Path root, AlexNet.Config c) throws IOException {
        return ImageFolder.builder(root).crops(c.size(), ImageFolder.defaultResize(c.size()), c.channels()).build();
    }

    public static Sgd optimizer(Module m, Options o) {
        return Sgd.builder(m.namedParameters()).lr(o.lr()).momentum(o.momentum()).build();
    }

    /**
     * Trains as rank {@code rank} of {@code o.workers()} on {@code device}, exchanging gradients through
     * {@code exchange}, on {@code shard}'s training examples (the run's, at run-wide indices, of which it reads its own).
     * After each epoch every worker scores the weights on its slice of the test images (when the run has them) and the
     * workers average their counts and training losses through {@code exchange} ({@link EpochScores}; safe from this
     * thread: a step returns only once its exchange work is done); rank 0's checkpoint records them as its history
     * (a mid-epoch checkpoint keeps the job's running sums of its epoch, {@link PartialEpoch}, so that the entry of an
     * epoch a stage resumed in covers the whole epoch), and rank 0's report carries the last
     * epoch's test score as the final weights'.
     */
    public static Report run(Options o, int rank, Device device, GradientExchange exchange, Start start) {
        Dataset data = start.shard().train();
        Dataset test = start.shard().test();
        ShardOrder order = start.order();
        CheckpointStore checkpoints = start.checkpoints();
        AtomicLong reduceNanos = new AtomicLong();
        GradientExchange timed = new GradientExchange() { // the engine's, timed; its finish forwarded (NCCL's waits)
            @Override
            public void allReduce(int bucket, List<Tensor> buffers) {
                long t0 = System.nanoTime();
                exchange.allReduce(bucket, buffers);
                reduceNanos.addAndGet(System.nanoTime() - t0);
            }

            @Override
            public void finish() {
                exchange.finish();
            }
        };
        try (DataParallel dp = DataParallel.builder(List.of(device), () -> model(o, data.classes()), m -> optimizer(m, o))
                .exchange(timed).build()) {
            Checkpoint resumed = start.resumed();
            if (resumed != null) {
                resume(dp, resumed, checkpoints);
            }
            long step = resumed == null ? 0 : resumed.globalStep();
            List<EpochStats> history = new ArrayList<>(resumed == null ? List.of() : resumed.history());
            long first = step;
            int steps = order.stepsPerEpoch();
            long end = (long) o.epochs() * steps;
            List<Epoch> epochs = new ArrayList<>();
            // the epoch's running sums; a stage resumed mid-epoch starts from the job's sums its checkpoint kept, each
            // worker with a 1/N share, so that the epoch's all-reduced means cover the whole epoch
            PartialEpoch carried = resumed == null ? PartialEpoch.NONE : PartialEpoch.of(resumed, steps);
            double lossSum = carried.lossSum() / o.workers();
            long lossCount = carried.steps();
            double correct = carried.correct() / o.workers();
            double carriedSeconds = carried.seconds();
            int stageSteps = 0; // of the epoch, run by this stage
            double stageLossSum = 0; // of those steps
            long scoreNanos = 0;
            Test last = null;
            float[] x = new float[o.batchSize() * data.exampleSize()];
            int[] y = new int[o.batchSize()];
            long t0 = System.nanoTime();
            long epochStart = t0;
            long epochReduceStart = 0;
            int[] epochOrder = null;
            int orderEpoch = -1;
            while (step < end) {
                int epoch = (int) (step / steps);
                if (epoch != orderEpoch) {
                    epochOrder = order.epochOrder(rank, epoch);
                    orderEpoch = epoch;
                }
                int offset = (int) (step % steps) * o.batchSize();
                for (int i = 0; i < o.batchSize(); i++) {
                    int example = epochOrder[offset + i];
                    data.sample(example, x, i * data.exampleSize(), DataLoader.exampleRng(o.seed(), epoch, example));
                    y[i] = data.label(example);
                }
                DataParallel.StepResult r = dp.step(
                        Tensor.of(device, x, o.batchSize(), data.channels(), data.height(), data.width()),
                        Tensor.ofInts(device, y, o.batchSize()));
                if (!Double.isFinite(r.loss())) {
                    throw new IllegalStateException("worker " + rank + ": the loss is " + r.loss() + " at step "
                            + step + "; lower --lr");
                }
                lossSum += r.loss();
                stageLossSum += r.loss();
                lossCount++;
                stageSteps++;
                correct += r.correct();
                step++;
                boolean epochDone = step % steps == 0;
                if (epochDone) {
                    long now = System.nanoTime();
                    long reduced = reduceNanos.get();
                    double epochSeconds = (now - epochStart) * 1e-9;
                    boolean scored = step == end || o.testEvery() > 0 && (epoch + 1) % o.testEvery() == 0;
                    EpochScores scores = EpochScores.exchanged(dp.module(), scored ? test : null, o, rank, device,
                            exchange, new double[] {lossSum / lossCount, correct, (long) lossCount * o.batchSize()});
                    last = scores.test();
                    epochs.add(new Epoch(stageLossSum / stageSteps, (long) stageSteps * o.batchSize(), epochSeconds,
                            (reduced - epochReduceStart) * 1e-9, scores));
                    double wholeSeconds = carriedSeconds + epochSeconds; // with the steps before a resume
                    history.add(new EpochStats(epoch + 1, scores.trainLoss(), scores.trainAccuracy(),
                            last == null ? Double.NaN : last.loss(), last == null ? Double.NaN : last.accuracy(),
                            dp.optimizer().learningRate(), wholeSeconds,
                            (double) lossCount * o.batchSize() * o.workers() / wholeSeconds));
                    log.info("worker {}: epoch {} done, mean training loss {} (all workers {}){}", rank, epoch + 1,
                            stageLossSum / stageSteps, scores.trainLoss(), last == null ? "" : ", test accuracy "
                                    + last.accuracy());
                    scoreNanos += System.nanoTime() - now;
                    epochStart = System.nanoTime();
                    epochReduceStart = reduceNanos.get();
                    lossSum = 0;
                    lossCount = 0;
                    stageSteps = 0;
                    stageLossSum = 0;
                    correct = 0;
                    carriedSeconds = 0;
                }
                if (epochDone) {
                    if (rank == 0) {
                        save(dp, checkpoints, o, data.classes(), step, steps, history, PartialEpoch.NONE);
                    }
                } else if (o.checkpointEvery() > 0 && step % o.checkpointEvery() == 0) {
                    // every worker takes part in the sums' all-reduce, at the same step; rank 0 keeps them
                    PartialEpoch sums = PartialEpoch.exchanged(exchange, device, o.workers(), lossSum, correct,
                            lossCount, carriedSeconds + (System.nanoTime() - epochStart) * 1e-9);
                    if (rank == 0) {
                        save(dp, checkpoints, o, data.classes(), step, steps, history, sums);
                    }
                }
            }
            double seconds = (System.nanoTime() - t0 - scoreNanos) * 1e-9; // the steps' time, not the scoring's
            if (test != null && last == null) { // no epoch ended in this run (a resumed stage with nothing left)
                last = EpochScores.exchanged(dp.module(), test, o, rank, device, exchange, new double[3]).test();
            }
            return new Report(rank, first, step, epochs, (step - first) * o.batchSize(), seconds,
                    reduceNanos.get() * 1e-9, rank == 0 ? last : null);
        }
    }

    /**
     * What a worker reads and checks before it meets the others: its examples, which must give every worker one batch
     * ({@link ShardOrder}), the checkpoint folder (made, and tried with a file: {@link CheckpointStore#open}), and the
     * checkpoint there to resume from, of this model, these settings and this model config (null when there is
     * none).
     */
    public record Start(BarrierTask.Shard shard, ShardOrder order, CheckpointStore checkpoints, Checkpoint resumed) {
    }

    /**
     * The {@link Start} of a worker of {@code o} on {@code shard}. Its failures are mostly the job's input's: a worker
     * that fails here has not met the others yet, so the workers can refuse together ({@link BarrierTask}).
     */
    public static Start prepare(Options o, BarrierTask.Shard shard) throws IOException {
        ShardOrder order = new ShardOrder(shard.train().size(), o.workers(), o.batchSize(), o.seed());
        CheckpointStore checkpoints = CheckpointStore.open(o.checkpointDir());
        Checkpoint c = checkpoints.load();
        if (c != null) {
            try {
                c.requireModel(o.model());
            } catch (CheckpointException e) {
                throw checkpoints.located(e);
            }
            if (!c.settings().equals(o.settings())) {
                throw new IllegalArgumentException(checkpoints.loadedFrom() + " was written by a run with "
                        + c.settings() + " but this run has " + o.settings() + "; give the same options or another "
                        + "--checkpoint-dir");
            }
            // a checkpoint of this model and these settings may still not fit this run's model, as when the image
            // folder's classes changed since it was written (AlexNet's last layer): its config, which fixes every
            // shape, is compared here, so that it is refused before the workers meet, not retried as a failed restore
            String config = modelConfig(o, shard.train().classes());
            if (!c.modelConfig().equals(config)) {
                throw new IllegalArgumentException(checkpoints.loadedFrom() + " holds a model with " + c.modelConfig()
                        + " but this run's is " + config + " (from --config and the data's classes); give the data "
                        + "it was trained on or another --checkpoint-dir");
            }
        }
        return new Start(shard, order, checkpoints, c);
    }

    /** Restores the checkpoint {@code c}, loaded from {@code checkpoints}, into the replica and its optimizer. */
    private static void resume(DataParallel dp, Checkpoint c, CheckpointStore checkpoints) {
        try {
            c.restoreInto(dp.module());
        } catch (CheckpointException e) {
            throw new UncheckedIOException(checkpoints.located(e));
        }
        dp.optimizer().loadState(c.optimizer());
        dp.syncFromFirst();
        log.info("resuming from {} at step {}", checkpoints.loadedFrom(), c.globalStep());
    }

    private static void save(DataParallel dp, CheckpointStore checkpoints, Options o, int classes, long step,
                             int stepsPerEpoch, List<EpochStats> history, PartialEpoch unfinished) {
        Map<String, Number> scalars = new LinkedHashMap<>();
        scalars.put("learning_rate", dp.optimizer().learningRate());
        if (unfinished != PartialEpoch.NONE) {
            unfinished.into(scalars);
        }
        Checkpoint c = new Checkpoint(o.model(), modelConfig(o, classes), o.settings(),
                (int) (step / stepsPerEpoch), step, Map.of(), history, Checkpoint.stateOf(dp.module()),
                dp.optimizer().state(), scalars);
        try {
            checkpoints.save(c);
        } catch (IOException e) {
            throw new UncheckedIOException("could not write the checkpoint " + checkpoints.location() + ": "
                    + e.getMessage()
                    + "; check that the --checkpoint-dir is writable from every executor", e);
        }
    }
}

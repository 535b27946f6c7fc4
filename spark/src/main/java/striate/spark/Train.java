package striate.spark;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.rdd.RDD;
import org.apache.spark.sql.SparkSession;
import scala.reflect.ClassTag;
import scala.reflect.ClassTag$;
import striate.models.AlexNet;

/**
 * Trains a model across a Spark cluster: {@code spark-submit --class striate.spark.Train striate-spark.jar
 * --model lenet5 --data DIR --epochs E --batch-size B --lr LR --seed S --checkpoint-dir DIR --workers N}
 * (see {@link Options}). The job is one barrier stage of N tasks, one per worker ({@link BarrierTask}); Spark
 * starts them together, and when one fails it retries the whole stage (up to spark.stage.maxConsecutiveAttempts,
 * 4 by default), whose workers resume from the last checkpoint; a worker that cannot start for the job's input has
 * every worker refuse instead, which is not retried ({@link TaskOutcome.Refused}). The workers' Striate JVM flags
 * are added to {@code spark.executor.extraJavaOptions}.
 */
public final class Train {
    /** The flags every JVM that runs Striate's CPU backend needs (the parent POM's striate.jvm.flags). */
    static final String STRIATE_JVM_FLAGS = "--add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED";

    private Train() {
    }

    public static void main(String[] args) {
        checkJava(Runtime.version());
        Options o;
        try {
            o = Options.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.exit(2);
            return;
        }
        SparkConf conf = configure(new SparkConf().setAppName("striate " + o.model()));
        try (JavaSparkContext sc = new JavaSparkContext(conf)) {
            List<Worker.Report> reports = run(sc, o);
            reports.forEach(r -> System.out.println(describe(r)));
            System.out.println(describe(reports));
            System.out.println(describeTest(reports, o));
            System.out.println("checkpoint: " + CheckpointStore.location(o.checkpointDir()));
        } catch (Exception e) { // SparkException (undeclared, from Scala): a task's failure after Spark's retries
            if (e instanceof org.apache.spark.scheduler.BarrierJobSlotsNumberCheckFailed) { // Spark's text names no option
                System.err.println("striate: error: " + tooFewSlots(o.workers()));
            } else if (e instanceof org.apache.spark.SparkException failed) {
                System.err.println("striate: error: " + failure(failed) + " (Spark's log above has the details)");
            } else if (e instanceof IllegalArgumentException || e instanceof UncheckedIOException) {
                // the driver's checks before any task, or the workers' refusal (an IllegalArgumentException)
                System.err.println("striate: error: " + e.getMessage());
            } else {
                throw e instanceof RuntimeException r ? r : new IllegalStateException(e);
            }
            System.exit(1);
        }
    }

    /** Why a job of {@code workers} workers could not start: the cluster has fewer task slots. */
    static String tooFewSlots(int workers) {
        return "--workers " + workers + " needs " + workers + " task slots at once (a barrier stage starts every "
                + "worker together), and the cluster has fewer: give it more executors or cores (spark.executor.cores "
                + "per spark.task.cpus), or lower --workers";
    }

    /**
     * The reason a failed job gives: the first exception a task threw that is not Spark's own (its message follows
     * Spark's summary line, as "java.io.UncheckedIOException: worker 0: ..."), else Spark's summary line.
     */
    static String failure(org.apache.spark.SparkException e) {
        String[] lines = String.valueOf(e.getMessage()).split("\n");
        java.util.regex.Pattern thrown = java.util.regex.Pattern.compile("^([\\w$.]+(?:Exception|Error)): (.+)$");
        for (int i = 1; i < lines.length; i++) {
            java.util.regex.Matcher m = thrown.matcher(lines[i].strip());
            if (m.matches() && !m.group(1).startsWith("org.apache.spark.")) {
                return m.group(2);
            }
        }
        return lines[0];
    }

    /**
     * One worker's line: its rate and all-reduce share over the whole run and, when it finished an epoch, in its
     * last epoch (the steady state once the JIT has compiled the step: the whole run includes its warm-up), and the
     * rate of each epoch, which shows the warm-up's length; a worker of a resumed stage with no
     * steps left says so instead of printing rates.
     */
    static String describe(Worker.Report r) {
        if (r.lastStep() == r.firstStep()) {
            return String.format(Locale.ROOT, "worker %d: no steps left to run (resumed at step %d)", r.rank(),
                    r.firstStep());
        }
        String line = String.format(Locale.ROOT, "worker %d: steps %d to %d, mean training loss per epoch %s, %.1f "
                + "images/s, all-reduce %.1f%% of the time", r.rank(), r.firstStep(), r.lastStep(),
                Arrays.toString(r.epochLoss()), r.imagesPerSecond(), 100 * r.allReduceSeconds() / r.seconds());
        if (r.epochs().isEmpty()) {
            return line;
        }
        Worker.Epoch last = r.epochs().getLast();
        String perEpoch = r.epochs().stream().map(e -> String.format(Locale.ROOT, "%.1f", e.imagesPerSecond()))
                .collect(Collectors.joining(", ", "[", "]"));
        return line + String.format(Locale.ROOT, "; last epoch %.1f images/s, all-reduce %.1f%%; images/s per epoch %s",
                last.imagesPerSecond(), 100 * last.allReduceSeconds() / last.seconds(), perEpoch);
    }

    /**
     * The line for all workers: the sum of the images/s of those that ran steps, and the sum of their last epochs'
     * images/s when each of them finished an epoch.
     */
    static String describe(List<Worker.Report> reports) {
        double imagesPerSecond = 0;
        double lastEpoch = 0;
        boolean ran = false;
        boolean everyEpoch = true;
        for (Worker.Report r : reports) {
            if (r.lastStep() > r.firstStep()) {
                imagesPerSecond += r.imagesPerSecond();
                ran = true;
                if (r.epochs().isEmpty()) {
                    everyEpoch = false;
                } else {
                    lastEpoch += r.epochs().getLast().imagesPerSecond();
                }
            }
        }
        if (!ran) {
            return "all workers: no steps left to run; the checkpoint has every epoch";
        }
        String line = String.format(Locale.ROOT, "all workers: %.1f images/s", imagesPerSecond);
        return everyEpoch ? line + String.format(Locale.ROOT, "; last epoch %.1f images/s", lastEpoch) : line;
    }

    /**
     * The final weights' test score (the workers' after the last epoch) and the scores after each epoch of the run, or
     * why there is none.
     */
    static String describeTest(List<Worker.Report> reports, Options o) {
        String perEpoch = reports.isEmpty() ? "" : reports.getFirst().epochs().stream().map(Worker.Epoch::scores)
                .filter(java.util.Objects::nonNull).map(EpochScores::test).filter(java.util.Objects::nonNull)
                .map(t -> String.format(Locale.ROOT, "%.4f", t.accuracy())).collect(Collectors.joining(", ", "; after "
                        + "each epoch of this run: [", "]"));
        return reports.stream().map(Worker.Report::test).filter(java.util.Objects::nonNull).findFirst()
                .map(t -> String.format(Locale.ROOT, "test accuracy %.4f, test loss %.4f on the %d test images of %s "
                        + "(the final weights)", t.accuracy(), t.loss(), t.images(), o.data())
                        + (perEpoch.endsWith("[]") ? "" : perEpoch))
                .orElse(unscored(reports) > 0 ? "the test images could not be scored (" + unscored(reports)
                        + " worker(s) failed to, after the last epoch; their logs say why): the weights are in the "
                        + "checkpoint" : "no test images in " + o.data() + " (an image folder's val/ or test/ beside "
                        + "train/): the final weights are not scored");
    }

    /** The workers that failed to score their test slices after worker 0's last epoch (0 without epochs). */
    private static int unscored(List<Worker.Report> reports) {
        if (reports.isEmpty() || reports.getFirst().epochs().isEmpty()) {
            return 0;
        }
        EpochScores last = reports.getFirst().epochs().getLast().scores();
        return last == null ? 0 : last.unscored();
    }

    /**
     * Refuses Java 25 before 25.0.3, whose G1 collector can corrupt data (the fix is in 25.0.3). Spark 4.2 runs on
     * Java 17, 21 and 25, Striate on 25 alone. The driver checks its own JVM, and each worker its executor's.
     */
    static void checkJava(Runtime.Version v) {
        if (v.feature() == 25 && v.update() < 3) {
            throw new IllegalStateException("Java " + v + " has a G1 bug that can corrupt data; run the Spark driver "
                    + "and executors on Java 25.0.3 or later: set JAVA_HOME in conf/spark-env.sh on every node");
        }
    }

    /** Adds Striate's JVM flags to the executors' Java options (before the context starts its executors). */
    public static SparkConf configure(SparkConf conf) {
        String options = conf.get("spark.executor.extraJavaOptions", "");
        if (!options.contains("jdk.incubator.vector")) {
            conf.set("spark.executor.extraJavaOptions", (options + " " + STRIATE_JVM_FLAGS).trim());
        }
        return conf;
    }

    /**
     * Runs the training job on {@code sc} and returns each worker's report, in rank order. AlexNet's image folder at
     * a Hadoop URL is read as a DataFrame ({@link ImageFrame#folder}: {@code DIR/train}, or {@code DIR}, with
     * {@code DIR/val} or {@code DIR/test} as the test images).
     */
    /**
     * {@code --device cuda} needs Spark to give each task one GPU ({@code spark.task.resource.gpu.amount=1}): refused
     * here, before any task starts, when the job's configuration does not ask for that (each task found it out and
     * failed, and Spark retried the stage).
     */
    static void requireGpuPerTask(SparkConf conf) {
        String amount = conf.get("spark.task.resource.gpu.amount", "");
        boolean one;
        try {
            one = Double.parseDouble(amount.trim()) == 1;
        } catch (NumberFormatException e) {
            one = false;
        }
        if (!one) {
            throw new IllegalArgumentException("--device cuda needs one GPU per task, and this job asks Spark for "
                    + (amount.isEmpty() ? "none" : amount) + " (spark.task.resource.gpu.amount); submit with --conf "
                    + "spark.executor.resource.gpu.amount=1 --conf spark.task.resource.gpu.amount=1 and a GPU discovery "
                    + "script (README: Training on Apache Spark)");
        }
    }

    public static List<Worker.Report> run(JavaSparkContext sc, Options o) {
        if (o.onGpus()) {
            requireGpuPerTask(sc.getConf());
        }
        if (AlexNet.NAME.equals(o.model()) && DataFolder.isUrl(o.data())) {
            SparkSession spark = SparkSession.builder().getOrCreate(); // on sc, the active context
            try {
                boolean split = ImageFrame.hasFolder(spark, o.data(), "train");
                ImageFrame train = ImageFrame.folder(spark, split ? o.data() + "/train" : o.data());
                ImageFrame test = null;
                for (String name : List.of("val", "test")) {
                    if (split && test == null && ImageFrame.hasFolder(spark, o.data(), name)) {
                        test = ImageFrame.folder(spark, o.data() + "/" + name);
                    }
                }
                return run(train, test, o);
            } catch (IOException e) {
                throw new UncheckedIOException("--data " + o.data() + ": " + e.getMessage(), e);
            }
        }
        List<Integer> ranks = new ArrayList<>();
        for (int r = 0; r < o.workers(); r++) {
            ranks.add(r);
        }
        RDD<TaskOutcome> outcomes = sc.parallelize(ranks, o.workers()).rdd().barrier()
                .mapPartitions(new BarrierTask<>(o, new BarrierTask.DataOption()), false, OUTCOME);
        return collect(outcomes);
    }

    /**
     * Trains AlexNet ({@code o}'s config) on a DataFrame of images, each worker on its contiguous slice of the rows
     * ({@link FrameShards}), and, when {@code test} is not null, each worker scores the weights on its slice of the test
     * images after each epoch, as with a folder; {@code o.data()} only names the data in messages. Returns each
     * worker's report, in rank order, worker 0's with the final test score.
     */
    public static List<Worker.Report> run(ImageFrame train, ImageFrame test, Options o) {
        if (!AlexNet.NAME.equals(o.model())) {
            throw new IllegalArgumentException("a DataFrame of images trains --model alexnet; --model " + o.model()
                    + " reads an MNIST-format folder (--data)");
        }
        if (test != null && !test.classes().equals(train.classes())) { // labels are positions: they must agree
            throw new IllegalArgumentException("the test images have classes " + test.classes() + " but the training "
                    + "images have " + train.classes() + "; both need the same classes");
        }
        FrameShards.Dealt dealt = FrameShards.deal(train, test, o);
        try {
            RDD<TaskOutcome> outcomes = dealt.shards().rdd().barrier().mapPartitions(new BarrierTask<>(o,
                    new FrameShards.Examples(dealt.examples(), dealt.tests(), train.classes().size())), false, OUTCOME);
            return collect(outcomes);
        } finally {
            dealt.release();
        }
    }

    @SuppressWarnings("unchecked")
    private static final ClassTag<TaskOutcome> OUTCOME =
            (ClassTag<TaskOutcome>) (ClassTag<?>) ClassTag$.MODULE$.apply(TaskOutcome.class);

    /**
     * The reports of the barrier stage {@code outcomes}, in rank order; when the workers refused to start, an
     * IllegalArgumentException with their reason (the job's input is wrong: --data, --checkpoint-dir, the options).
     */
    private static List<Worker.Report> collect(RDD<TaskOutcome> outcomes) {
        // Spark retries a failed barrier stage only when it is a shuffle-map stage, never a result stage: the
        // shuffle after it (the outcomes into one partition) makes the training stage one.
        List<Worker.Report> out = new ArrayList<>();
        for (TaskOutcome outcome : outcomes.toJavaRDD().repartition(1).collect()) {
            switch (outcome) {
                case TaskOutcome.Refused r -> throw new IllegalArgumentException(r.reason());
                case Worker.Report r -> out.add(r);
            }
        }
        out.sort(Comparator.comparingInt(Worker.Report::rank));
        return out;
    }
}

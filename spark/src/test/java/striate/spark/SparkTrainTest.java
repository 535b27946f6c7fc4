package striate.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import striate.data.DataLoader;
import striate.data.Dataset;
import striate.data.MnistFolder;
import striate.data.Normalization;
import striate.nn.Module;
import striate.parallel.DataParallel;
import striate.tensor.Device;
import striate.tensor.Tensor;
import striate.train.Checkpoint;
import striate.train.EpochStats;
import striate.train.Evaluation;

/**
 * Training on Spark in {@code local-cluster[2,1,2048]} mode (a standalone master and two workers, each running
 * one executor JVM with one core, on this machine), on the first examples of the real Fashion-MNIST that bin/setup
 * installs (skipped, with the reason, without it). Two Spark workers, each on its shard, end with the weights of
 * two in-process replicas on the same global batches (bit for bit: the same sums in the same order) and of one
 * device on the whole global batch (within float32 summation tolerance), and the loss falls.
 */
class SparkTrainTest {
    private static final int EXAMPLES = 1024;
    private static JavaSparkContext sc;

    @BeforeAll
    static void startCluster() {
        Path dir = MnistFolder.defaultFashionMnistFolder();
        assumeTrue(MnistFolder.isComplete(dir), "Fashion-MNIST not found in " + dir
                + ": install Debian's package dataset-fashion-mnist (bin/setup does)");
        sc = new JavaSparkContext(Train.configure(new SparkConf().setMaster("local-cluster[2,1,2048]")
                .setAppName("SparkTrainTest").set("spark.executor.memory", "768m")
                .set("spark.ui.enabled", "false")
                // a job submitted before both executors registered waits this long to check again (default 15 s)
                .set("spark.scheduler.barrier.maxConcurrentTasksCheck.interval", "1s")));
        long deadline = System.nanoTime() + 180_000_000_000L; // executor JVMs start slowly on a loaded machine
        while (sc.statusTracker().getExecutorInfos().length < 3) { // the driver and two executors
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the local cluster's two executors did not register in 180 s");
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for the executors", e);
            }
        }
    }

    /**
     * What the NCCL watchdog relies on to abort a GPU worker whose peer is lost: when one task of a barrier stage
     * fails, Spark kills the others, and {@link BarrierTask#killed} sees it while the task is still running (worker 1
     * polls it, as the watchdog does, while worker 0 fails).
     */
    @Test
    void aRunningTaskOfAFailedBarrierStageSeesSparkKillIt(@TempDir Path dir) throws IOException {
        Path seen = dir.resolve("seen.txt");
        org.apache.spark.rdd.RDD<String> probes = sc.parallelize(List.of(0, 1), 2).rdd().barrier()
                .mapPartitions(new KillProbe(seen.toString()), false, scala.reflect.ClassTag$.MODULE$.apply(String.class));
        org.junit.jupiter.api.Assertions.assertThrows(org.apache.spark.SparkException.class, probes::collect);
        long deadline = System.nanoTime() + 90_000_000_000L; // the job fails first; the killed task writes after
        while (!Files.exists(seen) && System.nanoTime() < deadline) {
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
        List<String> lines = Files.exists(seen) ? Files.readAllLines(seen) : List.of("worker 1 wrote nothing");
        assertTrue(!lines.isEmpty() && lines.stream().allMatch(l -> l.startsWith("Spark killed the task: ")
                && l.contains("barrier")), lines.toString()); // one line each: the reason's first
    }

    /**
     * Both workers meet at the barrier, so both run; then worker 0 fails, and worker 1 polls
     * {@link BarrierTask#killed} (every 20 ms, as the watchdog polls every 200) for up to a minute and writes it.
     */
    private static final class KillProbe extends scala.runtime.AbstractFunction1<scala.collection.Iterator<Integer>,
            scala.collection.Iterator<String>> implements java.io.Serializable {
        private final String seen;

        KillProbe(String seen) {
            this.seen = seen;
        }

        @Override
        public scala.collection.Iterator<String> apply(scala.collection.Iterator<Integer> partition) {
            org.apache.spark.BarrierTaskContext context = org.apache.spark.BarrierTaskContext.get();
            try {
                context.barrier(); // worker 1 is running when worker 0 fails
                if (context.partitionId() == 0) {
                    throw new IllegalStateException("worker 0 fails");
                }
                java.util.function.Supplier<java.util.Optional<String>> killed = BarrierTask.killed(context);
                long deadline = System.nanoTime() + 60_000_000_000L;
                while (killed.get().isEmpty() && System.nanoTime() < deadline) {
                    Thread.sleep(20);
                }
                Files.writeString(Path.of(seen), killed.get().orElse("not killed within a minute") + "\n",
                        java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
            } catch (InterruptedException | IOException e) {
                throw new IllegalStateException(e);
            }
            return scala.collection.Iterator$.MODULE$.empty();
        }
    }

    @AfterAll
    static void stopCluster() {
        if (sc != null) {
            sc.close();
        }
    }

    private static Options options(Path checkpoints, int examples, int epochs, int checkpointEvery) {
        return options(MnistFolder.defaultFashionMnistFolder().toString(), checkpoints.toString(), examples, epochs,
                checkpointEvery);
    }

    private static Options options(String data, String checkpoints, int examples, int epochs, int checkpointEvery) {
        return Options.parse("--model", "lenet5", "--data", data,
                "--epochs", Integer.toString(epochs), "--batch-size", "32", "--lr", "0.05", "--seed", "7",
                "--checkpoint-dir", checkpoints, "--workers", "2", "--limit", Integer.toString(examples),
                "--checkpoint-every", Integer.toString(checkpointEvery));
    }

    /**
     * {@code --device cuda} on executors that Spark gives no GPU (none is configured here): refused before any task
     * starts, with one line saying how to submit, and no checkpoint written.
     */
    @Test
    void gpuWorkersWithoutGpusFailTheJobWithHowToSubmit(@TempDir Path checkpoints) {
        Options o = Options.parse("--model", "lenet5", "--data", MnistFolder.defaultFashionMnistFolder().toString(),
                "--epochs", "1", "--batch-size", "32", "--lr", "0.05", "--seed", "7", "--checkpoint-dir",
                checkpoints.toString(), "--workers", "2", "--limit", "320", "--device", "cuda");
        // refused by the driver, before any task starts: the job asks Spark for no GPU per task
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Train.run(sc, o));
        assertTrue(e.getMessage().startsWith("--device cuda needs one GPU per task, and this job asks Spark for none "
                + "(spark.task.resource.gpu.amount); submit with --conf spark.executor.resource.gpu.amount=1"),
                e.getMessage());
        assertFalse(Files.exists(checkpoints.resolve(Worker.CHECKPOINT)), "no checkpoint");
    }

    /**
     * A checkpoint folder no file can be made in (/proc, where even root cannot, though access() says it may) is
     * refused by every worker at the start, naming --checkpoint-dir; it failed rank 0 at its first save, and the job
     * hung. Refused, not failed: the job's one stage ran once (a failed stage is retried, and ends in a SparkException).
     */
    @Test
    void aCheckpointFolderThatCannotBeWrittenIsRefusedAtTheStart() {
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isDirectory(Path.of("/proc")), "Linux's /proc");
        Options o = Options.parse("--model", "lenet5", "--data", MnistFolder.defaultFashionMnistFolder().toString(),
                "--epochs", "1", "--batch-size", "32", "--lr", "0.05", "--seed", "7", "--checkpoint-dir", "/proc",
                "--workers", "2", "--limit", "320");
        StageAttempts attempts = new StageAttempts();
        sc.sc().addSparkListener(attempts);
        try {
            IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(
                    java.time.Duration.ofMinutes(3), () -> assertThrows(IllegalArgumentException.class,
                            () -> Train.run(sc, o)));
            assertTrue(e.getMessage().matches("worker [01]: --checkpoint-dir /proc: not a folder this node can write "
                    + "\\(.+\\)"), e.getMessage());
            assertEquals(0, attempts.retries(), "the refusing stage was not retried");
        } finally {
            sc.sc().removeSparkListener(attempts);
        }
    }

    /**
     * The job's input refused by the workers before they train, each in one line, no stage retried: too few examples
     * for a batch per worker, and a checkpoint folder holding another run's checkpoint (nothing is overwritten).
     */
    @Test
    void inputThatCannotTrainIsRefusedOnceWithItsReason(@TempDir Path checkpoints) throws IOException {
        StageAttempts attempts = new StageAttempts();
        sc.sc().addSparkListener(attempts);
        try {
            IllegalArgumentException few = assertThrows(IllegalArgumentException.class, () -> Train.run(sc,
                    options(checkpoints, 40, 1, 0)));
            assertTrue(few.getMessage().matches("worker [01]: each of the 2 workers gets 20 examples of 40, fewer than "
                    + "one batch of 32; use more data or a smaller --batch-size"), few.getMessage());

            Options first = options(checkpoints, 64, 1, 0);
            Train.run(sc, first);
            byte[] written = Files.readAllBytes(checkpoints.resolve(Worker.CHECKPOINT));
            Options other = Options.parse("--model", "lenet5", "--data", MnistFolder.defaultFashionMnistFolder()
                    .toString(), "--epochs", "1", "--batch-size", "32", "--lr", "0.1", "--seed", "7",
                    "--checkpoint-dir", checkpoints.toString(), "--workers", "2", "--limit", "64");
            IllegalArgumentException foreign = assertThrows(IllegalArgumentException.class, () -> Train.run(sc, other));
            assertTrue(foreign.getMessage().matches("worker [01]: .*last\\.ckpt was written by a run with .* but this "
                    + "run has .*; give the same options or another --checkpoint-dir"), foreign.getMessage());
            assertArrayEquals(written, Files.readAllBytes(checkpoints.resolve(Worker.CHECKPOINT)), "not overwritten");
            assertEquals(0, attempts.retries(), "no stage was retried");
        } finally {
            sc.sc().removeSparkListener(attempts);
        }
    }

    /** Counts the stages Spark submitted again after a failure (an attempt number above 0). */
    private static final class StageAttempts extends org.apache.spark.scheduler.SparkListener {
        private final java.util.concurrent.atomic.AtomicInteger retries = new java.util.concurrent.atomic.AtomicInteger();

        @Override
        public void onStageSubmitted(org.apache.spark.scheduler.SparkListenerStageSubmitted submitted) {
            if (submitted.stageInfo().attemptNumber() > 0) {
                retries.incrementAndGet();
            }
        }

        /** The retries so far, once the listener bus has delivered the events posted before this call. */
        int retries() {
            try {
                sc.sc().listenerBus().waitUntilEmpty(60_000);
            } catch (java.util.concurrent.TimeoutException e) {
                throw new IllegalStateException("Spark's listener bus did not empty in a minute", e);
            }
            return retries.get();
        }
    }

    private static final List<Device> TWO_REPLICAS = List.of(Device.parse("cpu:0"), Device.parse("cpu:1"));

    @Test
    void fiveStepsOfTwoSparkWorkersEqualOneDeviceOnTheGlobalBatch(@TempDir Path checkpoints) throws IOException {
        // 160 examples a worker: 5 steps of 32 each, 64 globally; the data read as a Hadoop URL (file://), which each
        // executor copies to its temporary folder through Hadoop's FileSystem, as it would from hdfs://
        Options o = options(MnistFolder.defaultFashionMnistFolder().toUri().toString(), checkpoints.toString(), 320, 1,
                0);
        List<Worker.Report> reports = Train.run(sc, o);
        assertEquals(5, reports.get(1).lastStep());
        Map<String, float[]> spark = values(Checkpoint.load(checkpoints.resolve(Worker.CHECKPOINT)).model());
        double worst = assertClose(inProcess(o, List.of(Device.parse("cpu:0"))), spark, 1e-5, "one device");
        System.out.println("5 steps: Spark's weights differ from one device's by up to " + worst
                + " of a tensor's largest weight");
    }

    @Test
    void aThreeEpochRunLearnsAndEqualsTwoInProcessReplicasBitForBit(@TempDir Path checkpoints) throws IOException {
        Options o = options(checkpoints, EXAMPLES, 3, 0);
        List<Worker.Report> reports = Train.run(sc, o);

        assertEquals(2, reports.size());
        int steps = new ShardOrder(EXAMPLES, 2, 32, 7).stepsPerEpoch(); // 16
        for (Worker.Report r : reports) {
            assertEquals(0, r.firstStep());
            assertEquals(3L * steps, r.lastStep());
            assertEquals(3, r.epochs().size());
            assertEquals(3L * steps * 32, r.examples());
            assertTrue(r.allReduceSeconds() > 0 && r.allReduceSeconds() < r.seconds(), r.toString());
            double epochSeconds = 0;
            for (Worker.Epoch e : r.epochs()) {
                assertEquals(steps * 32L, e.examples());
                assertTrue(e.allReduceSeconds() > 0 && e.allReduceSeconds() < e.seconds(), e.toString());
                epochSeconds += e.seconds();
            }
            assertTrue(epochSeconds <= r.seconds(), "the epochs' seconds add up to at most the run's: " + r);
        }
        double first = (reports.get(0).epochLoss()[0] + reports.get(1).epochLoss()[0]) / 2;
        double last = (reports.get(0).epochLoss()[2] + reports.get(1).epochLoss()[2]) / 2;
        System.out.println("3 epochs on 2 Spark workers: mean training loss " + first + " -> " + last);
        assertTrue(last < 0.8 * first, "the mean training loss went from " + first + " to " + last);

        Checkpoint c = Checkpoint.load(checkpoints.resolve(Worker.CHECKPOINT));
        assertEquals(3L * steps, c.globalStep());
        assertBitIdentical(inProcess(o, TWO_REPLICAS), values(c.model()), "Spark workers vs in-process replicas");

        // after each epoch the two workers scored half the 10,000 test images each and added up their counts
        for (int e = 0; e < 3; e++) {
            EpochScores s0 = reports.get(0).epochs().get(e).scores();
            assertEquals(s0, reports.get(1).epochs().get(e).scores(), "every worker has the job's scores");
            assertEquals(10_000, s0.test().images());
            double meanLoss = (reports.get(0).epochLoss()[e] + reports.get(1).epochLoss()[e]) / 2;
            assertEquals(meanLoss, s0.trainLoss(), 1e-6, "the job's training loss: the workers' mean");
            assertTrue(s0.trainAccuracy() > 0.1 && s0.trainAccuracy() < 1, s0.toString());
            EpochStats h = c.history().get(e);
            assertEquals(e + 1, h.epoch());
            assertEquals(s0.test().accuracy(), h.valMetric(), 1e-12, "the checkpoint's history");
            assertEquals(s0.trainLoss(), h.trainLoss(), 1e-12);
        }
        assertEquals(3, c.history().size());
        Worker.Test test = reports.get(0).test(); // the final weights: the last epoch's score
        assertEquals(reports.get(0).epochs().get(2).scores().test(), test);
        assertEquals(null, reports.get(1).test());
        Module trained = Worker.model(o);
        trained.to(Device.cpu());
        c.restoreInto(trained);
        Evaluation here = Evaluation.of(trained, MnistFolder.testSet(Path.of(o.data()), Normalization.FASHION_MNIST),
                Device.cpu(), 1000);
        assertEquals(10_000, test.images());
        assertEquals(here.accuracy(), test.accuracy(), 1e-4, "the checkpoint's weights, scored here too");
        System.out.println("worker 0's test score of the final weights: " + test);
        assertTrue(test.accuracy() > 0.5, "well above chance (0.1): " + test);
    }

    @Test
    void alexNetOnAnImageFolderAugmentsAsOneProcessAndEqualsTwoInProcessReplicasBitForBit(@TempDir Path tmp)
            throws IOException {
        Path images = tmp.resolve("images");
        writeImages(images.resolve("train"), 12);
        writeImages(images.resolve("val"), 4);
        Options o = Options.parse("--model", "alexnet", "--config", "variant=owt,size=64,dropout=0", "--data",
                images.toString(), "--epochs", "1", "--batch-size", "4", "--lr", "0.01", "--seed", "7",
                "--checkpoint-dir", tmp.resolve("runs").toString(), "--workers", "2");
        List<Worker.Report> reports = Train.run(sc, o); // 24 images: 3 steps of 4 a worker, random crops and flips
        assertEquals(3, reports.get(0).lastStep());
        Checkpoint c = Checkpoint.load(tmp.resolve("runs").resolve(Worker.CHECKPOINT));
        assertEquals("alexnet", c.modelName());
        assertTrue(c.modelConfig().contains("classes=2") && c.modelConfig().contains("size=64"), c.modelConfig());
        assertBitIdentical(inProcess(o, TWO_REPLICAS), values(c.model()), "AlexNet: Spark workers vs in-process");
        Worker.Test test = reports.get(0).test();
        assertEquals(8, test.images(), "the val/ folder's images");
        System.out.println("AlexNet on 2 Spark workers, " + Train.describeTest(reports, o));
    }

    /**
     * The image folder at a Hadoop URL (file://, as hdfs:// would be) is read as a DataFrame: the driver lists it,
     * deals each worker its contiguous slice of a seeded --limit sample and of val/, and the workers train on the
     * decoded bytes and score their slices of val/ after each epoch. The weights are those of two in-process replicas on
     * the same folder read from its path, bit for bit, and so is the test score.
     */
    @Test
    void alexNetOnAnImageFolderAtAUrlIsReadAsADataFrameAndTrainsAsFromItsPath(@TempDir Path tmp) throws IOException {
        Path images = tmp.resolve("im ages"); // a space; a class Spark's own file listing would skip ('_')
        List<String> classes = List.of("0-red", "1-blue", "_2-red");
        writeImages(images.resolve("train"), 10, classes);
        writeImages(images.resolve("val"), 4, classes);
        String[] args = {"--model", "alexnet", "--config", "variant=owt,size=64,dropout=0", "--epochs", "1",
                "--batch-size", "4", "--lr", "0.01", "--seed", "7", "--checkpoint-dir", tmp.resolve("runs").toString(),
                "--workers", "2", "--limit", "24"};
        Options o = Options.parse(concat(args, "--data", "file://" + images));
        List<Worker.Report> reports = Train.run(sc, o); // 24 of 30 images: 3 steps of 4 a worker
        assertEquals(3, reports.get(0).lastStep());
        Options local = Options.parse(concat(args, "--data", images.toString()));
        Checkpoint c = Checkpoint.load(tmp.resolve("runs").resolve(Worker.CHECKPOINT));
        assertTrue(c.modelConfig().contains("classes=3"), c.modelConfig());
        assertBitIdentical(inProcess(local, TWO_REPLICAS), values(c.model()), "AlexNet from a URL vs from its path");

        Worker.Test test = reports.get(0).test();
        assertEquals(null, reports.get(1).test());
        assertEquals(12, test.images(), "the val/ folder's images");
        Module trained = Worker.model(local);
        trained.to(Device.cpu());
        c.restoreInto(trained);
        Evaluation here = Evaluation.of(trained, Worker.testData(local), Device.cpu(), 10);
        assertEquals(here.accuracy(), test.accuracy(), 1e-12, "scored by the workers and here");
        assertEquals(here.loss(), test.loss(), 1e-6, "scored by the workers and here");
        System.out.println("AlexNet from a URL on 2 Spark workers, " + Train.describeTest(reports, o));
    }

    /**
     * A DataFrame a program built (encoded images and labels in a row each) trains as the same images in a folder,
     * bit for bit, and a test DataFrame of pixels (the image data source's structs) scores as the folder's images. A DataFrame whose image column holds no bytes, or one given to LeNet-5, is refused with a line.
     */
    @Test
    void aDataFrameOfImagesTrainsAsTheSameImagesInAFolder(@TempDir Path tmp) throws IOException {
        Path images = tmp.resolve("images");
        writeImages(images.resolve("train"), 8);
        writeImages(images.resolve("val"), 3); // 6 test images: 3 for each worker
        org.apache.spark.sql.SparkSession spark = org.apache.spark.sql.SparkSession.builder().getOrCreate();
        ImageFrame train = frame(spark, images.resolve("train"));
        org.apache.spark.sql.Dataset<org.apache.spark.sql.Row> frame = train.rows();
        String[] args = {"--model", "alexnet", "--config", "variant=owt,size=64,dropout=0", "--epochs", "2",
                "--batch-size", "4", "--lr", "0.01", "--seed", "7", "--checkpoint-dir", tmp.resolve("runs").toString(),
                "--workers", "2"};
        List<Worker.Report> reports = Train.run(train, pixelFrame(spark, images.resolve("val")),
                Options.parse(concat(args, "--data", "a DataFrame")));
        assertEquals(4, reports.get(1).lastStep(), "2 epochs of 2 steps");
        Options local = Options.parse(concat(args, "--data", images.toString()));
        Checkpoint c = Checkpoint.load(tmp.resolve("runs").resolve(Worker.CHECKPOINT));
        assertBitIdentical(inProcess(local, TWO_REPLICAS), values(c.model()), "AlexNet from a DataFrame vs a folder");
        for (Worker.Epoch e : reports.get(0).epochs()) {
            assertEquals(6, e.scores().test().images(), "each epoch scored on the test DataFrame's images");
        }
        Module trained = Worker.model(local);
        trained.to(Device.cpu());
        c.restoreInto(trained);
        Evaluation here = Evaluation.of(trained, Worker.testData(local), Device.cpu(), 6);
        assertEquals(here.accuracy(), reports.get(0).test().accuracy(), 1e-12, "the final weights' score");
        assertEquals(here.loss(), reports.get(0).test().loss(), 1e-6, "the final weights' score");
        assertEquals(2, c.history().size());

        IllegalArgumentException notBytes = assertThrows(IllegalArgumentException.class,
                () -> new ImageFrame(frame, "file", "y", null, train.classes()));
        assertTrue(notBytes.getMessage().startsWith("column 'file' is string, expected the images' encoded bytes"),
                notBytes.getMessage());
        IllegalArgumentException lenet = assertThrows(IllegalArgumentException.class, () -> Train.run(train, null,
                options(tmp.resolve("lenet"), 64, 1, 0)));
        assertTrue(lenet.getMessage().startsWith("a DataFrame of images trains --model alexnet"), lenet.getMessage());
    }

    /** The images of {@code folder} as a DataFrame a program would build: encoded bytes, label and file, a row each. */
    private static ImageFrame frame(org.apache.spark.sql.SparkSession spark, Path folder) throws IOException {
        striate.data.ImageFolder images = striate.data.ImageFolder.builder(folder).build();
        List<org.apache.spark.sql.Row> rows = new java.util.ArrayList<>();
        for (int i = 0; i < images.size(); i++) {
            rows.add(org.apache.spark.sql.RowFactory.create(Files.readAllBytes(images.file(i)), images.label(i),
                    images.file(i).toString()));
        }
        org.apache.spark.sql.types.StructType schema = new org.apache.spark.sql.types.StructType()
                .add("bytes", org.apache.spark.sql.types.DataTypes.BinaryType)
                .add("y", org.apache.spark.sql.types.DataTypes.IntegerType)
                .add("file", org.apache.spark.sql.types.DataTypes.StringType);
        return new ImageFrame(spark.createDataFrame(rows, schema), "bytes", "y", "file", images.classNames());
    }

    /** The images of {@code folder} as the image data source reads them: a struct of BGR pixels and a label a row. */
    private static ImageFrame pixelFrame(org.apache.spark.sql.SparkSession spark, Path folder) throws IOException {
        striate.data.ImageFolder images = striate.data.ImageFolder.builder(folder).build();
        List<org.apache.spark.sql.Row> rows = new java.util.ArrayList<>();
        for (int i = 0; i < images.size(); i++) {
            rows.add(org.apache.spark.sql.RowFactory.create(SparkImagesTest.struct(images.file(i).toString(),
                    javax.imageio.ImageIO.read(images.file(i).toFile()), 3), images.label(i)));
        }
        org.apache.spark.sql.types.StructType schema = new org.apache.spark.sql.types.StructType()
                .add("image", SparkImagesTest.SCHEMA).add("label", org.apache.spark.sql.types.DataTypes.IntegerType);
        return new ImageFrame(spark.createDataFrame(rows, schema), "image", "label", null, images.classNames());
    }

    private static String[] concat(String[] args, String... more) {
        String[] out = java.util.Arrays.copyOf(args, args.length + more.length);
        System.arraycopy(more, 0, out, args.length, more.length);
        return out;
    }

    /** {@code perClass} 40×40 PNGs in each of two class folders: reddish noise and bluish noise. */
    static void writeImages(Path folder, int perClass) throws IOException {
        writeImages(folder, perClass, List.of("0-red", "1-blue"));
    }

    /** {@code perClass} 40×40 PNGs in each class folder of {@code classes}: reddish noise, or bluish for the rest. */
    static void writeImages(Path folder, int perClass, List<String> classes) throws IOException {
        java.util.Random random = new java.util.Random(folder.hashCode());
        for (String name : classes) {
            Path dir = Files.createDirectories(folder.resolve(name));
            for (int k = 0; k < perClass; k++) {
                java.awt.image.BufferedImage img = new java.awt.image.BufferedImage(40, 40,
                        java.awt.image.BufferedImage.TYPE_INT_RGB);
                for (int yy = 0; yy < 40; yy++) {
                    for (int xx = 0; xx < 40; xx++) {
                        int strong = 150 + random.nextInt(100);
                        int weak = random.nextInt(100);
                        img.setRGB(xx, yy, name.endsWith("red") ? strong << 16 | weak << 8 | weak
                                : weak << 16 | weak << 8 | strong);
                    }
                }
                javax.imageio.ImageIO.write(img, "png", dir.resolve(k + ".png").toFile());
            }
        }
    }

    /** The checkpoint folder is given as a file:// URL. */
    @Test
    void killingAnExecutorMidEpochRetriesTheStageWhichResumesFromTheCheckpoint(@TempDir Path checkpoints)
            throws Exception {
        Options o = options(MnistFolder.defaultFashionMnistFolder().toString(), "file://" + checkpoints, EXAMPLES, 2,
                4); // 32 steps, a checkpoint every 4
        Path file = checkpoints.resolve(Worker.CHECKPOINT);
        ExecutorService driver = Executors.newSingleThreadExecutor();
        try {
            Future<List<Worker.Report>> job = driver.submit(() -> Train.run(sc, o));
            long deadline = System.nanoTime() + 60_000_000_000L;
            while (!(Files.exists(file) && Checkpoint.load(file).globalStep() >= 8)) {
                assertTrue(System.nanoTime() < deadline && !job.isDone(), "no checkpoint at step 8 or later");
                Thread.sleep(20);
            }
            ProcessHandle executor = ProcessHandle.current().descendants()
                    .filter(SparkTrainTest::isExecutor)
                    .findFirst().orElseThrow(() -> new AssertionError("no executor process among this JVM's"));
            executor.destroyForcibly();
            List<Worker.Report> reports = job.get(90, TimeUnit.SECONDS);
            for (Worker.Report r : reports) {
                assertTrue(r.firstStep() >= 8 && r.firstStep() % 4 == 0, "worker " + r.rank() + " started at step "
                        + r.firstStep() + ", not at a checkpoint after the first 8 steps");
                assertEquals(32, r.lastStep());
            }
            System.out.println("after the kill, the retried stage resumed at step " + reports.get(0).firstStep());
        } finally {
            sc.cancelAllJobs(); // when the test failed early: no job may outlive its checkpoint folder
            driver.shutdown();
            driver.awaitTermination(30, TimeUnit.SECONDS);
        }
        assertEquals(32, Checkpoint.load(file).globalStep());
        assertEquals(List.of(1, 2), Checkpoint.load(file).history().stream().map(EpochStats::epoch).toList(),
                "each epoch once in the history, the resumed stage's included");
        assertBitIdentical(inProcess(o, TWO_REPLICAS), values(Checkpoint.load(file).model()),
                "a run with a killed executor vs an uninterrupted one");
    }

    /** Whether {@code p} runs a Spark executor; its full command line is in /proc (Linux, as in CI). */
    private static boolean isExecutor(ProcessHandle p) {
        try {
            return Files.readString(Path.of("/proc", Long.toString(p.pid()), "cmdline"))
                    .contains("org.apache.spark.executor.CoarseGrainedExecutorBackend");
        } catch (IOException e) {
            return false; // the process has ended
        }
    }

    private static void assertBitIdentical(Map<String, float[]> expected, Map<String, float[]> got, String what) {
        assertEquals(expected.keySet(), got.keySet(), what + ": parameter names");
        expected.forEach((name, e) -> assertArrayEquals(e, got.get(name), what + ": " + name));
    }

    /** Each tensor within {@code rtol} of its largest magnitude; returns the largest such relative difference. */
    private static double assertClose(Map<String, float[]> expected, Map<String, float[]> got, double rtol,
                                      String what) {
        double worst = 0;
        for (Map.Entry<String, float[]> e : expected.entrySet()) {
            float[] a = e.getValue();
            float[] b = got.get(e.getKey());
            double scale = 0;
            double diff = 0;
            for (int i = 0; i < a.length; i++) {
                scale = Math.max(scale, Math.abs(a[i]));
                diff = Math.max(diff, Math.abs(a[i] - b[i]));
            }
            assertTrue(diff <= rtol * scale, what + ": " + e.getKey() + " differs by " + diff + ", more than " + rtol
                    + " of its largest value " + scale);
            worst = Math.max(worst, diff / scale);
        }
        return worst;
    }

    /** The same run in this process: a DataParallel over {@code devices}, each step on the global batch. */
    private static Map<String, float[]> inProcess(Options o, List<Device> devices) throws IOException {
        Dataset data = Worker.data(o);
        ShardOrder order = new ShardOrder(data.size(), o.workers(), o.batchSize(), o.seed());
        try (DataParallel dp = DataParallel.builder(devices, () -> Worker.model(o), m -> Worker.optimizer(m, o))
                .build()) {
            for (int epoch = 0; epoch < o.epochs(); epoch++) {
                for (int step = 0; step < order.stepsPerEpoch(); step++) {
                    int[] batch = order.globalBatch(epoch, step);
                    float[] x = new float[batch.length * data.exampleSize()];
                    int[] y = new int[batch.length];
                    for (int i = 0; i < batch.length; i++) {
                        data.sample(batch[i], x, i * data.exampleSize(),
                                DataLoader.exampleRng(o.seed(), epoch, batch[i]));
                        y[i] = data.label(batch[i]);
                    }
                    Device d = devices.getFirst();
                    dp.step(Tensor.of(d, x, batch.length, data.channels(), data.height(), data.width()),
                            Tensor.ofInts(d, y, batch.length));
                }
            }
            return values(Checkpoint.stateOf(dp.module()));
        }
    }

    private static Map<String, float[]> values(Map<String, Tensor> tensors) {
        Map<String, float[]> out = new LinkedHashMap<>();
        tensors.forEach((k, v) -> out.put(k, v.toFloatArray()));
        return out;
    }
}

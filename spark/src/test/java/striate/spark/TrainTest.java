package striate.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.apache.spark.SparkConf;
import org.apache.spark.resource.ResourceInformation;
import org.junit.jupiter.api.Test;
import striate.tensor.Device;

/** What the driver sets up before Spark starts: the executors' JVM flags, the Java check, the peers' hosts. */
class TrainTest {
    /** --device cuda asks for spark.task.resource.gpu.amount=1: without it the driver refuses the job. */
    @Test
    void gpuWorkersNeedOneGpuPerTaskInTheJobsConfiguration() {
        Train.requireGpuPerTask(new SparkConf(false).set("spark.task.resource.gpu.amount", "1"));
        for (String amount : new String[] {null, "0.5", "2", "one"}) {
            SparkConf conf = new SparkConf(false);
            if (amount != null) {
                conf.set("spark.task.resource.gpu.amount", amount);
            }
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> Train.requireGpuPerTask(conf));
            assertTrue(e.getMessage().startsWith("--device cuda needs one GPU per task, and this job asks Spark for "
                    + (amount == null ? "none" : amount)), e.getMessage());
        }
    }

    /** Too few task slots for --workers: Spark's own text names no option, this line does. */
    @Test
    void tooFewSlotsNamesWorkers() {
        assertEquals("--workers 3 needs 3 task slots at once (a barrier stage starts every worker together), and the "
                + "cluster has fewer: give it more executors or cores (spark.executor.cores per spark.task.cpus), or "
                + "lower --workers", Train.tooFewSlots(3));
    }

    /** A failed job is one line: the task's own exception's message after Spark's summary, not Spark's stack trace. */
    @Test
    void aFailedJobsReasonIsTheTasksOwnMessage() {
        org.apache.spark.SparkException e = new org.apache.spark.SparkException("Job aborted due to stage failure: "
                + "ShuffleMapStage 0 (repartition at Train.java:217) has failed the maximum allowable number of times: "
                + "4. Most recent failure reason: Stage failed because barrier task ShuffleMapTask(0, 1) finished "
                + "unsuccessfully.\njava.io.UncheckedIOException: worker 0: /data: folder does not exist\n\tat "
                + "striate.spark.BarrierTask.apply(BarrierTask.java:87)\n");
        assertEquals("worker 0: /data: folder does not exist", Train.failure(e));
        assertEquals("Job 0 cancelled because SparkContext was shut down",
                Train.failure(new org.apache.spark.SparkException("Job 0 cancelled because SparkContext was shut down"
                        + "\n\tat org.apache.spark.scheduler.DAGScheduler.x(DAGScheduler.scala:1)")));
    }

    @Test
    void striatesFlagsAreAddedToTheExecutorsJavaOptionsOnce() {
        SparkConf user = new SparkConf(false).set("spark.executor.extraJavaOptions", "-Dstriate.cpu.threads=4");
        assertEquals("-Dstriate.cpu.threads=4 " + Train.STRIATE_JVM_FLAGS,
                Train.configure(user).get("spark.executor.extraJavaOptions"));
        assertEquals("-Dstriate.cpu.threads=4 " + Train.STRIATE_JVM_FLAGS,
                Train.configure(user).get("spark.executor.extraJavaOptions"));
        assertEquals(Train.STRIATE_JVM_FLAGS,
                Train.configure(new SparkConf(false)).get("spark.executor.extraJavaOptions"));
    }

    @Test
    void java25BeforeUpdate3IsRefused() {
        Train.checkJava(Runtime.Version.parse("25.0.3"));
        Train.checkJava(Runtime.Version.parse("26"));
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> Train.checkJava(Runtime.Version.parse("25.0.2")));
        assertTrue(e.getMessage().contains("25.0.3 or later"), e.getMessage());
    }

    @Test
    void anExecutorAddressGivesItsHostWithOrWithoutAPort() {
        assertEquals("10.0.0.5", BarrierTask.host("10.0.0.5:41234"));
        assertEquals("10.0.0.5", BarrierTask.host("10.0.0.5"));
        assertEquals("node-3.cluster", BarrierTask.host("node-3.cluster:7078"));
        assertEquals("fe80::1", BarrierTask.host("fe80::1"));
        assertEquals("fe80::1", BarrierTask.host("[fe80::1]:7078"));
        assertEquals("fe80::1", BarrierTask.host("[fe80::1]"));
    }

    /**
     * The job's input, the same on a retry, makes the workers refuse together; a read cut short or a lost peer fails
     * the stage, which Spark retries.
     */
    @Test
    void theJobsInputIsRefusedAndANodesTroubleRetried() {
        assertTrue(BarrierTask.isInput(new IllegalArgumentException("each of the 2 workers gets 20 examples")));
        assertTrue(BarrierTask.isInput(new JobInputException("--checkpoint-dir /proc: not a folder")));
        assertTrue(BarrierTask.isInput(new striate.data.DataFileException(java.nio.file.Path.of("/data"),
                "missing train-images-idx3-ubyte")));
        assertTrue(BarrierTask.isInput(new java.io.UncheckedIOException(new java.nio.file.NoSuchFileException("/d"))));
        assertTrue(BarrierTask.isInput(new JobInputException("--device cuda needs one GPU per task")));
        assertFalse(BarrierTask.isInput(new IllegalStateException("worker 1 did not receive all of its shard")));
        assertFalse(BarrierTask.isInput(new java.io.IOException("Connection reset by peer")));
        assertFalse(BarrierTask.isInput(new java.io.EOFException()));
        assertFalse(BarrierTask.isInput(new java.io.UncheckedIOException(new java.io.IOException("Stale file handle"))));
    }

    /** Every worker returns the first refusal in rank order, or trains when no worker refused. */
    @Test
    void theWorkersReturnTheFirstRefusal() {
        String[] words = {"41234", BarrierTask.REFUSED + "worker 1: no data", BarrierTask.REFUSED + "worker 2: other"};
        scala.collection.Iterator<TaskOutcome> outcome = BarrierTask.refused(words).orElseThrow();
        assertEquals(new TaskOutcome.Refused("worker 1: no data"), outcome.next());
        assertFalse(outcome.hasNext());
        assertTrue(BarrierTask.refused(new String[] {"41234", "41235"}).isEmpty());
        assertTrue(BarrierTask.refused(new String[] {"0a1b", ""}).isEmpty(), "NCCL's id and the other ranks' words");
    }

    @Test
    void aGpuWorkerTakesTheOneGpuSparkGaveItsTask() {
        assertEquals(Device.cuda(1), BarrierTask.gpu(Map.of("gpu", new ResourceInformation("gpu", new String[] {"1"}))));
        IllegalStateException none = assertThrows(IllegalStateException.class, () -> BarrierTask.gpu(Map.of()));
        assertEquals("--device cuda needs one GPU per task, and Spark gave this one none; submit with "
                + "--conf spark.executor.resource.gpu.amount=1 --conf spark.task.resource.gpu.amount=1 and a GPU "
                + "discovery script (README: Training on Apache Spark)", none.getMessage());
        IllegalStateException two = assertThrows(IllegalStateException.class, () -> BarrierTask.gpu(
                Map.of("gpu", new ResourceInformation("gpu", new String[] {"0", "1"}))));
        assertTrue(two.getMessage().startsWith("--device cuda needs one GPU per task, and Spark gave this "
                + "one 2 [0, 1]; "), two.getMessage());
        IllegalStateException uuid = assertThrows(IllegalStateException.class, () -> BarrierTask.gpu(
                Map.of("gpu", new ResourceInformation("gpu", new String[] {"GPU-5f2c"}))));
        assertEquals("Spark's GPU address 'GPU-5f2c' is not a CUDA device ordinal; the discovery script must "
                + "print the ordinals (0, 1, ...)", uuid.getMessage());
    }

    @Test
    void aWorkerWithNoStepsLeftIsLabelledNotCountedInTheRate() {
        Worker.Report ran = new Worker.Report(0, 10, 20, List.of(), 640, 2.0, 0.5);
        Worker.Report idle = new Worker.Report(1, 20, 20, List.of(), 0, 0.0, 0.0);
        assertEquals("worker 0: steps 10 to 20, mean training loss per epoch [], 320.0 images/s, all-reduce 25.0% "
                + "of the time", Train.describe(ran));
        assertEquals("worker 1: no steps left to run (resumed at step 20)", Train.describe(idle));
        assertEquals("all workers: 320.0 images/s", Train.describe(List.of(ran, idle)));
        assertEquals("all workers: no steps left to run; the checkpoint has every epoch",
                Train.describe(List.of(idle, idle)));
    }

    @Test
    void theDriverPrintsWorkerZerosTestScore() {
        Options o = Options.parse("--model", "lenet5", "--data", "/shared/fm", "--epochs", "1", "--batch-size", "32",
                "--lr", "0.05", "--seed", "7", "--checkpoint-dir", "/shared/runs", "--workers", "2");
        Worker.Report zero = new Worker.Report(0, 0, 20, List.of(), 640, 2.0, 0.5, new Worker.Test(0.8125, 0.51234,
                10000));
        Worker.Report one = new Worker.Report(1, 0, 20, List.of(), 640, 2.0, 0.5);
        assertEquals("test accuracy 0.8125, test loss 0.5123 on the 10000 test images of /shared/fm (the final "
                + "weights)", Train.describeTest(List.of(zero, one), o));
        assertEquals("no test images in /shared/fm (an image folder's val/ or test/ beside train/): the final weights "
                + "are not scored", Train.describeTest(List.of(one), o));
        List<Worker.Epoch> scored = List.of(
                new Worker.Epoch(0.9, 640, 2.0, 0.2, new EpochScores(0.9, 0.7, new Worker.Test(0.75, 0.6, 10000), 0)),
                new Worker.Epoch(0.5, 640, 0.5, 0.1, new EpochScores(0.5, 0.8, new Worker.Test(0.8125, 0.51234,
                        10000), 0)));
        Worker.Report epochs = new Worker.Report(0, 0, 20, scored, 1280, 2.5, 0.3, scored.get(1).scores().test());
        assertEquals("test accuracy 0.8125, test loss 0.5123 on the 10000 test images of /shared/fm (the final "
                + "weights); after each epoch of this run: [0.7500, 0.8125]", Train.describeTest(List.of(epochs, one),
                o));
    }

    @Test
    void theLastFinishedEpochGivesTheSteadyRate() {
        // Two epochs of 10 steps at batch 64: the first slow (warm-up), the second at 1,280 images/s.
        List<Worker.Epoch> epochs = List.of(new Worker.Epoch(0.9, 640, 2.0, 0.2), new Worker.Epoch(0.5, 640, 0.5, 0.1));
        Worker.Report a = new Worker.Report(0, 0, 20, epochs, 1280, 2.5, 0.3);
        Worker.Report b = new Worker.Report(1, 0, 20, epochs, 1280, 2.5, 0.3);
        assertEquals("worker 0: steps 0 to 20, mean training loss per epoch [0.9, 0.5], 512.0 images/s, all-reduce "
                + "12.0% of the time; last epoch 1280.0 images/s, all-reduce 20.0%; images/s per epoch [320.0, 1280.0]",
                Train.describe(a));
        assertEquals("all workers: 1024.0 images/s; last epoch 2560.0 images/s", Train.describe(List.of(a, b)));
        Worker.Report partial = new Worker.Report(1, 15, 20, List.of(), 320, 0.25, 0.05);
        assertEquals("all workers: 1792.0 images/s", Train.describe(List.of(a, partial)),
                "no last-epoch sum when a worker finished no epoch");
    }
}

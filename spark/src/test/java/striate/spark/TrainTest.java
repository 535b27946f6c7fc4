package striate.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.apache.spark.SparkConf;
import org.junit.jupiter.api.Test;

/** What the driver sets up before Spark starts: the executors' JVM flags, the Java check, the peers' hosts. */
class TrainTest {
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

    @Test
    void aWorkerWithNoStepsLeftIsLabelledNotCountedInTheRate() {
        Worker.Report ran = new Worker.Report(0, 10, 20, new double[] {0.5}, 640, 2.0, 0.5);
        Worker.Report idle = new Worker.Report(1, 20, 20, new double[0], 0, 0.0, 0.0);
        assertEquals("worker 0: steps 10 to 20, mean training loss per epoch [0.5], 320.0 images/s, all-reduce 25.0% "
                + "of the time", Train.describe(ran));
        assertEquals("worker 1: no steps left to run (resumed at step 20)", Train.describe(idle));
        assertEquals("all workers: 320.0 images/s", Train.describe(List.of(ran, idle)));
        assertEquals("all workers: no steps left to run; the checkpoint has every epoch",
                Train.describe(List.of(idle, idle)));
    }
}

package striate.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import striate.data.Dataset;
import striate.nn.Module;
import striate.train.Checkpoint;

/**
 * A worker's image folder without Spark: --limit takes a seeded sample across the classes, not the first classes'
 * images, and a test folder whose classes differ from the training folder's is refused, since labels are class
 * folder positions.
 */
class WorkerTest {
    private static Options alexnet(Path data, int limit) {
        return Options.parse("--model", "alexnet", "--config", "variant=owt,size=64", "--data", data.toString(),
                "--epochs", "1", "--batch-size", "2", "--lr", "0.01", "--seed", "7", "--checkpoint-dir",
                data.resolveSibling("runs").toString(), "--workers", "2", "--limit", Integer.toString(limit));
    }

    /** An empty MNIST-format folder: the test set's error names all four files training needs, not t10k's alone. */
    @Test
    void aFolderWithoutFilesNamesAllFourForTheTestSetToo(@TempDir Path tmp) throws IOException {
        Path empty = java.nio.file.Files.createDirectories(tmp.resolve("empty"));
        Options o = Options.parse("--model", "lenet5", "--data", empty.toString(), "--epochs", "1", "--batch-size",
                "2", "--lr", "0.01", "--seed", "7", "--checkpoint-dir", tmp.resolve("runs").toString(), "--workers",
                "1");
        IOException e = org.junit.jupiter.api.Assertions.assertThrows(IOException.class, () -> Worker.testData(o));
        assertTrue(e.getMessage().contains("missing train-images-idx3-ubyte[.gz], train-labels-idx1-ubyte[.gz], "
                + "t10k-images-idx3-ubyte[.gz], t10k-labels-idx1-ubyte[.gz]"), e.getMessage());
    }

    @Test
    void limitSamplesAcrossTheClasses(@TempDir Path tmp) throws IOException {
        Path data = tmp.resolve("images");
        SparkTrainTest.writeImages(data.resolve("train"), 4, List.of("a", "b", "c"));
        Dataset six = Worker.data(alexnet(data, 6));
        assertEquals(6, six.size());
        int[] labels = new int[6];
        for (int i = 0; i < 6; i++) {
            labels[i] = six.label(i);
        }
        assertNotEquals(List.of(0, 0, 0, 0, 1, 1), java.util.Arrays.stream(labels).boxed().toList(),
                "not the folder's first six, which are class by class");
        assertEquals(12, Worker.data(alexnet(data, 0)).size());
    }

    /**
     * A checkpoint of this model and these settings written when the image folder had other classes: AlexNet's last
     * layer no longer fits, and the worker refuses it by its recorded config while it prepares, before the workers
     * meet (after, a failed restore would fail the stage, and Spark would retry it); the folder is left as it was.
     */
    @Test
    void aCheckpointThatDoesNotFitTheModelIsRefusedBeforeTheWorkersMeet(@TempDir Path tmp) throws IOException {
        Path data = tmp.resolve("images");
        SparkTrainTest.writeImages(data.resolve("train"), 2, List.of("a", "b", "c"));
        Options o = alexnet(data, 0);
        Module three = Worker.model(o, 3);
        CheckpointStore store = CheckpointStore.open(o.checkpointDir());
        store.save(new Checkpoint(o.model(), Worker.modelConfig(o, 3), o.settings(), 1, 3, Map.of(), List.of(),
                Checkpoint.stateOf(three), Worker.optimizer(three, o).state(), Map.of("learning_rate", o.lr())));
        BarrierTask.Shard threeClasses = new BarrierTask.Shard(Worker.data(o), null);
        assertEquals(3, Worker.prepare(o, threeClasses).resumed().globalStep(), "it fits the model it was written for");

        SparkTrainTest.writeImages(data.resolve("train"), 2, List.of("d"));
        BarrierTask.Shard fourClasses = new BarrierTask.Shard(Worker.data(o), null);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Worker.prepare(o, fourClasses));
        assertTrue(e.getMessage().endsWith("holds a model with variant=owt,classes=3,channels=3,size=64,dropout=0.5 but "
                + "this run's is variant=owt,classes=4,channels=3,size=64,dropout=0.5 (from --config and the data's "
                + "classes); give the data it was trained on or another --checkpoint-dir"), e.getMessage());
        assertTrue(BarrierTask.isInput(e), "the workers refuse it together");
        assertEquals(3, store.load().globalStep(), "the checkpoint is left as it was");
    }

    @Test
    void aTestFolderWithOtherClassesIsRefused(@TempDir Path tmp) throws IOException {
        Path data = tmp.resolve("images");
        SparkTrainTest.writeImages(data.resolve("train"), 2, List.of("a", "b", "c"));
        SparkTrainTest.writeImages(data.resolve("val"), 2, List.of("a", "c"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Worker.testData(alexnet(data, 0)));
        assertTrue(e.getMessage().endsWith("has classes [a, c] but " + data.resolve("train") + " has [a, b, c]; both "
                + "need the same class folders"), e.getMessage());
    }
}

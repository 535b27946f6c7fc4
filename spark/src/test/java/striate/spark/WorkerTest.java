package striate.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import striate.data.Dataset;

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

package striate.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import striate.tensor.Device;

/**
 * Reads the real Fashion-MNIST that Debian's dataset-fashion-mnist installs; skipped, with the reason, when
 * that package is not installed.
 */
class FashionMnistTest {
    private static MnistFolder folder;

    @BeforeAll
    static void locate() throws IOException {
        Path dir = MnistFolder.defaultFashionMnistFolder();
        assumeTrue(MnistFolder.isComplete(dir), "Fashion-MNIST not found in " + dir
                + ": install Debian's package dataset-fashion-mnist (apt-get install dataset-fashion-mnist)");
        folder = MnistFolder.open(dir);
    }

    @Test
    void trainingSetHas60000BalancedImagesWithTheDocumentedStatistics() throws IOException {
        IdxImages images = Idx.readImages(folder.trainImages());
        int[] labels = Idx.readLabels(folder.trainLabels());
        assertEquals(60000, images.count());
        assertEquals(28, images.rows());
        assertEquals(28, images.cols());
        assertEquals(60000, labels.length);
        int[] perClass = histogram(labels);
        for (int c = 0; c < 10; c++) {
            assertEquals(6000, perClass[c], "class " + c);
        }
        // the Normalization.FASHION_MNIST defaults are the mean and std of pixel / 255 over this set
        double sum = 0;
        double sumSq = 0;
        for (byte p : images.pixels()) {
            double v = (p & 0xFF) / 255.0;
            sum += v;
            sumSq += v * v;
        }
        double n = images.pixels().length;
        double mean = sum / n;
        double std = Math.sqrt(sumSq / n - mean * mean);
        assertEquals(Normalization.FASHION_MNIST.mean(), mean, 5e-4);
        assertEquals(Normalization.FASHION_MNIST.std(), std, 5e-4);

        ImageDataset train = folder.train(Normalization.FASHION_MNIST);
        assertEquals(60000, train.size());
        assertEquals(labels[12345], train.label(12345));
        assertEquals(Normalization.FASHION_MNIST.apply(images.pixel(12345, 14, 9)), train.image(12345)[14 * 28 + 9]);
    }

    @Test
    void testSetLoadsIntoBatchesOfTheLeNetShape() throws IOException {
        ImageDataset test = folder.test(Normalization.FASHION_MNIST);
        assertEquals(10000, test.size());
        assertEquals(10, test.classes());
        int[] fromLoader = new int[10];
        try (DataLoader l = DataLoader.builder(test, Device.reference()).batchSize(128).shuffle(1).build()) {
            assertEquals(79, l.numBatches());
            int seen = 0;
            for (Batch b : l.epoch(0)) {
                assertArrayEquals(new long[] {b.size(), 1, 28, 28}, b.x().shape().dims());
                for (int y : b.y().toIntArray()) {
                    fromLoader[y]++;
                }
                seen += b.size();
                if (b.index() == 78) {
                    assertEquals(10000 - 78 * 128, b.size());
                }
            }
            assertEquals(10000, seen);
        }
        for (int c = 0; c < 10; c++) {
            assertEquals(1000, fromLoader[c], "class " + c);
        }
        float min = Float.MAX_VALUE;
        float max = -Float.MAX_VALUE;
        for (int i = 0; i < 100; i++) {
            for (float v : test.image(i)) {
                min = Math.min(min, v);
                max = Math.max(max, v);
            }
        }
        assertEquals(Normalization.FASHION_MNIST.apply(0), min);
        assertTrue(max > 1.5f && max <= Normalization.FASHION_MNIST.apply(255), "max " + max);
    }

    private static int[] histogram(int[] labels) {
        int[] h = new int[10];
        for (int y : labels) {
            assertTrue(y >= 0 && y < 10, "label " + y);
            h[y]++;
        }
        return h;
    }
}

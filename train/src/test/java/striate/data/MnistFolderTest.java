package striate.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static striate.data.IdxFiles.gzip;
import static striate.data.IdxFiles.images;
import static striate.data.IdxFiles.labels;
import static striate.data.IdxFiles.pattern;
import static striate.data.IdxFiles.write;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Finding the four MNIST-format files in a folder and pairing images with labels. */
class MnistFolderTest {
    @TempDir
    Path dir;

    /** A tiny MNIST-shaped folder of 3x2 images: train files gzipped, test files (4 images) plain. */
    private void writeFolder(int[] trainLabels, int trainImages) throws IOException {
        byte[] trainPixels = pattern(trainImages, 3, 2);
        write(dir.resolve(MnistFolder.TRAIN_IMAGES + ".gz"), gzip(images(trainImages, 3, 2, trainPixels)));
        write(dir.resolve(MnistFolder.TRAIN_LABELS + ".gz"), gzip(labels(trainLabels)));
        write(dir.resolve(MnistFolder.TEST_IMAGES), images(4, 3, 2, pattern(4, 3, 2)));
        write(dir.resolve(MnistFolder.TEST_LABELS), labels(9, 8, 7, 6));
    }

    @Test
    void opensPlainAndGzipFilesAndBuildsDatasets() throws IOException {
        writeFolder(new int[] {0, 1, 2, 3, 4, 5}, 6);
        assertTrue(MnistFolder.isComplete(dir));
        MnistFolder f = MnistFolder.open(dir);
        assertEquals(dir.resolve(MnistFolder.TRAIN_IMAGES + ".gz"), f.trainImages());
        assertEquals(dir.resolve(MnistFolder.TEST_LABELS), f.testLabels());

        ImageDataset train = f.train(Normalization.UNIT);
        assertEquals(6, train.size());
        assertEquals(10, train.classes());
        assertEquals(1, train.channels());
        assertEquals(3, train.height());
        assertEquals(2, train.width());
        assertEquals(5, train.label(5));
        // image 2, pixel 1 of the pattern is (2 * 7 + 1) = 15
        assertEquals(15 / 255f, train.image(2)[1], 1e-7);

        ImageDataset test = f.test(Normalization.FASHION_MNIST);
        assertEquals(4, test.size());
        assertEquals(6, test.label(3));
    }

    @Test
    void prefersThePlainFileWhenBothExist() throws IOException {
        writeFolder(new int[] {0, 1, 2, 3, 4, 5}, 6);
        write(dir.resolve(MnistFolder.TRAIN_LABELS), labels(5, 4, 3, 2, 1, 0));
        assertEquals(dir.resolve(MnistFolder.TRAIN_LABELS), MnistFolder.open(dir).trainLabels());
        assertEquals(5, MnistFolder.open(dir).train(Normalization.UNIT).label(0));
    }

    @Test
    void theTestSetNeedsOnlyTheTestFiles() throws IOException {
        writeFolder(new int[] {0, 1, 2, 3, 4, 5}, 6);
        Files.delete(dir.resolve(MnistFolder.TRAIN_IMAGES + ".gz"));
        Files.delete(dir.resolve(MnistFolder.TRAIN_LABELS + ".gz"));
        ImageDataset test = MnistFolder.testSet(dir, Normalization.UNIT);
        assertEquals(4, test.size());
        assertEquals(9, test.label(0));
        assertEquals(6, test.label(3));
        String m = assertThrows(DataFileException.class, () -> MnistFolder.open(dir)).getMessage();
        assertTrue(m.contains("missing " + MnistFolder.TRAIN_IMAGES + "[.gz], " + MnistFolder.TRAIN_LABELS), m);

        Files.delete(dir.resolve(MnistFolder.TEST_LABELS));
        m = assertThrows(DataFileException.class, () -> MnistFolder.testSet(dir, Normalization.UNIT)).getMessage();
        assertTrue(m.contains("missing " + MnistFolder.TEST_LABELS + "[.gz] ("), m);
        assertFalse(m.contains(MnistFolder.TRAIN_IMAGES), "only the test files are asked for: " + m);
    }

    @Test
    void missingFolderPointsToTheDebianPackage() {
        Path missing = dir.resolve("no-such-folder");
        assertFalse(MnistFolder.isComplete(missing));
        DataFileException e = assertThrows(DataFileException.class, () -> MnistFolder.open(missing));
        String m = e.getMessage();
        assertEquals(missing, e.file());
        assertTrue(m.contains("folder does not exist"), m);
        assertTrue(m.contains("dataset-fashion-mnist"), m);
        assertTrue(m.contains("/usr/share/datasets/fashion-mnist"), m);
        assertTrue(m.contains(MnistFolder.TRAIN_IMAGES) && m.contains(MnistFolder.TEST_LABELS), m);
    }

    @Test
    void missingFileIsListed() throws IOException {
        writeFolder(new int[] {0, 1, 2, 3, 4, 5}, 6);
        Files.delete(dir.resolve(MnistFolder.TEST_IMAGES));
        DataFileException e = assertThrows(DataFileException.class, () -> MnistFolder.open(dir));
        String m = e.getMessage();
        assertTrue(m.contains("missing t10k-images-idx3-ubyte[.gz] ("), m);
        assertFalse(m.contains("missing train-"), m);
        assertTrue(m.contains("dataset-fashion-mnist"), m);
    }

    @Test
    void imageAndLabelCountMismatchNamesBothFiles() throws IOException {
        writeFolder(new int[] {0, 1, 2, 3, 4}, 6);
        MnistFolder f = MnistFolder.open(dir);
        DataFileException e = assertThrows(DataFileException.class, () -> f.train(Normalization.UNIT));
        String m = e.getMessage();
        assertEquals(f.trainLabels(), e.file());
        assertTrue(m.contains("holds 5 labels but " + f.trainImages() + " holds 6 images"), m);
    }

    @Test
    void labelOutOfRangeIsAClearError() throws IOException {
        writeFolder(new int[] {0, 1, 2, 10, 4, 255}, 6);
        MnistFolder f = MnistFolder.open(dir);
        DataFileException e = assertThrows(DataFileException.class, () -> f.train(Normalization.UNIT));
        String m = e.getMessage();
        assertTrue(m.contains("2 label(s) outside [0, 10), the first is 10 at index 3"), m);
    }

    @Test
    void defaultFolderIsWhereDebianInstallsFashionMnist() {
        assertEquals(Path.of("/usr/share/datasets/fashion-mnist"), MnistFolder.defaultFashionMnistFolder());
    }
}

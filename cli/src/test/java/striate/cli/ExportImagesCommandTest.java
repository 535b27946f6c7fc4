package striate.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import striate.data.Idx;
import striate.data.IdxImages;
import striate.train.Trainer;

/**
 * export-images writes the requested number of images, spread evenly over the classes, pixel for pixel into the
 * folder of their label; leaves no class folder empty, so its output trains AlexNet; and says what is wrong with
 * an --out that is a file.
 */
class ExportImagesCommandTest {
    @TempDir
    Path tmp;

    /** An MNIST-format pair of {@code perClass} 28×28 images of each of 10 classes, sorted by class. */
    static void writeSortedByClass(Path dir, String prefix, int perClass) throws IOException {
        int n = 10 * perClass;
        try (DataOutputStream img = new DataOutputStream(Files.newOutputStream(dir.resolve(prefix + "-images-idx3-ubyte")));
             DataOutputStream lab = new DataOutputStream(Files.newOutputStream(dir.resolve(prefix + "-labels-idx1-ubyte")))) {
            img.writeInt(Idx.IMAGES_MAGIC);
            img.writeInt(n);
            img.writeInt(28);
            img.writeInt(28);
            lab.writeInt(Idx.LABELS_MAGIC);
            lab.writeInt(n);
            for (int i = 0; i < n; i++) {
                int k = i / perClass;
                byte[] px = new byte[28 * 28];
                for (int p = 0; p < px.length; p++) { // class k: a bright band of rows 2k+1 .. 2k+6
                    int row = p / 28;
                    px[p] = (byte) (row > 2 * k && row <= 2 * k + 6 ? 200 + i % 50 : 10);
                }
                img.write(px);
                lab.writeByte(k);
            }
        }
    }

    @Test
    void writesEachImageIntoItsClassFolderPixelForPixelSpreadEvenlyOverTheClasses() throws IOException {
        Path idx = Files.createDirectories(tmp.resolve("idx"));
        TrainCommandTest.writeIdx(idx, "train", 30, 1); // three classes in random order
        TrainCommandTest.writeIdx(idx, "t10k", 12, 2);
        Path out = tmp.resolve("folder");
        TrainCommandTest.Result r = TrainCommandTest.cli("export-images", "--data", idx.toString(), "--out",
                out.toString(), "--train", "20");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("wrote 20 training PNGs in 3 class folders and 12 validation PNGs in 3 class "
                + "folders"), r.out());

        List<Path> train = pngs(out.resolve("train"));
        assertEquals(20, train.size());
        assertEquals(12, pngs(out.resolve("val")).size());
        assertEquals(List.of("0-T-shirt_top", "1-Trouser", "2-Pullover"), folders(out.resolve("train")),
                "a folder for each class present, none for the seven absent ones");
        IdxImages images = Idx.readImages(idx.resolve("train-images-idx3-ubyte"));
        int[] labels = Idx.readLabels(idx.resolve("train-labels-idx1-ubyte"));
        for (Path png : train) {
            int i = Integer.parseInt(png.getFileName().toString().replace(".png", ""));
            String folder = png.getParent().getFileName().toString();
            assertTrue(folder.startsWith(labels[i] + "-"), png + " has label " + labels[i]);
            BufferedImage image = ImageIO.read(png.toFile());
            for (int y = 0; y < 28; y++) {
                for (int x = 0; x < 28; x++) {
                    assertEquals(images.pixel(i, y, x), image.getRaster().getSample(x, y, 0), png + " at " + x + "," + y);
                }
            }
        }
        // each class's picks are its first images in file order, and the counts are as even as the data allows:
        // a class has more than one image over another only when the other has none left
        int[] available = new int[3];
        int[] picked = new int[3];
        for (int k = 0; k < 3; k++) {
            int label = k;
            List<Integer> got = train.stream().filter(p -> p.getParent().getFileName().toString().startsWith(label + "-"))
                    .map(p -> Integer.parseInt(p.getFileName().toString().replace(".png", ""))).sorted().toList();
            List<Integer> first = new ArrayList<>();
            for (int i = 0; i < labels.length; i++) {
                if (labels[i] == k) {
                    available[k]++;
                    if (first.size() < got.size()) {
                        first.add(i);
                    }
                }
            }
            assertEquals(first, got, "class " + k);
            picked[k] = got.size();
        }
        for (int a = 0; a < 3; a++) {
            for (int b = 0; b < 3; b++) {
                assertTrue(picked[a] <= picked[b] + 1 || picked[b] == available[b], "classes " + a + " and " + b
                        + ": " + Arrays.toString(picked) + " of " + Arrays.toString(available));
            }
        }

        TrainCommandTest.Result again = TrainCommandTest.cli("export-images", "--data", idx.toString(), "--out",
                out.toString());
        assertEquals(2, again.code());
        assertTrue(again.err().contains("is not empty"), again.err());
    }

    @Test
    void aFewImagesStillGiveEveryClassAFolderAndTheResultTrainsAlexNet() throws IOException {
        Path idx = Files.createDirectories(tmp.resolve("sorted"));
        writeSortedByClass(idx, "train", 10); // the first 20 images are all of classes 0 and 1
        writeSortedByClass(idx, "t10k", 2);
        Path out = tmp.resolve("few");
        TrainCommandTest.Result r = TrainCommandTest.cli("export-images", "--data", idx.toString(), "--out",
                out.toString(), "--train", "20", "--val", "10");
        assertEquals(0, r.code(), r.err());
        for (String split : new String[] {"train", "val"}) {
            List<String> classes = folders(out.resolve(split));
            assertEquals(10, classes.size(), split + ": " + classes);
            for (String c : classes) {
                long n;
                try (Stream<Path> s = Files.list(out.resolve(split, c))) {
                    n = s.count();
                }
                assertEquals(split.equals("train") ? 2 : 1, n, split + "/" + c);
            }
        }

        Path run = tmp.resolve("alexnet-run");
        TrainCommandTest.Result t = TrainCommandTest.cli("train", "--model", "alexnet", "--config",
                "variant=owt,size=64", "--data", out.toString(), "--epochs", "1", "--batch-size", "8",
                "--validation", "2", "--workers", "2", "--out", run.toString());
        assertEquals(0, t.code(), t.err());
        assertTrue(t.out().contains("18 train / 2 validation / 10 test images"), t.out());
        assertTrue(Files.exists(run.resolve(Trainer.LAST)));
    }

    @Test
    void tooFewImagesForTheClassesIsAUsageErrorAndWritesNothing() throws IOException {
        Path idx = Files.createDirectories(tmp.resolve("idx"));
        writeSortedByClass(idx, "train", 3);
        writeSortedByClass(idx, "t10k", 1);
        Path out = tmp.resolve("none");
        TrainCommandTest.Result r = TrainCommandTest.cli("export-images", "--data", idx.toString(), "--out",
                out.toString(), "--train", "9");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("--train 9 cannot give each of the 10 classes in " + idx.resolve(
                "train-labels-idx1-ubyte") + " an image; give at least 10, or 0 for all"), r.err());
        assertFalse(Files.exists(out), "nothing written");
    }

    /** No images in a file: one line and exit 1 (it said it wrote 0 PNGs in a folder it never made, exit 0). */
    @Test
    void aFileWithoutImagesIsAnError() throws IOException {
        Path idx = Files.createDirectories(tmp.resolve("empty-idx"));
        TrainCommandTest.writeIdx(idx, "train", 0, 1);
        TrainCommandTest.writeIdx(idx, "t10k", 4, 2);
        Path out = tmp.resolve("zero");
        TrainCommandTest.Result r = TrainCommandTest.cli("export-images", "--data", idx.toString(), "--out",
                out.toString());
        assertEquals(1, r.code(), r.err());
        assertTrue(r.err().contains(idx.resolve("train-images-idx3-ubyte") + " holds no images"), r.err());
        assertFalse(Files.exists(out), "nothing written");
    }

    @Test
    void anOutThatIsAFileIsNamedAsSuch() throws IOException {
        Path idx = Files.createDirectories(tmp.resolve("idx"));
        writeSortedByClass(idx, "train", 1);
        writeSortedByClass(idx, "t10k", 1);
        Path file = Files.writeString(tmp.resolve("notes.txt"), "keep me");
        TrainCommandTest.Result r = TrainCommandTest.cli("export-images", "--data", idx.toString(), "--out",
                file.toString());
        assertEquals(2, r.code());
        assertTrue(r.err().startsWith("striate: --out " + file + " is a file, not a folder; choose a folder that "
                + "does not exist yet or is empty (nothing was written)."), r.err());
        assertEquals("keep me", Files.readString(file));
    }

    private static List<String> folders(Path folder) throws IOException {
        try (Stream<Path> s = Files.list(folder)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    private static List<Path> pngs(Path folder) throws IOException {
        try (Stream<Path> s = Files.walk(folder)) {
            return s.filter(p -> p.toString().endsWith(".png")).sorted().toList();
        }
    }
}

package striate.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import striate.data.Idx;
import striate.data.IdxImages;

/** export-images writes every requested image, pixel for pixel, into the folder of its label. */
class ExportImagesCommandTest {
    @TempDir
    Path tmp;

    @Test
    void writesEachImageIntoItsClassFolderPixelForPixel() throws IOException {
        Path idx = Files.createDirectories(tmp.resolve("idx"));
        TrainCommandTest.writeIdx(idx, "train", 30, 1);
        TrainCommandTest.writeIdx(idx, "t10k", 12, 2);
        Path out = tmp.resolve("folder");
        TrainCommandTest.Result r = TrainCommandTest.cli("export-images", "--data", idx.toString(), "--out",
                out.toString(), "--train", "20");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("wrote 20 training and 12 validation PNGs"), r.out());

        List<Path> train = pngs(out.resolve("train"));
        assertEquals(20, train.size());
        assertEquals(12, pngs(out.resolve("val")).size());
        assertEquals(10, Files.list(out.resolve("train")).count()); // one folder per class, empty ones too
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
        assertEquals("0-T-shirt_top", Files.list(out.resolve("train")).map(p -> p.getFileName().toString()).sorted()
                .findFirst().orElseThrow());

        TrainCommandTest.Result again = TrainCommandTest.cli("export-images", "--data", idx.toString(), "--out",
                out.toString());
        assertEquals(2, again.code());
        assertTrue(again.err().contains("is not empty"), again.err());
    }

    private static List<Path> pngs(Path folder) throws IOException {
        try (Stream<Path> s = Files.walk(folder)) {
            return s.filter(p -> p.toString().endsWith(".png")).sorted().toList();
        }
    }
}

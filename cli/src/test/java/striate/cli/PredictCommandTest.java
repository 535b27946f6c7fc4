package striate.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import striate.tensor.Rng;
import striate.train.Trainer;

/**
 * predict on a checkpoint trained on the generated three-class squares: an image that cannot be read is named and
 * the others are still classified (exit 1 at the end); --top must be positive.
 */
class PredictCommandTest {
    @TempDir
    static Path tmp;
    static Path checkpoint;

    @BeforeAll
    static void trainATinyModel() throws IOException {
        Path data = Files.createDirectories(tmp.resolve("data"));
        TrainCommandTest.writeIdx(data, "train", 400, 1);
        TrainCommandTest.writeIdx(data, "t10k", 30, 2);
        Path run = tmp.resolve("run");
        TrainCommandTest.Result r = TrainCommandTest.cli("train", "--data", data.toString(), "--epochs", "2",
                "--batch-size", "32", "--validation", "50", "--out", run.toString());
        assertEquals(0, r.code(), r.err());
        checkpoint = run.resolve(Trainer.BEST);
    }

    /** A 28×28 gray PNG of the square of class {@code k}. */
    private static Path square(String name, int k) throws IOException {
        BufferedImage img = new BufferedImage(28, 28, BufferedImage.TYPE_BYTE_GRAY);
        byte[] px = TrainCommandTest.image(new Rng(5 + k), k);
        for (int i = 0; i < px.length; i++) {
            img.getRaster().setSample(i % 28, i / 28, 0, px[i] & 255);
        }
        Path file = tmp.resolve(name);
        ImageIO.write(img, "png", file.toFile());
        return file;
    }

    @Test
    void anUnreadableImageIsNamedAndTheOthersAreStillClassified() throws IOException {
        Path first = square("first.png", 0);
        Path last = square("last.png", 2);
        byte[] png = Files.readAllBytes(square("whole.png", 1));
        Path damaged = Files.write(tmp.resolve("damaged.png"), Arrays.copyOf(png, png.length * 2 / 3)); // cut in IDAT
        Path missing = tmp.resolve("missing.png");

        TrainCommandTest.Result r = TrainCommandTest.cli("predict", "--checkpoint", checkpoint.toString(),
                first.toString(), damaged.toString(), missing.toString(), last.toString());
        assertEquals(1, r.code(), r.err());
        List<String> out = r.out().lines().toList();
        assertEquals(2, out.size(), r.out());
        assertTrue(out.get(0).startsWith(first + ": T-shirt/top"), r.out());
        assertTrue(out.get(1).startsWith(last + ": Pullover"), r.out());

        List<String> err = r.err().lines().toList();
        assertEquals(3, err.size(), r.err());
        assertTrue(err.get(0).startsWith("striate: error: " + damaged + ": cannot read the image: Error reading PNG "
                + "image data"), err.get(0));
        assertEquals("striate: error: " + missing + ": no such file", err.get(1));
        assertEquals("striate: error: 2 of 4 images could not be read (each named above); the others were "
                + "classified", err.get(2));
        TrainCommandTest.Result one = TrainCommandTest.cli("predict", "--checkpoint", checkpoint.toString(),
                missing.toString());
        assertEquals(1, one.code());
        assertEquals("striate: error: " + missing + ": no such file", one.err().strip(), "one line for one image");
        assertEquals("", one.out());
    }

    /**
     * A gray PNG is classified from its stored levels: the same image as RGB (R = G = B) gives the same probabilities.
     * ImageIO's getRGB took gray samples for linear light and brightened them (128 became 188), so the gray file,
     * what export-images writes and the README suggests, was classified as a brighter image.
     */
    @Test
    void aGrayImageIsReadAsStoredLikeTheSameImageInRgb() throws IOException {
        BufferedImage gray = new BufferedImage(28, 28, BufferedImage.TYPE_BYTE_GRAY);
        BufferedImage rgb = new BufferedImage(28, 28, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 28; y++) {
            for (int x = 0; x < 28; x++) {
                int level = (x * 9 + y * 5) % 256; // mid levels, where linear light and sRGB differ most
                gray.getRaster().setSample(x, y, 0, level);
                rgb.setRGB(x, y, level << 16 | level << 8 | level);
            }
        }
        Path grayFile = tmp.resolve("levels-gray.png");
        Path rgbFile = tmp.resolve("levels-rgb.png");
        ImageIO.write(gray, "png", grayFile.toFile());
        ImageIO.write(rgb, "png", rgbFile.toFile());
        TrainCommandTest.Result r = TrainCommandTest.cli("predict", "--top", "3", "--checkpoint",
                checkpoint.toString(), grayFile.toString(), rgbFile.toString());
        assertEquals(0, r.code(), r.err());
        List<String> out = r.out().lines().toList();
        assertEquals(2, out.size(), r.out());
        assertEquals(out.get(1).substring(rgbFile.toString().length()), out.get(0).substring(grayFile.toString().length()),
                r.out());
    }

    @Test
    void topMustBePositive() throws IOException {
        Path image = square("top.png", 1);
        for (String top : new String[] {"0", "-1"}) {
            TrainCommandTest.Result r = TrainCommandTest.cli("predict", "--top", top, "--checkpoint",
                    checkpoint.toString(), image.toString());
            assertEquals(2, r.code(), "--top " + top);
            assertTrue(r.err().startsWith("striate: --top must be >= 1 (classes to list per image), got " + top),
                    r.err());
            assertEquals("", r.out());
        }
        TrainCommandTest.Result one = TrainCommandTest.cli("predict", "--top", "1", "--checkpoint",
                checkpoint.toString(), image.toString());
        assertEquals(0, one.code(), one.err());
        assertTrue(one.out().matches(java.util.regex.Pattern.quote(image + ": Trouser ") + "[0-9.]+%\\R"), one.out());
    }
}

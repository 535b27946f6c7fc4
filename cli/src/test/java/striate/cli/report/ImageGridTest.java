package striate.cli.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import striate.tensor.Device;
import striate.tensor.Tensor;

class ImageGridTest {
    @TempDir
    Path dir;

    /** Five 2×3 grey images whose every pixel is its index's level; 2 per row, drawn at scale 4 in [-1, 1]. */
    private static Tensor images() {
        float[] v = new float[5 * 2 * 3];
        for (int i = 0; i < 5; i++) {
            for (int p = 0; p < 6; p++) {
                v[i * 6 + p] = -1f + 0.5f * i; // -1, -0.5, 0, 0.5, 1
            }
        }
        return Tensor.of(Device.cpu(), v, 5, 1, 2, 3);
    }

    @Test
    void drawsEachImageAtItsLevelInRowMajorOrder() throws IOException {
        Path png = dir.resolve("grid.png");
        new ImageGrid("samples", images(), 2, -1, 1, 4, null).write(png);
        BufferedImage image = ImageIO.read(png.toFile());
        // find the first image's top-left corner: the first black pixel below the title band
        int[] corner = firstPixelOfLevel(image, 0);
        int cellW = 3 * 4 + 2;
        int cellH = 2 * 4 + 2;
        int[] expected = {0, 64, 128, 191, 255}; // round((v + 1) / 2 · 255)
        for (int i = 0; i < 5; i++) {
            int x = corner[0] + (i % 2) * cellW + 5; // inside the image, away from its edge
            int y = corner[1] + (i / 2) * cellH + 3;
            int rgb = image.getRGB(x, y);
            assertEquals(expected[i], rgb & 0xff, "image " + i + " blue");
            assertEquals(expected[i], (rgb >> 16) & 0xff, "image " + i + " red");
        }
        // the sixth cell of the third row is empty: background white
        assertEquals(0xffffff, image.getRGB(corner[0] + cellW + 5, corner[1] + 2 * cellH + 3) & 0xffffff);
    }

    @Test
    void rowLabelsWidenTheImageAndMustMatchTheRows() throws IOException {
        Path plain = dir.resolve("plain.png");
        Path labelled = dir.resolve("labelled.png");
        new ImageGrid("s", images(), 2, -1, 1, 1, null).write(plain);
        new ImageGrid("s", images(), 2, -1, 1, 1, List.of("T-shirt/top", "Trouser", "Pullover")).write(labelled);
        assertTrue(ImageIO.read(labelled.toFile()).getWidth() > ImageIO.read(plain.toFile()).getWidth());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new ImageGrid("s", images(), 2, -1, 1, 1, List.of("a", "b")));
        assertTrue(e.getMessage().contains("2 row labels for 3 rows"), e.getMessage());
        assertTrue(Files.size(labelled) > 0);
    }

    @Test
    void rejectsImagesThatAreNotNchw() {
        Tensor flat = Tensor.of(Device.cpu(), new float[4 * 784], 4, 784);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new ImageGrid("s", flat, 2, -1, 1, 1, null));
        assertTrue(e.getMessage().contains("[n, 1 or 3, h, w]"), e.getMessage());
    }

    private static int[] firstPixelOfLevel(BufferedImage image, int level) {
        for (int y = 0; y < image.getHeight(); y++) {
            for (int x = 0; x < image.getWidth(); x++) {
                int rgb = image.getRGB(x, y) & 0xffffff;
                if (rgb == (level << 16 | level << 8 | level)) {
                    return new int[] {x, y};
                }
            }
        }
        throw new AssertionError("no pixel of level " + level);
    }
}

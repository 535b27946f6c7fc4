package striate.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Images held as their files' bytes give the floats an {@link ImageFolder} of the same files gives, bit for bit:
 * centre crops, and random crops and flips drawn from the same generator, in one and three channels. A label outside
 * the classes and bytes that are no image are errors naming the example.
 */
class EncodedImagesTest {
    private static ImageFolder folder(Path root) throws IOException {
        ImageFiles.write(root, "a-ramp", "0.png", ImageFiles.ramp(37, 29));
        ImageFiles.write(root, "a-ramp", "1.jpg", ImageFiles.ramp(23, 41));
        ImageFiles.write(root, "b-solid", "0.png", ImageFiles.solid(30, 30, 0x3366CC));
        return ImageFolder.builder(root).crops(20, 24, 3).build();
    }

    private static EncodedImages sameBytes(ImageFolder f, int channels) throws IOException {
        byte[][] images = new byte[f.size()][];
        int[] labels = new int[f.size()];
        String[] names = new String[f.size()];
        for (int i = 0; i < f.size(); i++) {
            images[i] = Files.readAllBytes(f.file(i));
            labels[i] = f.label(i);
            names[i] = f.file(i).toString();
        }
        return EncodedImages.crops(images, labels, names, f.classes(), 20, 24, channels);
    }

    @Test
    void theBytesOfAFolderGiveTheFolderBitForBit(@TempDir Path tmp) throws IOException {
        for (int channels : new int[] {3, 1}) {
            ImageFolder f = ImageFolder.builder(folder(tmp.resolve("c" + channels)).root()).crops(20, 24, channels)
                    .build();
            EncodedImages e = sameBytes(f, channels);
            assertEquals(f.size(), e.size());
            assertEquals(f.exampleSize(), e.exampleSize());
            assertEquals(f.normalization(), e.normalization());
            for (int i = 0; i < f.size(); i++) {
                assertEquals(f.label(i), e.label(i));
                assertArrayEquals(f.image(i), e.image(i), "centre crop " + i);
                float[] a = new float[f.exampleSize()];
                float[] b = new float[f.exampleSize()];
                for (int draw = 0; draw < 4; draw++) {
                    f.augmented().sample(i, a, 0, DataLoader.exampleRng(7, draw, i));
                    e.augmented().sample(i, b, 0, DataLoader.exampleRng(7, draw, i));
                    assertArrayEquals(a, b, "random crop " + draw + " of " + i);
                }
            }
        }
    }

    @Test
    void badLabelsAndBytesAreErrorsNamingTheExample(@TempDir Path tmp) throws IOException {
        EncodedImages good = sameBytes(folder(tmp), 3);
        IllegalArgumentException label = assertThrows(IllegalArgumentException.class, () -> EncodedImages.crops(
                new byte[][] {new byte[1]}, new int[] {2}, new String[] {"hdfs://nn/x.png"}, 2, 20, 24, 3));
        assertTrue(label.getMessage().startsWith("hdfs://nn/x.png: label 2 is outside [0, 2)"), label.getMessage());
        EncodedImages junk = EncodedImages.crops(new byte[][] {{1, 2, 3}}, new int[] {0},
                new String[] {"hdfs://nn/junk.png"}, 1, 20, 24, 3);
        IllegalArgumentException decode = assertThrows(IllegalArgumentException.class, () -> junk.image(0));
        assertTrue(decode.getMessage().startsWith("hdfs://nn/junk.png: its 3 bytes are not an image"),
                decode.getMessage());
        assertEquals(3, good.size());
    }
}

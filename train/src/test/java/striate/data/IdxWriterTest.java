package striate.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Idx's writers: what they write reads back the same, byte for byte in MNIST's layout, and bad labels are refused. */
class IdxWriterTest {
    @TempDir
    Path dir;

    @Test
    void imagesAndLabelsRoundTrip() throws IOException {
        byte[] pixels = new byte[3 * 4 * 5];
        for (int i = 0; i < pixels.length; i++) {
            pixels[i] = (byte) (i * 37);
        }
        Path images = dir.resolve("samples-images-idx3-ubyte");
        Idx.writeImages(images, new IdxImages(3, 4, 5, pixels));
        IdxImages back = Idx.readImages(images);
        assertEquals(3, back.count());
        assertEquals(4, back.rows());
        assertEquals(5, back.cols());
        assertArrayEquals(pixels, back.pixels());
        byte[] raw = Files.readAllBytes(images);
        assertArrayEquals(new byte[] {0, 0, 8, 3, 0, 0, 0, 3, 0, 0, 0, 4, 0, 0, 0, 5}, java.util.Arrays.copyOf(raw, 16));
        assertEquals(16 + 60, raw.length);

        Path labels = dir.resolve("samples-labels-idx1-ubyte");
        int[] y = {0, 9, 255, 3};
        Idx.writeLabels(labels, y);
        assertArrayEquals(y, Idx.readLabels(labels));
        Idx.writeLabels(labels, new int[] {1}); // replaces the file
        assertArrayEquals(new int[] {1}, Idx.readLabels(labels));
        try (var files = Files.list(dir)) {
            assertEquals(2, files.count(), "no temporary file left behind");
        }
    }

    @Test
    void writtenFilesGetTheUsualPermissionsNotOwnerOnly() throws IOException {
        assumeTrue(dir.getFileSystem().supportedFileAttributeViews().contains("posix"));
        Path plain = Files.createFile(dir.resolve("plain"));
        Path images = dir.resolve("images");
        Path labels = dir.resolve("labels");
        Idx.writeImages(images, new IdxImages(1, 2, 2, new byte[4]));
        Idx.writeLabels(labels, new int[] {7});
        assertEquals(Files.getPosixFilePermissions(plain), Files.getPosixFilePermissions(images));
        assertEquals(Files.getPosixFilePermissions(plain), Files.getPosixFilePermissions(labels));
    }

    @Test
    void aLabelOutsideAByteIsRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Idx.writeLabels(dir.resolve("l"), new int[] {0, 256}));
        assertTrue(e.getMessage().contains("label 1 is 256"), e.getMessage());
    }
}

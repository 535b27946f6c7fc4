package striate.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
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
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reading IDX image and label files, plain and gzip, and every way a file can be wrong. */
class IdxTest {
    @TempDir
    Path dir;

    @Test
    void readsPlainImagesAndLabels() throws IOException {
        byte[] pixels = pattern(3, 4, 5);
        pixels[0] = (byte) 255; // unsigned: must read back as 255, not -1
        IdxImages img = Idx.readImages(write(dir.resolve("img"), images(3, 4, 5, pixels)));
        assertEquals(3, img.count());
        assertEquals(4, img.rows());
        assertEquals(5, img.cols());
        assertArrayEquals(pixels, img.pixels());
        assertEquals(255, img.pixel(0, 0, 0));
        assertEquals((2 * 7 + 3 * 5 + 4) % 256, img.pixel(2, 3, 4));

        int[] y = Idx.readLabels(write(dir.resolve("lab"), labels(0, 9, 200, 3)));
        assertArrayEquals(new int[] {0, 9, 200, 3}, y);
    }

    @Test
    void readsGzipDetectedByMagicNotName() throws IOException {
        byte[] pixels = pattern(2, 3, 3);
        Path gzNoSuffix = write(dir.resolve("images-idx3-ubyte"), gzip(images(2, 3, 3, pixels)));
        Path plainWithSuffix = write(dir.resolve("images-idx3-ubyte.gz"), images(2, 3, 3, pixels));
        assertTrue(Idx.isGzip(gzNoSuffix));
        assertFalse(Idx.isGzip(plainWithSuffix));
        assertArrayEquals(pixels, Idx.readImages(gzNoSuffix).pixels());
        assertArrayEquals(pixels, Idx.readImages(plainWithSuffix).pixels());
        assertArrayEquals(new int[] {1, 2, 3}, Idx.readLabels(write(dir.resolve("l.gz"), gzip(labels(1, 2, 3)))));
    }

    @Test
    void readsEmptyImageFile() throws IOException {
        IdxImages img = Idx.readImages(write(dir.resolve("img"), images(0, 28, 28, new byte[0])));
        assertEquals(0, img.count());
        assertEquals(0, img.pixels().length);
    }

    @Test
    void wrongMagicNamesFileAndExpectedMagic() throws IOException {
        Path f = write(dir.resolve("page.html"), "<html>not found</html>........".getBytes());
        DataFileException e = assertThrows(DataFileException.class, () -> Idx.readImages(f));
        assertEquals(f, e.file());
        assertTrue(e.getMessage().contains(f.toString()), e.getMessage());
        assertTrue(e.getMessage().contains("not an IDX file"), e.getMessage());
        assertTrue(e.getMessage().contains("0x00000803"), e.getMessage());
    }

    @Test
    void labelFilePassedAsImagesIsCalledOut() throws IOException {
        Path f = write(dir.resolve("labels"), labels(1, 2, 3));
        DataFileException e = assertThrows(DataFileException.class, () -> Idx.readImages(f));
        assertTrue(e.getMessage().contains("this is a label file"), e.getMessage());
        Path g = write(dir.resolve("images"), images(1, 2, 2, new byte[4]));
        DataFileException e2 = assertThrows(DataFileException.class, () -> Idx.readLabels(g));
        assertTrue(e2.getMessage().contains("this is an image file"), e2.getMessage());
    }

    @Test
    void nonByteElementTypeIsRejected() throws IOException {
        byte[] data = images(1, 2, 2, new byte[4]);
        data[2] = 0x0D; // float
        DataFileException e = assertThrows(DataFileException.class,
                () -> Idx.readImages(write(dir.resolve("f"), data)));
        assertTrue(e.getMessage().contains("element type is 0x0d"), e.getMessage());
    }

    @Test
    void truncatedPlainFileSaysExpectedAndActualSize() throws IOException {
        byte[] full = images(3, 4, 5, pattern(3, 4, 5));
        Path f = write(dir.resolve("img"), Arrays.copyOf(full, full.length - 10));
        DataFileException e = assertThrows(DataFileException.class, () -> Idx.readImages(f));
        String m = e.getMessage();
        assertTrue(m.contains(f.toString()), m);
        assertTrue(m.contains("truncated"), m);
        assertTrue(m.contains("3*4*5 = 60 bytes"), m);
        assertTrue(m.contains("found only 50 data bytes"), m);
    }

    @Test
    void truncatedHeaderIsReported() throws IOException {
        Path f = write(dir.resolve("img"), Arrays.copyOf(images(3, 4, 5, pattern(3, 4, 5)), 10));
        DataFileException e = assertThrows(DataFileException.class, () -> Idx.readImages(f));
        assertTrue(e.getMessage().contains("inside the IDX header"), e.getMessage());
        Path empty = write(dir.resolve("empty"), new byte[0]);
        assertThrows(DataFileException.class, () -> Idx.readLabels(empty));
    }

    @Test
    void trailingBytesAreRejected() throws IOException {
        byte[] full = images(2, 2, 2, new byte[8]);
        Path f = write(dir.resolve("img"), Arrays.copyOf(full, full.length + 3));
        DataFileException e = assertThrows(DataFileException.class, () -> Idx.readImages(f));
        assertTrue(e.getMessage().contains("has 3 byte(s) after"), e.getMessage());
        Path g = write(dir.resolve("lab"), gzip(Arrays.copyOf(labels(1, 2), 12)));
        assertThrows(DataFileException.class, () -> Idx.readLabels(g));
    }

    @Test
    void truncatedGzipIsAClearError() throws IOException {
        // random-ish pixels so the compressed stream is long enough to cut in the middle
        byte[] pixels = new byte[50 * 28 * 28];
        new java.util.Random(1).nextBytes(pixels);
        byte[] gz = gzip(images(50, 28, 28, pixels));
        Path f = write(dir.resolve("img.gz"), Arrays.copyOf(gz, gz.length / 2));
        DataFileException e = assertThrows(DataFileException.class, () -> Idx.readImages(f));
        String m = e.getMessage();
        assertTrue(m.contains(f.toString()), m);
        assertTrue(m.contains("gzip stream is truncated or corrupt"), m);
        assertTrue(m.contains("50*28*28 = 39200 bytes"), m);

        Path header = write(dir.resolve("h.gz"), Arrays.copyOf(gz, 5));
        DataFileException e2 = assertThrows(DataFileException.class, () -> Idx.readImages(header));
        assertTrue(e2.getMessage().contains("gzip header is truncated or corrupt"), e2.getMessage());
    }

    @Test
    void gzipWithoutTrailerOrWithBadCrcIsAnError() throws IOException {
        byte[] gz = gzip(labels(1, 2, 3, 4, 5));
        // the deflate data is complete but the 8-byte CRC/size trailer is cut off
        Path noTrailer = write(dir.resolve("a.gz"), Arrays.copyOf(gz, gz.length - 4));
        assertThrows(DataFileException.class, () -> Idx.readLabels(noTrailer));
        byte[] badCrc = gz.clone();
        badCrc[badCrc.length - 8] ^= 0x55;
        DataFileException e = assertThrows(DataFileException.class,
                () -> Idx.readLabels(write(dir.resolve("b.gz"), badCrc)));
        assertTrue(e.getMessage().contains("gzip stream is truncated or corrupt"), e.getMessage());
    }

    @Test
    void negativeOrZeroDimensionsAreRejected() throws IOException {
        Path neg = write(dir.resolve("neg"), images(-1, 2, 2, new byte[0]));
        assertTrue(assertThrows(DataFileException.class, () -> Idx.readImages(neg)).getMessage()
                .contains("negative"));
        Path zero = write(dir.resolve("zero"), images(1, 0, 2, new byte[0]));
        assertTrue(assertThrows(DataFileException.class, () -> Idx.readImages(zero)).getMessage()
                .contains("rows and cols must be > 0"));
    }

    @Test
    void hugeHeaderIsRejectedBeforeAllocating() throws IOException {
        Path f = write(dir.resolve("huge"), images(Integer.MAX_VALUE, 28, 28, new byte[0]));
        DataFileException e = assertThrows(DataFileException.class, () -> Idx.readImages(f));
        assertTrue(e.getMessage().contains("more than one Java array can hold"), e.getMessage());
    }

    @Test
    void missingFileOrFolderIsADataFileException() {
        Path f = dir.resolve("nope");
        DataFileException e = assertThrows(DataFileException.class, () -> Idx.readImages(f));
        assertTrue(e.getMessage().contains("does not exist"), e.getMessage());
        assertThrows(DataFileException.class, () -> Idx.readLabels(dir));
    }
}

package striate.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.awt.image.IndexColorModel;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import striate.tensor.Device;

/** The class-folder index, decoding (PNG, JPEG, gray, palette, alpha), resize + centre crop, normalization, errors. */
class ImageFolderTest {
    private static final List<Normalization> UNIT3 = List.of(Normalization.UNIT, Normalization.UNIT,
            Normalization.UNIT);

    @TempDir
    Path root;

    private static float expected(int pixel, Normalization n) {
        return (float) ((pixel / 255.0 - n.mean()) / n.std());
    }

    /** Asserts every pixel of the [3, s, s] image is the colour rgb, normalized, within tol. */
    private static void assertColour(float[] x, int rgb, List<Normalization> norm, double tol) {
        int plane = x.length / 3;
        for (int c = 0; c < 3; c++) {
            float want = expected(rgb >> (16 - 8 * c) & 255, norm.get(c));
            for (int p = 0; p < plane; p++) {
                assertEquals(want, x[c * plane + p], tol, "channel " + c + " pixel " + p);
            }
        }
    }

    @Test
    void classesAreTheSortedSubfoldersAndOtherFilesAreIgnored() throws IOException {
        BufferedImage img = ImageFiles.solid(5, 5, 0x808080);
        ImageFiles.write(root, "cat", "c1.png", img);
        ImageFiles.write(root, "cat", "C2.JPG", img);
        ImageFiles.write(root, "ant", "a1.jpeg", img);
        ImageFiles.write(root, "ant", "deeper/a2.Jpeg", img);
        ImageFiles.write(root, "ant", "a3.PNG", img);
        ImageFiles.write(root, "bird", "b1.png", img);
        ImageFiles.bytes(root, "bird", "notes.txt", new byte[] {1, 2});
        ImageFiles.bytes(root, "cat", "._c1.png", new byte[] {0});
        ImageFiles.write(root, ".cache", "x.png", img); // a hidden folder is not a class
        ImageFiles.bytes(root, ".", "LICENSE", new byte[] {1}); // files beside the class folders are not classes

        ImageFolder d = ImageFolder.builder(root).resize(5).crop(3).build();
        assertEquals(List.of("ant", "bird", "cat"), d.classNames());
        assertEquals(3, d.classes());
        assertEquals(6, d.size());
        int[] perClass = new int[3];
        for (int i = 0; i < d.size(); i++) {
            perClass[d.label(i)]++;
            assertEquals(d.classNames().get(d.label(i)), root.relativize(d.file(i)).getName(0).toString());
        }
        assertArrayEquals(new int[] {3, 1, 2}, perClass);
        assertEquals(root.resolve("ant/a1.jpeg"), d.file(0), "files sorted by path within a class");
        assertEquals(2, d.ignoredFiles(), "notes.txt and the hidden ._c1.png");
        assertEquals(List.of(), d.skippedFiles());
        assertEquals(3, d.channels());
        assertEquals(3, d.height());
        assertEquals(3, d.width());
        assertEquals(27, d.image(5).length);
    }

    @Test
    void pngColourIsNormalizedPerChannelAndJpegIsClose() throws IOException {
        int colour = 0xC86432; // 200, 100, 50
        ImageFiles.write(root, "a", "solid.png", ImageFiles.solid(9, 7, colour));
        ImageFiles.write(root, "b", "solid.jpg", ImageFiles.solid(9, 7, colour));
        ImageFolder d = ImageFolder.builder(root).resize(6).crop(4).build();
        assertColour(d.image(0), colour, Normalization.IMAGENET_RGB, 1e-6);
        assertColour(d.image(1), colour, Normalization.IMAGENET_RGB, 3 / 255.0 / 0.224); // JPEG's rounding
        assertEquals(1.3070469f, d.image(0)[0], 1e-6, "(200/255 - 0.485) / 0.229, by hand");

        List<Normalization> custom = List.of(new Normalization(0.5, 0.5), new Normalization(0.1, 2),
                new Normalization(0, 0.25));
        ImageFolder c = ImageFolder.builder(root).resize(6).crop(4).normalization(custom).build();
        assertColour(c.image(0), colour, custom, 1e-6);
    }

    @Test
    void grayPaletteAndAlphaImagesBecomeRgb() throws IOException {
        BufferedImage gray = new BufferedImage(4, 4, BufferedImage.TYPE_BYTE_GRAY);
        BufferedImage gray16 = new BufferedImage(4, 4, BufferedImage.TYPE_USHORT_GRAY);
        BufferedImage rgba = new BufferedImage(4, 4, BufferedImage.TYPE_INT_ARGB);
        byte[] lut = {(byte) 10, (byte) 0x12, (byte) 0xAB};
        BufferedImage palette = new BufferedImage(4, 4, BufferedImage.TYPE_BYTE_INDEXED,
                new IndexColorModel(8, 3, lut, new byte[] {20, 0x34, (byte) 0xCD}, new byte[] {30, 0x56, (byte) 0xEF}));
        for (int y = 0; y < 4; y++) {
            for (int x = 0; x < 4; x++) {
                gray.getRaster().setSample(x, y, 0, 128);
                gray16.getRaster().setSample(x, y, 0, 0x8080);
                rgba.setRGB(x, y, 0x00336699); // fully transparent: the colour is kept, alpha dropped
                palette.getRaster().setSample(x, y, 0, 1);
            }
        }
        ImageFiles.write(root, "a", "gray.png", gray);
        ImageFiles.write(root, "b", "gray16.png", gray16);
        ImageFiles.write(root, "c", "gray.jpg", gray);
        ImageFiles.write(root, "d", "rgba.png", rgba);
        ImageFiles.write(root, "e", "palette.png", palette);
        ImageFolder d = ImageFolder.builder(root).resize(4).crop(2).normalization(UNIT3).build();
        assertColour(d.image(0), 0x808080, UNIT3, 1e-6); // not 188: the raw gray value, as stored
        assertColour(d.image(1), 0x808080, UNIT3, 1e-6);
        assertColour(d.image(2), 0x808080, UNIT3, 2 / 255.0);
        assertColour(d.image(3), 0x336699, UNIT3, 1e-6);
        assertColour(d.image(4), 0x123456, UNIT3, 1e-6);

        ImageFiles.write(root, "f", "colour.png", ImageFiles.solid(4, 4, 0xC86432));
        ImageFolder luma = ImageFolder.builder(root).resize(4).crop(2).channels(1)
                .normalization(List.of(Normalization.UNIT)).build();
        assertEquals(1, luma.channels());
        float[] g = luma.image(0);
        assertEquals(4, g.length);
        for (float v : g) {
            assertEquals(128 / 255f, v, 1e-6);
        }
        for (float v : luma.image(5)) {
            assertEquals((0.299 * 200 + 0.587 * 100 + 0.114 * 50) / 255, v, 1e-6);
        }
    }

    @Test
    void resizeToTheShorterSideThenCentreCrop() throws IOException {
        // 20 x 20 black with a white 4 x 4 square at x 10..13, y 8..11; halved to 10 x 10, the square covers
        // x 5..6, y 4..5; the centred 6 x 6 window starts at (2, 2), so it shows the square at x 3..4, y 2..3
        BufferedImage marked = ImageFiles.solid(20, 20, 0);
        for (int y = 8; y < 12; y++) {
            for (int x = 10; x < 14; x++) {
                marked.setRGB(x, y, 0xFFFFFF);
            }
        }
        ImageFiles.write(root, "a", "marked.png", marked);
        // ramps (red = 6x, green = 6y) 40 x 20 and 20 x 40, halved to 20 x 10 and 10 x 20: each resized pixel is
        // the mean of a 2 x 2 block, so resized column rx has red 12 rx + 3 and row ry has green 12 ry + 3
        ImageFiles.write(root, "b", "wide.png", ImageFiles.ramp(40, 20));
        ImageFiles.write(root, "c", "tall.png", ImageFiles.ramp(20, 40));
        ImageFolder d = ImageFolder.builder(root).resize(10).crop(6).normalization(UNIT3).build();

        float[] x = d.image(0); // [3, 6, 6]
        for (int c = 0; c < 3; c++) {
            for (int y = 0; y < 6; y++) {
                for (int col = 0; col < 6; col++) {
                    boolean inside = y >= 2 && y <= 3 && col >= 3 && col <= 4;
                    assertEquals(inside ? 1f : 0f, x[c * 36 + y * 6 + col], 1e-6, "(" + c + ", " + y + ", " + col
                            + ")");
                }
            }
        }
        float[] wide = d.image(1); // the window at x 7..12 of 20, y 2..7 of 10
        float[] tall = d.image(2); // the window at x 2..7 of 10, y 7..12 of 20
        for (int y = 0; y < 6; y++) {
            for (int col = 0; col < 6; col++) {
                assertEquals((12 * (col + 7) + 3) / 255f, wide[y * 6 + col], 1e-6);
                assertEquals((12 * (y + 2) + 3) / 255f, wide[36 + y * 6 + col], 1e-6);
                assertEquals((12 * (col + 2) + 3) / 255f, tall[y * 6 + col], 1e-6);
                assertEquals((12 * (y + 7) + 3) / 255f, tall[36 + y * 6 + col], 1e-6);
                assertEquals(0f, tall[72 + y * 6 + col]);
            }
        }
    }

    /**
     * The centre crop's offset is torchvision's round((side − crop) / 2), halves to even: a leftover of 3 starts the
     * window at 2 (rounding down gave 1), one of 1 at 0, one of 5 at 2.
     */
    @Test
    void theCentreCropRoundsItsOffsetAsTorchvision() throws IOException {
        int[] widths = {13, 11, 15}; // leftovers 3, 1 and 5 at crop 10; the height, 10, is the shorter side: no resize
        int[] lefts = {2, 0, 2};
        for (int i = 0; i < widths.length; i++) {
            ImageFiles.write(root, "c" + i, "ramp.png", ImageFiles.ramp(widths[i], 10));
        }
        ImageFolder d = ImageFolder.builder(root).resize(10).crop(10).normalization(UNIT3).build();
        for (int i = 0; i < widths.length; i++) {
            float[] x = d.image(i); // [3, 10, 10]; red = 6 · source column
            assertEquals(6 * lefts[i] / 255f, x[0], 1e-6, "width " + widths[i]);
            assertEquals(6 * (lefts[i] + 9) / 255f, x[9], 1e-6, "width " + widths[i]);
        }
    }

    @Test
    void upscalingInterpolatesBetweenNeighbours() throws IOException {
        // 2 x 2 -> 4 x 4: output column ox samples source x = (ox + 0.5) / 2 - 0.5 = -0.25 (clamped), 0.25, 0.75, 1.25
        BufferedImage img = ImageFiles.solid(2, 2, 0);
        img.setRGB(1, 0, 0x640000);
        img.setRGB(1, 1, 0x640000); // red: 0 in column 0, 100 in column 1
        ImageFiles.write(root, "a", "tiny.png", img);
        float[] x = ImageFolder.builder(root).resize(4).crop(4).normalization(UNIT3).build().image(0);
        float[] row = Arrays.copyOfRange(x, 0, 4);
        assertArrayEquals(new float[] {0, 25 / 255f, 75 / 255f, 100 / 255f}, row, 1e-6f);
    }

    @Test
    void corruptFileFailsNamingItUnlessSkipped() throws IOException {
        ImageFiles.write(root, "a", "good.png", ImageFiles.solid(8, 8, 0x102030));
        ImageFiles.write(root, "a", "good2.png", ImageFiles.solid(8, 8, 0x102030));
        byte[] png = Files.readAllBytes(ImageFiles.write(root, "b", "good.png", ImageFiles.solid(8, 8, 0x405060)));
        Path garbage = ImageFiles.bytes(root, "b", "garbage.jpg", "not a jpeg at all".getBytes());
        Path truncated = ImageFiles.bytes(root, "b", "truncated.png", Arrays.copyOf(png, 20));

        ImageFolder d = ImageFolder.builder(root).resize(8).crop(8).build();
        assertEquals(5, d.size(), "without skipping, files are not opened while indexing");
        for (Path bad : List.of(garbage, truncated)) {
            int i = List.of(0, 1, 2, 3, 4).stream().filter(k -> d.file(k).equals(bad)).findFirst().orElseThrow();
            UncheckedIOException e = assertThrows(UncheckedIOException.class, () -> d.image(i));
            DataFileException cause = assertInstanceOf(DataFileException.class, e.getCause());
            assertEquals(bad, cause.file());
            assertTrue(e.getMessage().contains(bad.toString()), e.getMessage());
            assertTrue(e.getMessage().contains("skipUnreadable"), e.getMessage());
        }
        try (DataLoader l = DataLoader.builder(d, Device.reference()).batchSize(2).workers(2).build()) {
            var it = l.epoch(0).iterator();
            it.next(); // a/good.png, a/good2.png; b/garbage.jpg opens batch 1
            DataLoaderException e = assertThrows(DataLoaderException.class, it::next);
            assertTrue(e.getMessage().contains("batch 1 of epoch 0"), e.getMessage());
            assertTrue(e.getMessage().contains(garbage.toString()), e.getMessage());
            assertEquals(garbage, ((DataFileException) e.getCause().getCause()).file());
        }

        ImageFolder skipping = ImageFolder.builder(root).resize(8).crop(8).skipUnreadable(true).build();
        assertEquals(3, skipping.size());
        assertEquals(List.of(garbage, truncated), skipping.skippedFiles());
        assertEquals(List.of(0, 0, 1), List.of(skipping.label(0), skipping.label(1), skipping.label(2)));
        assertColour(skipping.image(2), 0x405060, Normalization.IMAGENET_RGB, 1e-6);
    }

    @Test
    void layoutErrorsNameTheFolder() throws IOException {
        Path missing = root.resolve("nowhere");
        DataFileException e = assertThrows(DataFileException.class, () -> ImageFolder.builder(missing).build());
        assertEquals(missing, e.file());
        assertTrue(e.getMessage().contains("does not exist"), e.getMessage());

        ImageFiles.bytes(root, ".", "stray.png", new byte[] {1});
        e = assertThrows(DataFileException.class, () -> ImageFolder.builder(root).build());
        assertEquals(root, e.file());
        assertTrue(e.getMessage().contains("no class folders"), e.getMessage());

        ImageFiles.write(root, "a", "x.png", ImageFiles.solid(4, 4, 0));
        ImageFiles.bytes(root, "b", "readme.txt", new byte[] {1});
        e = assertThrows(DataFileException.class, () -> ImageFolder.builder(root).resize(4).crop(4).build());
        assertEquals(root.resolve("b"), e.file());
        assertTrue(e.getMessage().contains("no usable"), e.getMessage());

        Files.delete(root.resolve("b/readme.txt"));
        ImageFiles.bytes(root, "b", "broken.png", new byte[] {1, 2, 3});
        assertEquals(2, ImageFolder.builder(root).resize(4).crop(4).build().size());
        e = assertThrows(DataFileException.class,
                () -> ImageFolder.builder(root).resize(4).crop(4).skipUnreadable(true).build());
        assertEquals(root.resolve("b"), e.file(), "a class emptied by skipping is an error too");
        assertTrue(e.getMessage().contains("1 skipped"), e.getMessage());
    }

    @Test
    void optionsAreChecked() throws IOException {
        ImageFiles.write(root, "a", "x.png", ImageFiles.solid(4, 4, 0));
        assertThrows(IllegalArgumentException.class, () -> ImageFolder.builder(root).resize(100).crop(101).build());
        assertThrows(IllegalArgumentException.class, () -> ImageFolder.builder(root).crop(0).build());
        assertThrows(IllegalArgumentException.class, () -> ImageFolder.builder(root).channels(2).build());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ImageFolder.builder(root).channels(1).build());
        assertTrue(e.getMessage().contains("Normalization.UNIT"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> ImageFolder.builder(null));
    }
}

package striate.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** Normalization, in-memory datasets, subsets and seeded train/validation splits. */
class ImageDatasetTest {

    /** n 1x2x2 images; image i holds the value i in every pixel; label i mod 3. */
    static ImageDataset numbered(int n) {
        float[] x = new float[n * 4];
        int[] y = new int[n];
        for (int i = 0; i < n; i++) {
            Arrays.fill(x, i * 4, i * 4 + 4, i);
            y[i] = i % 3;
        }
        return new ImageDataset(x, y, 3, 1, 2, 2);
    }

    @Test
    void normalizationValues() {
        Normalization f = Normalization.FASHION_MNIST;
        assertEquals(0.2860, f.mean());
        assertEquals(0.3530, f.std());
        assertEquals((float) (-0.2860 / 0.3530), f.apply(0));
        assertEquals(-0.8101983f, f.apply(0), 1e-6);
        assertEquals(2.0226629f, f.apply(255), 1e-6);
        assertEquals(-0.4242129f, Normalization.MNIST.apply(0), 1e-6);
        assertEquals(2.8214865f, Normalization.MNIST.apply(255), 1e-6);
        assertEquals(128 / 255f, Normalization.UNIT.apply(128), 1e-7);
        assertEquals(f.apply(77), f.table()[77]);
        assertThrows(IllegalArgumentException.class, () -> new Normalization(0, 0));
    }

    @Test
    void idxImagesAreNormalizedPixelByPixel() {
        byte[] pixels = {0, (byte) 255, 100, 7, 1, 2};
        Normalization n = new Normalization(0.5, 0.25);
        ImageDataset d = ImageDataset.of(new IdxImages(2, 1, 3, pixels), new int[] {1, 0}, 2, n);
        assertEquals(2, d.size());
        assertEquals(3, d.exampleSize());
        assertArrayEquals(new float[] {-2f, 2f, (float) ((100 / 255.0 - 0.5) / 0.25)}, d.image(0));
        assertArrayEquals(new float[] {n.apply(7), n.apply(1), n.apply(2)}, d.image(1));
        float[] dst = new float[5];
        d.image(1, dst, 2);
        assertEquals(n.apply(7), dst[2]);
        assertThrows(IllegalArgumentException.class,
                () -> ImageDataset.of(new IdxImages(2, 1, 3, pixels), new int[] {1}, 2, n));
    }

    @Test
    void constructorChecksSizesAndLabels() {
        assertThrows(IllegalArgumentException.class, () -> new ImageDataset(new float[7], new int[2], 3, 1, 2, 2));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new ImageDataset(new float[8], new int[] {0, 3}, 3, 1, 2, 2));
        assertEquals("label 3 of example 1 is outside [0, 3)", e.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> new ImageDataset(new float[8], new int[] {0, -1}, 3, 1, 2, 2));
    }

    @Test
    void subsetsAreViews() {
        ImageDataset d = numbered(10);
        Dataset s = d.subset(3, 7);
        assertEquals(4, s.size());
        assertEquals(3f, s.image(0)[0]);
        assertEquals(6f, s.image(3)[3]);
        assertEquals(6 % 3, s.label(3));
        assertEquals(2, d.subset(2).size());
        Dataset ss = s.subset(1, 3);
        assertEquals(4f, ss.image(0)[0]);
        assertEquals(5f, ss.image(1)[0]);
        assertEquals(0, d.subset(5, 5).size());
        assertThrows(IndexOutOfBoundsException.class, () -> d.subset(4, 11));
        assertThrows(IndexOutOfBoundsException.class, () -> d.subset(5, 4));
        assertThrows(IndexOutOfBoundsException.class, () -> d.select(new int[] {0, 10}));
        assertThrows(IndexOutOfBoundsException.class, () -> s.select(new int[] {4}));
    }

    @Test
    void splitIsSeededDisjointAndComplete() {
        ImageDataset d = numbered(100);
        Dataset.Split a = d.split(20, 7);
        Dataset.Split b = d.split(20, 7);
        Dataset.Split c = d.split(20, 8);
        assertEquals(80, a.train().size());
        assertEquals(20, a.validation().size());
        int[] va = ids(a.validation());
        assertArrayEquals(va, ids(b.validation()));
        assertNotEquals(Arrays.toString(va), Arrays.toString(ids(c.validation())));
        int[] all = IntStream.concat(Arrays.stream(ids(a.train())), Arrays.stream(va)).sorted().toArray();
        assertArrayEquals(IntStream.range(0, 100).toArray(), all);
        // a random split, not the first or last 20
        assertNotEquals(Arrays.toString(IntStream.range(0, 20).toArray()), Arrays.toString(va));
        assertNotEquals(Arrays.toString(IntStream.range(80, 100).toArray()), Arrays.toString(va));
        assertEquals(va[0] % 3, a.validation().label(0));
        assertThrows(IllegalArgumentException.class, () -> d.split(101, 1));
    }

    private static int[] ids(Dataset d) {
        return IntStream.range(0, d.size()).map(i -> (int) d.image(i)[0]).toArray();
    }
}

package striate.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import striate.tensor.Device;
import striate.tensor.Rng;

/**
 * Random crop + flip: where the windows fall, and that a loader's samples depend only on (seed, epoch, example),
 * whatever the worker count, prefetch depth, batch size or the order epochs are visited in. The images are
 * ramps (red = 6x, green = 6y) whose shorter side is 20, resized to 10, so each resized pixel is the mean of a
 * 2 x 2 block (red 12 rx + 3 in resized column rx, green 12 ry + 3 in row ry) and a crop reveals its position.
 */
class ImageFolderAugmentationTest {
    private static final int CROP = 6;
    private static final List<Normalization> UNIT3 = List.of(Normalization.UNIT, Normalization.UNIT,
            Normalization.UNIT);

    @TempDir
    Path root;
    private ImageFolder plain;
    private ImageFolder augmented;

    @BeforeEach
    void images() throws IOException {
        int[][] sizes = {{40, 20}, {20, 40}, {20, 20}, {30, 20}, {20, 26}};
        for (int k = 0; k < 12; k++) {
            int[] wh = sizes[k % sizes.length];
            ImageFiles.write(root, "class" + k % 3, "img" + k + ".png", ImageFiles.ramp(wh[0], wh[1]));
        }
        plain = ImageFolder.builder(root).resize(10).crop(CROP).normalization(UNIT3).build();
        augmented = plain.augmented();
    }

    /** Where a crop came from in the resized image, read back from its ramp values. */
    record Window(int left, int top, boolean flip) {
    }

    private static int position(float v) {
        int p = Math.round((v * 255 - 3) / 12);
        assertEquals((12 * p + 3) / 255f, v, 1e-6, "a resized ramp value");
        return p;
    }

    /** Reads the window of a [3, CROP, CROP] crop, checking it is one contiguous (possibly mirrored) window. */
    private static Window window(float[] x) {
        int plane = CROP * CROP;
        int first = position(x[0]);
        boolean flip = position(x[1]) < first;
        int top = position(x[plane]);
        for (int y = 0; y < CROP; y++) {
            for (int col = 0; col < CROP; col++) {
                assertEquals(flip ? first - col : first + col, position(x[y * CROP + col]), "red of column " + col);
                assertEquals(top + y, position(x[plane + y * CROP + col]), "green of row " + y);
                assertEquals(0f, x[2 * plane + y * CROP + col]);
            }
        }
        return new Window(flip ? first - CROP + 1 : first, top, flip);
    }

    private float[] sample(Dataset d, int i, long rngSeed) {
        float[] x = new float[d.exampleSize()];
        d.sample(i, x, 0, new Rng(rngSeed));
        return x;
    }

    @Test
    void randomWindowsCoverTheResizedImageAndFlipAboutHalfTheTime() {
        assertEquals(root.resolve("class0/img0.png"), augmented.file(0)); // 40 x 20, resized to 20 x 10
        Set<Integer> lefts = new HashSet<>();
        Set<Integer> tops = new HashSet<>();
        int flips = 0;
        for (long s = 0; s < 400; s++) {
            Window w = window(sample(augmented, 0, s));
            assertTrue(w.left() >= 0 && w.left() <= 20 - CROP && w.top() >= 0 && w.top() <= 10 - CROP, "" + w);
            lefts.add(w.left());
            tops.add(w.top());
            flips += w.flip() ? 1 : 0;
        }
        assertEquals(20 - CROP + 1, lefts.size(), "every horizontal position occurs");
        assertEquals(10 - CROP + 1, tops.size(), "every vertical position occurs");
        assertTrue(flips > 150 && flips < 250, flips + " flips in 400");

        assertEquals(new Window(7, 2, false), window(augmented.image(0)), "image() is the centre crop");
        assertEquals(new Window(7, 2, false), window(sample(plain, 0, 3)), "no augmentation without augmented()");
        assertArrayEquals(sample(augmented, 0, 3), sample(augmented, 0, 3), "the same generator, the same crop");
    }

    @Test
    void subsetsAndSplitsForwardSample() {
        Dataset some = augmented.select(new int[] {3, 1});
        assertArrayEquals(sample(augmented, 3, 9), sample(some, 0, 9));
        assertArrayEquals(sample(augmented, 1, 9), sample(some, 1, 9));
        Dataset.Split split = augmented.split(4, 5);
        int differing = 0;
        for (long s = 0; s < 10; s++) {
            differing += Arrays.equals(sample(split.train(), 0, s), split.train().image(0)) ? 0 : 1;
        }
        assertTrue(differing > 5, "the train part still augments: " + differing + " of 10 differ");
        Dataset.Split plainSplit = plain.split(4, 5);
        assertArrayEquals(plainSplit.validation().image(2), sample(plainSplit.validation(), 2, 1));
    }

    /** Every example's sample in epoch e, by example index, as loaded. */
    private static float[][] epoch(DataLoader l, int e) {
        Dataset d = l.dataset();
        float[][] byExample = new float[d.size()][];
        int[] order = l.order(e);
        int position = 0;
        for (Batch b : l.epoch(e)) {
            float[] x = b.x().toFloatArray();
            int[] y = b.y().toIntArray();
            for (int k = 0; k < b.size(); k++, position++) {
                int i = order[position];
                assertEquals(d.label(i), y[k], "label travels with its image");
                byExample[i] = Arrays.copyOfRange(x, k * d.exampleSize(), (k + 1) * d.exampleSize());
            }
        }
        assertEquals(d.size(), position);
        return byExample;
    }

    @Test
    void loaderSamplesDependOnSeedEpochAndExampleOnly() {
        Device dev = Device.reference();
        try (DataLoader one = DataLoader.builder(augmented, dev).batchSize(5).shuffle(11).build();
                DataLoader three = DataLoader.builder(augmented, dev).batchSize(5).shuffle(11).workers(3).build();
                DataLoader direct = DataLoader.builder(augmented, dev).batchSize(4).shuffle(11).workers(3)
                        .prefetch(0).build();
                DataLoader other = DataLoader.builder(augmented, dev).batchSize(5).shuffle(12).build()) {
            float[][] e2 = epoch(three, 2); // as a resumed run would, start at epoch 2
            float[][] e0 = epoch(three, 0);
            float[][] e1 = epoch(direct, 1);
            for (int e = 0; e < 3; e++) {
                float[][] want = epoch(one, e);
                assertArrayEquals(want, e == 0 ? e0 : e == 1 ? e1 : e2, "epoch " + e);
                for (int i = 0; i < augmented.size(); i++) {
                    float[] x = new float[augmented.exampleSize()];
                    augmented.sample(i, x, 0, DataLoader.exampleRng(11, e, i));
                    assertArrayEquals(x, want[i], "example " + i + " of epoch " + e);
                    window(want[i]);
                }
            }
            assertTrue(differing(e0, e1) > augmented.size() / 2, "a new epoch, new crops");
            assertTrue(differing(e0, epoch(other, 0)) > augmented.size() / 2, "a new seed, new crops");
        }
        try (DataLoader evaluation = DataLoader.builder(plain, dev).batchSize(5).workers(2).build()) {
            float[][] centred = epoch(evaluation, 0);
            for (int i = 0; i < plain.size(); i++) {
                assertArrayEquals(plain.image(i), centred[i]);
                assertFalse(window(centred[i]).flip());
            }
        }
    }

    private static int differing(float[][] a, float[][] b) {
        int n = 0;
        for (int i = 0; i < a.length; i++) {
            n += Arrays.equals(a[i], b[i]) ? 0 : 1;
        }
        return n;
    }
}

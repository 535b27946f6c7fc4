package striate.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import org.junit.jupiter.api.Test;
import striate.data.IdxImages;
import striate.data.ImageDataset;
import striate.data.Normalization;
import striate.models.Autoencoder;
import striate.models.Vae;
import striate.tensor.Device;
import striate.tensor.Rng;
import striate.tensor.Tensor;

/**
 * The images striate vae shows and scores: the standard normal's quantiles of the manifold, test images interleaved
 * row by row with the model's own reconstructions, the manifold's codes, and the 8-bit, normalised FID images.
 */
class VaeImagesTest {
    private static final Device REF = Device.reference();
    private static final int PIXELS = 28 * 28;

    private static ImageDataset images(int n) {
        Rng rng = new Rng(3);
        float[] x = new float[n * PIXELS];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) rng.nextDouble();
        }
        return new ImageDataset(x, new int[n], 1, 1, 28, 28);
    }

    @Test
    void quantilesOfTheStandardNormal() {
        assertEquals(0, VaeImages.inverseNormal(0.5), 1e-12);
        assertEquals(1.959963985, VaeImages.inverseNormal(0.975), 1e-8);
        assertEquals(-1.644853627, VaeImages.inverseNormal(0.05), 1e-8);
        assertEquals(0.8413447461, VaeImages.normalCdf(1), 1e-9);
        assertThrows(IllegalArgumentException.class, () -> VaeImages.inverseNormal(1));
    }

    @Test
    void pairsInterleaveRowsOfTestImagesWithTheirReconstructions() {
        Autoencoder ae = new Autoencoder(28, 28, 8, 3, new Rng(1));
        ImageDataset test = images(7);
        Tensor pairs = new VaeImages(ae, REF).reconstructionPairs(test, 2, 3); // 2 rows of 3 → 12 images
        assertArrayEquals(new long[] {12, 1, 28, 28}, pairs.shape().dims());
        float[] p = pairs.toFloatArray();
        float[] x = new float[6 * PIXELS];
        for (int i = 0; i < 6; i++) {
            test.image(i, x, i * PIXELS);
        }
        float[] y = ae.reconstruct(Tensor.of(REF, x, 6, 1, 28, 28)).toFloatArray();
        for (int row = 0; row < 2; row++) {
            for (int c = 0; c < 3; c++) {
                int image = row * 3 + c;
                assertArrayEquals(slice(x, image), slice(p, 2 * row * 3 + c), "test image " + image);
                assertArrayEquals(slice(y, image), slice(p, (2 * row + 1) * 3 + c), 1e-6f, "reconstruction " + image);
            }
        }
    }

    private static float[] slice(float[] a, int image) {
        return Arrays.copyOfRange(a, image * PIXELS, (image + 1) * PIXELS);
    }

    @Test
    void interpolationsRunFromOneTestImagesCodeToTheNexts() {
        Vae vae = new Vae(28, 28, 8, 3, new Rng(4));
        ImageDataset test = images(4);
        Tensor paths = new VaeImages(vae, REF).interpolations(test, 2, 5);
        assertArrayEquals(new long[] {10, 1, 28, 28}, paths.shape().dims());
        float[] x = new float[4 * PIXELS];
        for (int i = 0; i < 4; i++) {
            test.image(i, x, i * PIXELS);
        }
        Tensor codes = vae.code(Tensor.of(REF, x, 4, 1, 28, 28));         // [4, 3]
        float[] c = codes.toFloatArray();
        float[] p = paths.toFloatArray();
        // row 1 (images 2 and 3): t = 0 is image 2's reconstruction, t = 1 image 3's, t = ½ the decoded midpoint
        float[] mid = new float[3];
        for (int k = 0; k < 3; k++) {
            mid[k] = (float) (0.5 * c[2 * 3 + k] + 0.5 * c[3 * 3 + k]);
        }
        float[] reconstructed = vae.reconstruct(Tensor.of(REF, x, 4, 1, 28, 28)).toFloatArray();
        assertArrayEquals(slice(reconstructed, 2), slice(p, 5), 1e-6f);
        assertArrayEquals(slice(reconstructed, 3), slice(p, 9), 1e-6f);
        assertArrayEquals(vae.decode(Tensor.of(REF, mid, 1, 3)).toFloatArray(), slice(p, 7), 1e-6f);
    }

    @Test
    void theManifoldDecodesAGridOfQuantileCodesAndNeedsATwoWideCode() {
        Vae vae = new Vae(28, 28, 8, 2, new Rng(2));
        Tensor m = new VaeImages(vae, REF).manifold(4);
        assertArrayEquals(new long[] {16, 1, 28, 28}, m.shape().dims());
        double q = VaeImages.inverseNormal(0.125);
        // row 0, column 0: z₁ the lowest quantile, z₂ the highest (z₂ grows upwards)
        float[] corner = vae.decode(Tensor.of(REF, new float[] {(float) q, (float) -q}, 1, 2)).toFloatArray();
        assertArrayEquals(corner, slice(m.toFloatArray(), 0), 1e-6f);
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> new VaeImages(new Vae(28, 28, 8, 3, new Rng(2)), REF).manifold(4));
        assertEquals("a manifold grid needs a 2-wide code, this model's is 3", e.getMessage());
    }

    @Test
    void fidImagesAreEightBitLevelsNormalisedAsFashionMnist() {
        float[] x = new float[PIXELS];
        x[0] = 0;
        x[1] = 1;
        x[2] = 0.5f;        // 127.5 rounds to 128
        x[3] = 1.7f;        // clamped to 255
        x[4] = 100f / 255;
        float[] f = VaeImages.fidImages(new ImageDataset(x, new int[1], 1, 1, 28, 28)).toFloatArray();
        Normalization n = Normalization.FASHION_MNIST;
        assertArrayEquals(new float[] {n.apply(0), n.apply(255), n.apply(128), n.apply(255), n.apply(100)},
                Arrays.copyOf(f, 5));
    }

    @Test
    void theSampleFileHoldsTheSamplesAsEightBitLevels() {
        VaeImages images = new VaeImages(new Vae(28, 28, 8, 3, new Rng(6)), REF);
        IdxImages file = images.sampleFile(5, 11);
        float[] unit = images.samples(5, 11).toFloatArray();
        assertEquals(5, file.count());
        for (int i = 0; i < unit.length; i++) {
            assertEquals(Math.round(unit[i] * 255), file.pixels()[i] & 0xFF, "pixel " + i);
        }
    }
}

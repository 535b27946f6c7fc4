package striate.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import org.junit.jupiter.api.Test;
import striate.data.IdxImages;
import striate.data.Normalization;

/** The one way 8-bit images become FID-LeNet's input ({@code striate fid}, {@code gan} and {@code vae} all use it). */
class FidLeNetImagesTest {
    @Test
    void eightBitLevelsAreNormalisedAsFashionMnistAndOnlyTheFirstNAreTaken() {
        byte[] pixels = new byte[3 * 784];
        pixels[0] = 0;
        pixels[1] = (byte) 255;
        pixels[784] = (byte) 128;
        pixels[2 * 784] = 7; // the third image, left out
        float[] x = FidLeNet.images(pixels, 2).toFloatArray();
        assertArrayEquals(new long[] {2, 1, 28, 28}, FidLeNet.images(pixels, 2).shape().dims());
        Normalization n = Normalization.FASHION_MNIST;
        assertArrayEquals(new float[] {n.apply(0), n.apply(255), n.apply(128)}, new float[] {x[0], x[1], x[784]});
        assertArrayEquals(x, FidLeNet.images(new IdxImages(2, 28, 28, Arrays.copyOf(pixels, 2 * 784)))
                .toFloatArray());
    }

    @Test
    void tooFewPixelsOrAnotherSizeIsAnError() {
        assertThrows(IllegalArgumentException.class, () -> FidLeNet.images(new byte[784], 2));
        assertThrows(IllegalArgumentException.class, () -> FidLeNet.images(new IdxImages(1, 32, 32, new byte[1024])));
    }
}

package striate.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.util.List;
import org.junit.jupiter.api.Test;
import striate.op.ConvParams;
import striate.tensor.Shape;



/**
 * The few-taps convolution ({@code NARROW}) in all three directions against the reference backend: the DCGAN's
 * one-channel edge layers (D's 1→64 4x4/2 pad 1 on 28x28; G's last transposed conv is the adjoint of a 1→128 one),
 * and an odd shape whose tap count (2·3·3), filter count (35, above the pixel kernel's 32) and pixel count (6·5)
 * leave every loop a remainder; the kernel trace shows narrow ran, and the results are bit-identical with 1, 2 and
 * 3 intra-op threads.
 */
class NarrowConv2dTest {
    private static final List<ConvCase> CASES = List.of(
            new ConvCase("DCGAN D 4x4/2 pad 1, 1→64, 28x28, batch 5", Shape.of(5, 1, 28, 28), Shape.of(64, 1, 4, 4),
                    ConvParams.of(2, 1)),
            new ConvCase("DCGAN G's adjoint 4x4/2 pad 1, 1→128, 28x28, batch 3", Shape.of(3, 1, 28, 28),
                    Shape.of(128, 1, 4, 4), ConvParams.of(2, 1)),
            new ConvCase("3x3 pad 1, 2→35, 6x5, batch 4", Shape.of(4, 2, 6, 5), Shape.of(35, 2, 3, 3), ConvParams.of(1, 1)));

    @Test
    void allThreeDirectionsMatchTheReference() {
        CASES.forEach(c -> c.assertCpuMatchesReferenceOn("narrow"));
    }

    @Test
    void resultsDoNotDependOnTheThreadCount() {
        // 21 images: the filter gradient's panels (3 images each) are more than the threads, and ragged.
        ConvCase c = new ConvCase("DCGAN D 4x4/2 pad 1, 1→64, 28x28, batch 21", Shape.of(21, 1, 28, 28),
                Shape.of(64, 1, 4, 4), ConvParams.of(2, 1));
        float[] one = c.threeDirections(1);
        assertArrayEquals(one, c.threeDirections(2));
        assertArrayEquals(one, c.threeDirections(3));
    }
}

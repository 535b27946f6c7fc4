package striate.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;
import striate.tensor.Device;
import striate.tensor.Tensor;
import striate.testing.Fixtures;

/**
 * Which sums take the two-pass path, without a GPU: a contiguous x whose kept axes are one run of two or more
 * elements reads as [a, c, b]; anything else (a strided view, two kept runs, one kept element) keeps the
 * one-block-per-output kernel. {@code CudaReductionPathsTest} runs both paths on a GPU.
 */
class CudaReduceTest {
    private static final Device CPU = Device.parse("cpu");

    private static CudaReduce.Middle middle(boolean[] reduced, Tensor x) {
        return CudaReduce.Middle.of(reduced, x);
    }

    @Test
    void biasGradientsReadAsChannelsBetweenReducedAxes() {
        Tensor conv = Fixtures.uniform(CPU, 1, -1, 1, 4, 6, 5, 3);
        assertEquals(new CudaReduce.Middle(4, 6, 15), middle(new boolean[] {true, false, true, true}, conv));
        Tensor linear = Fixtures.uniform(CPU, 2, -1, 1, 8, 10);
        assertEquals(new CudaReduce.Middle(8, 10, 1), middle(new boolean[] {true, false}, linear));
        assertEquals(new CudaReduce.Middle(1, 8, 10), middle(new boolean[] {false, true}, linear), "row sums");
        assertEquals(new CudaReduce.Middle(4, 30, 3), middle(new boolean[] {true, false, false, true}, conv),
                "a kept run of two axes");
    }

    @Test
    void otherSumsKeepTheGeneralKernel() {
        Tensor x = Fixtures.uniform(CPU, 3, -1, 1, 4, 6, 5);
        assertNull(middle(new boolean[] {false, true, false}, x), "two kept runs");
        assertNull(middle(new boolean[] {true, true, true}, x), "a full sum: one kept element");
        assertNull(middle(new boolean[] {true, false, true}, Fixtures.uniform(CPU, 4, -1, 1, 4, 1, 5)),
                "one kept element");
        assertNull(middle(new boolean[] {true, false, true}, x.transpose(0, 2)), "a strided view");
    }
}

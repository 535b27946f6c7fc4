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
 * general kernel, whose sums with few outputs and long rows split each row into runs (chunks). {@code
 * CudaReductionPathsTest} runs the paths on a GPU.
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

    private static int chunks(long outer, long inner) {
        return CudaReduce.chunks(new CudaReduce.Plan(new long[] {outer, inner}, new long[] {inner, 1}, outer, inner));
    }

    @Test
    void longRowsWithFewOutputsSplitIntoRunsOfAtLeast4096() {
        assertEquals(1024, chunks(1, 1L << 26), "a full sum of 2^26: about 1024 blocks");
        assertEquals(22, chunks(1, 300 * 301), "90,300 elements: runs of at least 4096");
        assertEquals(1, chunks(1, 8191), "a row shorter than two runs keeps one block");
        assertEquals(2, chunks(1, 8192));
        assertEquals(8, chunks(128, 1L << 20), "128 outputs: 8 runs each, 1024 blocks");
        assertEquals(1, chunks(256, 1L << 20), "256 outputs fill the GPU by themselves");
        assertEquals(1024, chunks(1, 1L << 40), "never more runs than the target's blocks");
    }
}

package striate.cuda;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import striate.backend.KernelTrace;
import striate.op.Pool2dBackwardOp;
import striate.op.PoolMode;
import striate.op.PoolParams;
import striate.tensor.Device;
import striate.tensor.Tensor;
import striate.testing.Fixtures;

/**
 * The two-pass sums and the argmax max-pool gradient on cuda:0 against the reference backend: bias-gradient shapes
 * of AlexNet and LeNet-5 (rows of b ≥ 32, aligned or not for four-float loads; short rows summed as columns; a
 * fully connected layer's [n, c]), each run twice for the same bits, with the path named in the kernel trace; and
 * max pooling's gradient with overlapping windows, padding and ties.
 */
@Tag("gpu")
class CudaReductionPathsTest {
    private static final Device CUDA = Device.cuda(0);

    private static void assertSumMatches(String path, int[] axes, long... dims) {
        assertSumMatches(path, axes, Fixtures.uniform(CUDA, dims.length, -1, 1, dims));
    }

    private static void assertSumMatches(String path, int[] axes, Tensor x) {
        long[] dims = x.shape().dims();
        Tensor want = x.to(Device.reference()).sum(axes, false);
        Tensor got;
        try (KernelTrace.Recorder r = KernelTrace.record()) {
            got = x.sum(axes, false);
            List<KernelTrace.Event> events = r.events();
            assertEquals(path, events.getLast().path(), "the path of " + java.util.Arrays.toString(dims));
        }
        float[] g = got.toFloatArray();
        float[] w = want.toFloatArray();
        long summed = x.size() / g.length;
        for (int j = 0; j < w.length; j++) {
            assertEquals(w[j], g[j], 1e-6 * summed, "element " + j + " of the sum of " + java.util.Arrays.toString(dims));
        }
        assertArrayEquals(g, x.sum(axes, false).toFloatArray(), "the same bits again");
    }

    @Test
    void biasGradientsSumInTwoPasses() {
        Gpu.backend();
        assertSumMatches("channels", new int[] {0, 2, 3}, 128, 64, 55, 55); // AlexNet conv1: rows of 3,025
        assertSumMatches("channels", new int[] {0, 2, 3}, 32, 16, 8, 8); // rows of 64: four-float loads
        assertSumMatches("channels", new int[] {0, 2, 3}, 3, 5, 7, 7); // fewer rows than splits
        assertSumMatches("columns", new int[] {0, 2, 3}, 64, 16, 5, 5); // LeNet-5 conv2: rows of 25
        assertSumMatches("columns", new int[] {0}, 128, 4096); // a fully connected layer
        assertSumMatches("columns", new int[] {1}, 7, 9); // row sums with a = 1
        assertSumMatches("chunks", new int[] {0, 1}, 300, 301); // a full sum: 22 runs of 4,105 or 4,104
        // three long rows of a strided view (a contiguous one reads as [a, c, b]): 256 runs of 4,096 each
        assertSumMatches("chunks", new int[] {1}, Fixtures.uniform(CUDA, 2, -1, 1, 1 << 20, 3).transpose(0, 1));
        assertSumMatches("blocks", new int[] {0, 1}, 30, 31); // a short full sum keeps the one-block kernel
        // a strided view's 300 outputs fill the GPU by themselves: one block each
        assertSumMatches("blocks", new int[] {0}, Fixtures.uniform(CUDA, 3, -1, 1, 300, 5000).transpose(0, 1));
    }

    /**
     * A sum of 2^24 copies of 0.1f: float accumulators per thread drift by about 6e-4 of it; the double ones add it
     * exactly, so the result is the reference's (which adds in double) bit for bit.
     */
    @Test
    void longSumsAddInDouble() {
        Gpu.backend();
        float[] tenths = new float[1 << 24];
        java.util.Arrays.fill(tenths, 0.1f);
        Tensor x = Tensor.of(CUDA, tenths);
        double want = Tensor.of(Device.reference(), tenths).sum().item();
        try (KernelTrace.Recorder r = KernelTrace.record()) {
            assertEquals(want, x.sum().item(), "the chunks' sum");
            assertEquals("chunks", r.events().getLast().path());
        }
        float[] columns = x.reshape(1 << 12, 1 << 12).sum(new int[] {0}, false).toFloatArray();
        double column = Tensor.of(Device.reference(), new float[1 << 12]).add(0.1f).sum().item();
        for (float v : columns) {
            assertEquals(column, v, "a column of 4,096 tenths, two passes in double");
        }
    }

    @Test
    void maxPoolGradientGathersThroughEachWindowsArgmax() {
        Gpu.backend();
        for (PoolParams p : List.of(PoolParams.of(3, 2), PoolParams.of(2, 2),
                new PoolParams(3, 3, 2, 2, 1, 1, true), new PoolParams(2, 3, 1, 2, 0, 1, true))) {
            // values on a coarse grid, so windows often hold equal maxima and the first one must win
            float[] values = new float[4 * 3 * 13 * 13];
            for (int i = 0; i < values.length; i++) {
                values[i] = (i * 7 + i / 13) % 5;
            }
            Tensor x = Tensor.of(CUDA, values, 4, 3, 13, 13);
            long oh = (13 + 2L * p.padH() - p.kernelH()) / p.strideH() + 1;
            long ow = (13 + 2L * p.padW() - p.kernelW()) / p.strideW() + 1;
            Tensor dy = Fixtures.uniform(CUDA, 12, -1, 1, 4, 3, oh, ow);
            Pool2dBackwardOp op = new Pool2dBackwardOp(PoolMode.MAX, p);
            float[] got = Tensor.apply(op, x, dy).toFloatArray();
            float[] want = Tensor.apply(op, x.to(Device.reference()), dy.to(Device.reference())).toFloatArray();
            for (int i = 0; i < want.length; i++) {
                assertEquals(want[i], got[i], 1e-6, "dx[" + i + "] with " + p);
            }
            double total = 0;
            for (float v : got) {
                total += v;
            }
            double dyTotal = 0;
            for (float v : dy.toFloatArray()) {
                dyTotal += v;
            }
            assertEquals(dyTotal, total, 1e-3, "every window's gradient lands on one cell, with " + p);
        }
    }
}

package striate.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import striate.op.ConvParams;
import striate.tensor.Shape;



/**
 * The row-layout convolution ({@code IM2ROW}, channels-last rows) in all three directions against the reference
 * backend, on shapes with few output pixels per image: the DCGAN's 4x4/2 pad 1 on 14x14 over a batch that leaves a
 * ragged last panel, and groups with dilation; the kernel trace shows im2row ran, the results are bit-identical
 * with 1, 2 and 3 intra-op threads (a filter larger than one run of the in-order panel sum), and a second call
 * reuses the panels' arrays instead of allocating them.
 */
class Im2rowConv2dTest {
    private static final List<ConvCase> CASES = List.of(
            new ConvCase("DCGAN 4x4/2 pad 1, 32→48, 14x14, batch 13", Shape.of(13, 32, 14, 14),
                    Shape.of(48, 32, 4, 4), ConvParams.of(2, 1)),
            new ConvCase("3x2 dilation 2x1 pad 2x1, 2 groups, 6→8, 6x5, batch 11", Shape.of(11, 6, 6, 5),
                    Shape.of(8, 3, 3, 2), new ConvParams(1, 1, 2, 1, 2, 1, 2)));

    @Test
    void allThreeDirectionsMatchTheReference() {
        CASES.forEach(c -> c.assertCpuMatchesReferenceOn("im2row"));
    }

    @Test
    void resultsDoNotDependOnTheThreadCount() {
        // D's second conv at full width: its filter (128·64·16 elements) spans several runs of the panel sum.
        ConvCase c = new ConvCase("DCGAN 4x4/2 pad 1, 64→128, 14x14, batch 21", Shape.of(21, 64, 14, 14),
                Shape.of(128, 64, 4, 4), ConvParams.of(2, 1));
        float[] one = c.threeDirections(1);
        assertArrayEquals(one, c.threeDirections(2));
        assertArrayEquals(one, c.threeDirections(3));
    }

    @Test
    void aRepeatedCallAllocatesNoPanelArrays() {
        // The panels' arrays (here 1.2 MB of columns per panel) are per-thread scratch after the first call.
        ConvCase c = new ConvCase("DCGAN 4x4/2 pad 1, 64→128, 14x14, batch 21", Shape.of(21, 64, 14, 14),
                Shape.of(128, 64, 4, 4), ConvParams.of(2, 1));
        Runnable all = ConvCase.Rig.of(1, c).directions();
        all.run();
        com.sun.management.ThreadMXBean threads =
                (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        long before = threads.getCurrentThreadAllocatedBytes();
        all.run();
        long allocated = threads.getCurrentThreadAllocatedBytes() - before;
        assertTrue(allocated < 256 * 1024, "bytes allocated by a second round of the three directions: " + allocated);
    }
}

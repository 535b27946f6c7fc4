package striate.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import striate.backend.KernelTrace;
import striate.op.Conv2dBackwardDataOp;
import striate.op.Conv2dBackwardFilterOp;
import striate.op.Conv2dOp;
import striate.op.ConvParams;
import striate.tensor.DType;
import striate.tensor.Device;
import striate.tensor.Shape;
import striate.tensor.Tensor;
import striate.testing.Fixtures;
import striate.testing.Tolerance;

/**
 * The row-layout convolution ({@code IM2ROW}, channels-last rows) in all three directions against the reference
 * backend, on shapes with few output pixels per image: the DCGAN's 4x4/2 pad 1 on 14x14 over a batch that leaves a
 * ragged last panel, and groups with dilation; the kernel trace shows im2row ran, the results are bit-identical
 * with 1, 2 and 3 intra-op threads (a filter larger than one run of the in-order panel sum), and a second call
 * reuses the panels' arrays instead of allocating them.
 */
class Im2rowConv2dTest {
    /** x [n, c, h, w], W [k, c/groups, kh, kw], the parameters. */
    private record Case(String name, Shape x, Shape w, ConvParams p) {
        Shape y() {
            return new Conv2dOp(p).inferShape(x, w);
        }
    }

    private static final List<Case> CASES = List.of(
            new Case("DCGAN 4x4/2 pad 1, 32→48, 14x14, batch 13", Shape.of(13, 32, 14, 14), Shape.of(48, 32, 4, 4),
                    ConvParams.of(2, 1)),
            new Case("3x2 dilation 2x1 pad 2x1, 2 groups, 6→8, 6x5, batch 11", Shape.of(11, 6, 6, 5),
                    Shape.of(8, 3, 3, 2), new ConvParams(1, 1, 2, 1, 2, 1, 2)));

    @Test
    void allThreeDirectionsMatchTheReference() {
        for (Case c : CASES) {
            Tensor[] ref = directions(Device.reference(), c);
            Tensor[] cpu;
            try (KernelTrace.Recorder r = KernelTrace.record()) {
                cpu = directions(Device.cpu(), c);
                assertEquals(List.of("im2row", "im2row", "im2row"),
                        r.events().stream().map(KernelTrace.Event::path).toList(), c.name() + ": the paths");
            }
            Tolerance.of(Conv2dOp.class, DType.F32).assertClose(c.name() + ": y", ref[0], cpu[0]);
            Tolerance.of(Conv2dBackwardDataOp.class, DType.F32).assertClose(c.name() + ": dx", ref[1], cpu[1]);
            Tolerance.of(Conv2dBackwardFilterOp.class, DType.F32).assertClose(c.name() + ": dW", ref[2], cpu[2]);
        }
    }

    @Test
    void resultsDoNotDependOnTheThreadCount() {
        // D's second conv at full width: its filter (128·64·16 elements) spans several runs of the panel sum.
        Case c = new Case("DCGAN 4x4/2 pad 1, 64→128, 14x14, batch 21", Shape.of(21, 64, 14, 14),
                Shape.of(128, 64, 4, 4), ConvParams.of(2, 1));
        float[] one = threeDirections(1, c);
        assertArrayEquals(one, threeDirections(2, c));
        assertArrayEquals(one, threeDirections(3, c));
    }

    @Test
    void aRepeatedCallAllocatesNoPanelArrays() {
        // The panels' arrays (here 1.2 MB of columns per panel) are per-thread scratch after the first call.
        Case c = new Case("DCGAN 4x4/2 pad 1, 64→128, 14x14, batch 21", Shape.of(21, 64, 14, 14),
                Shape.of(128, 64, 4, 4), ConvParams.of(2, 1));
        Runnable all = Rig.of(1, c).directions();
        all.run();
        com.sun.management.ThreadMXBean threads =
                (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        long before = threads.getCurrentThreadAllocatedBytes();
        all.run();
        long allocated = threads.getCurrentThreadAllocatedBytes() - before;
        assertTrue(allocated < 256 * 1024, "bytes allocated by a second round of the three directions: " + allocated);
    }

    /** y = conv(x, W), dx and dW for a dy, on {@code device}. */
    private static Tensor[] directions(Device device, Case c) {
        Tensor x = Fixtures.uniform(device, 1, c.x());
        Tensor w = Fixtures.uniform(device, 2, c.w());
        Tensor dy = Fixtures.uniform(device, 3, c.y());
        return new Tensor[] {Tensor.apply(new Conv2dOp(c.p()), x, w),
            Tensor.apply(new Conv2dBackwardDataOp(c.p(), c.x()), dy, w),
            Tensor.apply(new Conv2dBackwardFilterOp(c.p(), c.w()), x, dy)};
    }

    /** The three directions' outputs, one after the other, from a CpuConv2d with {@code threads} intra-op threads. */
    private static float[] threeDirections(int threads, Case c) {
        Rig rig = Rig.of(threads, c);
        rig.directions().run();
        return Tensor.cat(0, rig.y().reshape(-1), rig.dx().reshape(-1), rig.dw().reshape(-1)).toFloatArray();
    }

    /** A CpuConv2d with {@code threads} intra-op threads whose three directions of {@code c} write y, dx and dw. */
    private record Rig(Runnable directions, Tensor y, Tensor dx, Tensor dw) {
        static Rig of(int threads, Case c) {
            IntraOpPool pool = new IntraOpPool(threads);
            Sgemm sgemm = Sgemm.fromSystemProperties(message -> { });
            CpuConv2d conv = new CpuConv2d(pool, sgemm, new CpuMatMul(pool, sgemm));
            Tensor x = Fixtures.uniform(Device.cpu(), 1, c.x());
            Tensor w = Fixtures.uniform(Device.cpu(), 2, c.w());
            Tensor dy = Fixtures.uniform(Device.cpu(), 3, c.y());
            Tensor y = zeros(c.y());
            Tensor dx = zeros(c.x());
            Tensor dw = zeros(c.w());
            return new Rig(() -> {
                conv.forward().run(new Conv2dOp(c.p()), new Tensor[] {x, w}, y);
                conv.backwardData().run(new Conv2dBackwardDataOp(c.p(), c.x()), new Tensor[] {dy, w}, dx);
                conv.backwardFilter().run(new Conv2dBackwardFilterOp(c.p(), c.w()), new Tensor[] {x, dy}, dw);
            }, y, dx, dw);
        }
    }

    private static Tensor zeros(Shape s) {
        return Tensor.zeros(Device.cpu(), DType.F32, s.dims());
    }
}

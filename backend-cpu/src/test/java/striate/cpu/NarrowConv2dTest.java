package striate.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

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
 * The few-taps convolution ({@code NARROW}) in all three directions against the reference backend: the DCGAN's
 * one-channel edge layers (D's 1→64 4x4/2 pad 1 on 28x28; G's last transposed conv is the adjoint of a 1→128 one),
 * and an odd shape whose tap count (2·3·3), filter count (35, above the pixel kernel's 32) and pixel count (6·5)
 * leave every loop a remainder; the kernel trace shows narrow ran, and the results are bit-identical with 1, 2 and
 * 3 intra-op threads.
 */
class NarrowConv2dTest {
    /** x [n, c, h, w], W [k, c, kh, kw], the parameters. */
    private record Case(String name, Shape x, Shape w, ConvParams p) {
        Shape y() {
            return new Conv2dOp(p).inferShape(x, w);
        }
    }

    private static final List<Case> CASES = List.of(
            new Case("DCGAN D 4x4/2 pad 1, 1→64, 28x28, batch 5", Shape.of(5, 1, 28, 28), Shape.of(64, 1, 4, 4),
                    ConvParams.of(2, 1)),
            new Case("DCGAN G's adjoint 4x4/2 pad 1, 1→128, 28x28, batch 3", Shape.of(3, 1, 28, 28),
                    Shape.of(128, 1, 4, 4), ConvParams.of(2, 1)),
            new Case("3x3 pad 1, 2→35, 6x5, batch 4", Shape.of(4, 2, 6, 5), Shape.of(35, 2, 3, 3), ConvParams.of(1, 1)));

    @Test
    void allThreeDirectionsMatchTheReference() {
        for (Case c : CASES) {
            Tensor[] ref = directions(Device.reference(), c);
            Tensor[] cpu;
            try (KernelTrace.Recorder r = KernelTrace.record()) {
                cpu = directions(Device.cpu(), c);
                assertEquals(List.of("narrow", "narrow", "narrow"),
                        r.events().stream().map(KernelTrace.Event::path).toList(), c.name() + ": the paths");
            }
            Tolerance.of(Conv2dOp.class, DType.F32).assertClose(c.name() + ": y", ref[0], cpu[0]);
            Tolerance.of(Conv2dBackwardDataOp.class, DType.F32).assertClose(c.name() + ": dx", ref[1], cpu[1]);
            Tolerance.of(Conv2dBackwardFilterOp.class, DType.F32).assertClose(c.name() + ": dW", ref[2], cpu[2]);
        }
    }

    @Test
    void resultsDoNotDependOnTheThreadCount() {
        // 21 images: the filter gradient's panels (3 images each) are more than the threads, and ragged.
        Case c = new Case("DCGAN D 4x4/2 pad 1, 1→64, 28x28, batch 21", Shape.of(21, 1, 28, 28),
                Shape.of(64, 1, 4, 4), ConvParams.of(2, 1));
        float[] one = threeDirections(1, c);
        assertArrayEquals(one, threeDirections(2, c));
        assertArrayEquals(one, threeDirections(3, c));
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

    /** The three directions' outputs from a CpuConv2d with {@code threads} intra-op threads, one after the other. */
    private static float[] threeDirections(int threads, Case c) {
        IntraOpPool pool = new IntraOpPool(threads);
        Sgemm sgemm = Sgemm.fromSystemProperties(message -> { });
        CpuConv2d conv = new CpuConv2d(pool, sgemm, new CpuMatMul(pool, sgemm));
        Tensor x = Fixtures.uniform(Device.cpu(), 1, c.x());
        Tensor w = Fixtures.uniform(Device.cpu(), 2, c.w());
        Tensor dy = Fixtures.uniform(Device.cpu(), 3, c.y());
        Tensor y = zeros(c.y());
        Tensor dx = zeros(c.x());
        Tensor dw = zeros(c.w());
        conv.forward().run(new Conv2dOp(c.p()), new Tensor[] {x, w}, y);
        conv.backwardData().run(new Conv2dBackwardDataOp(c.p(), c.x()), new Tensor[] {dy, w}, dx);
        conv.backwardFilter().run(new Conv2dBackwardFilterOp(c.p(), c.w()), new Tensor[] {x, dy}, dw);
        return Tensor.cat(0, y.reshape(-1), dx.reshape(-1), dw.reshape(-1)).toFloatArray();
    }

    private static Tensor zeros(Shape s) {
        return Tensor.zeros(Device.cpu(), DType.F32, s.dims());
    }
}

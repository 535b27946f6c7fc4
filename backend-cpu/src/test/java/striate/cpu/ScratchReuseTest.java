package striate.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import striate.op.Conv2dBackwardFilterOp;
import striate.op.Conv2dOp;
import striate.op.ConvParams;
import striate.op.Pool2dBackwardOp;
import striate.op.Pool2dOp;
import striate.op.PoolMode;
import striate.op.PoolParams;
import striate.tensor.DType;
import striate.tensor.Device;
import striate.tensor.Shape;
import striate.tensor.Tensor;
import striate.testing.Fixtures;

/**
 * The direct, pixel and pooling kernels keep their per-call arrays as per-thread {@link Scratch}, reused from call
 * to call and across shapes. Their padded borders, the dy rows' tails and the pooling gradient's uncovered cells
 * must still read as zero: a call on one shape, then a call on another shape with large values (which leaves them
 * in the arrays), then the first call again gives the first call's bits and agrees with the reference backend.
 */
class ScratchReuseTest {
    private final IntraOpPool pool = new IntraOpPool(1);
    private final Sgemm sgemm = Sgemm.fromSystemProperties(message -> { });
    private final CpuConv2d conv = new CpuConv2d(pool, sgemm, new CpuMatMul(pool, sgemm));
    private final CpuPool2d pooling = new CpuPool2d(pool);

    @Test
    void directConvolutionAfterAnotherShapeGivesTheSameBits() {
        // LeNet's C1 (direct: 1 → 6, 5×5, pad 2), then a wider padded direct convolution over values of ±1000.
        float[][] first = convolution(Shape.of(5, 1, 28, 28), Shape.of(6, 1, 5, 5), ConvParams.of(1, 2), 1);
        convolution(Shape.of(3, 3, 30, 30), Shape.of(4, 3, 3, 3), ConvParams.of(1, 1), 1000);
        float[][] again = convolution(Shape.of(5, 1, 28, 28), Shape.of(6, 1, 5, 5), ConvParams.of(1, 2), 1);
        assertArrayEquals(first[0], again[0], "forward");
        assertArrayEquals(first[1], again[1], "filter gradient");
        assertReference(Shape.of(5, 1, 28, 28), Shape.of(6, 1, 5, 5), ConvParams.of(1, 2), again);
    }

    @Test
    void pixelConvolutionAfterAnotherShapeGivesTheSameBits() {
        // A padded pixel convolution (few output channels, too many taps for direct), after a larger one.
        Shape x = Shape.of(4, 6, 9, 9);
        Shape w = Shape.of(16, 6, 5, 5);
        float[][] first = convolution(x, w, ConvParams.of(1, 1), 1);
        convolution(Shape.of(7, 6, 14, 14), Shape.of(16, 6, 5, 5), ConvParams.of(1, 2), 1000);
        float[][] again = convolution(x, w, ConvParams.of(1, 1), 1);
        assertArrayEquals(first[0], again[0], "forward");
        assertReference(x, w, ConvParams.of(1, 1), again);
    }

    @Test
    void maxPoolingGradientLeavesUncoveredCellsZero() {
        // 5×5 planes under 2×2 windows of stride 2: the last row and column belong to no window.
        Shape x = Shape.of(2, 3, 5, 5);
        float[] first = poolGradient(x, 1);
        poolGradient(Shape.of(4, 8, 12, 12), 1000);
        float[] again = poolGradient(x, 1);
        assertArrayEquals(first, again);
        PoolParams p = PoolParams.of(2, 2);
        Tensor in = Fixtures.uniform(Device.reference(), 1, x);
        Tensor dy = Fixtures.uniform(Device.reference(), 2, new Pool2dOp(PoolMode.MAX, p).inferShape(x));
        assertArrayEquals(Tensor.apply(new Pool2dBackwardOp(PoolMode.MAX, p), in, dy).toFloatArray(), again);
    }

    /** y = conv(x, W) and dW for dy = 1, on the cpu kernels under test; inputs uniform in ±scale. */
    private float[][] convolution(Shape xs, Shape ws, ConvParams p, float scale) {
        Tensor x = Fixtures.uniform(Device.cpu(), 1, -scale, scale, xs.dims());
        Tensor w = Fixtures.uniform(Device.cpu(), 2, -scale, scale, ws.dims());
        Shape ys = new Conv2dOp(p).inferShape(xs, ws);
        Tensor y = Tensor.zeros(Device.cpu(), DType.F32, ys.dims());
        Tensor dw = Tensor.zeros(Device.cpu(), DType.F32, ws.dims());
        conv.forward().run(new Conv2dOp(p), new Tensor[] {x, w}, y);
        Tensor dy = Fixtures.uniform(Device.cpu(), 3, ys);
        conv.backwardFilter().run(new Conv2dBackwardFilterOp(p, ws), new Tensor[] {x, dy}, dw);
        return new float[][] {y.toFloatArray(), dw.toFloatArray()};
    }

    /** The 2×2 stride-2 max pooling's dx for x uniform in ±scale and a uniform dy, on the kernel under test. */
    private float[] poolGradient(Shape xs, float scale) {
        PoolParams p = PoolParams.of(2, 2);
        Tensor x = Fixtures.uniform(Device.cpu(), 1, -scale, scale, xs.dims());
        Shape ys = new Pool2dOp(PoolMode.MAX, p).inferShape(xs);
        Tensor y = Tensor.zeros(Device.cpu(), DType.F32, ys.dims());
        pooling.forward().run(new Pool2dOp(PoolMode.MAX, p), new Tensor[] {x}, y);
        Tensor dy = Fixtures.uniform(Device.cpu(), 2, ys);
        Tensor dx = Tensor.zeros(Device.cpu(), DType.F32, xs.dims());
        pooling.backward().run(new Pool2dBackwardOp(PoolMode.MAX, p), new Tensor[] {x, dy}, dx);
        return dx.toFloatArray();
    }

    /** The cpu results agree with the reference backend's forward and filter gradient within float32 rounding. */
    private static void assertReference(Shape xs, Shape ws, ConvParams p, float[][] cpu) {
        Tensor x = Fixtures.uniform(Device.reference(), 1, -1, 1, xs.dims());
        Tensor w = Fixtures.uniform(Device.reference(), 2, -1, 1, ws.dims());
        Tensor dy = Fixtures.uniform(Device.reference(), 3, new Conv2dOp(p).inferShape(xs, ws));
        float[] y = Tensor.apply(new Conv2dOp(p), x, w).toFloatArray();
        float[] dw = Tensor.apply(new Conv2dBackwardFilterOp(p, ws), x, dy).toFloatArray();
        for (int i = 0; i < y.length; i++) {
            assertTrue(Math.abs(y[i] - cpu[0][i]) <= 1e-4f * (1 + Math.abs(y[i])), "y[" + i + "]");
        }
        for (int i = 0; i < dw.length; i++) {
            assertTrue(Math.abs(dw[i] - cpu[1][i]) <= 1e-3f * (1 + Math.abs(dw[i])), "dw[" + i + "]");
        }
    }
}

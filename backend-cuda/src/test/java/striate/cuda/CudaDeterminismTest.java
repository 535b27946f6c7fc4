package striate.cuda;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import striate.op.Conv2dBackwardDataOp;
import striate.op.Conv2dBackwardFilterOp;
import striate.op.Conv2dOp;
import striate.op.MatMulOp;
import striate.op.Pool2dBackwardOp;
import striate.op.PoolMode;
import striate.op.ReduceFn;
import striate.op.ReduceOp;
import striate.tensor.Device;
import striate.tensor.Tensor;
import striate.testing.Fixtures;
import striate.testing.Fixtures.ConvShape;

/**
 * Deterministic mode ({@code -Dstriate.cuda.deterministic=true}, here a backend made with that option): convolution in
 * all three directions, GEMM, pooling gradients and reductions give bit-identical results run after run.
 */
@Tag("gpu")
class CudaDeterminismTest {
    @Test
    void deterministicModeRepeatsBitForBit() {
        Gpu.backend();
        CudaBackend det = new CudaBackend(Device.cuda(0), new CudaOptions(false, true, false, true, CudnnApi.LEGACY));
        double[][] first = run(det);
        for (int repeat = 0; repeat < 3; repeat++) {
            double[][] again = run(det);
            for (int i = 0; i < first.length; i++) {
                assertArrayEquals(first[i], again[i], 0, "result " + i + " on repeat " + repeat);
            }
        }
    }

    /** Results of ops executed on {@code b}; inputs come from the default backend of the same device. */
    private static double[][] run(CudaBackend b) {
        Device d = Device.cuda(0);
        ConvShape c = Fixtures.ALEXNET_CONV1;
        ConvShape l = new ConvShape("LeNet C3, batch 64", striate.tensor.Shape.of(64, 6, 14, 14),
                striate.tensor.Shape.of(16, 6, 5, 5), striate.op.ConvParams.of(1, 0));
        Tensor x = Fixtures.uniform(d, 1, c.x());
        Tensor w = Fixtures.uniform(d, 2, c.w());
        Tensor dy = Fixtures.uniform(d, 3, c.y());
        Tensor lx = Fixtures.uniform(d, 4, l.x());
        Tensor ldy = Fixtures.uniform(d, 5, l.y());
        Tensor a = Fixtures.uniform(d, 6, -1, 1, 512, 1025);
        Tensor m = Fixtures.uniform(d, 7, -1, 1, 1025, 384);
        Tensor px = Fixtures.uniform(d, 8, Fixtures.ALEXNET_POOL1.x());
        Tensor pdy = Fixtures.uniform(d, 9, Fixtures.ALEXNET_POOL1.y());
        Gpu.backend().synchronize(); // drawn on the default backend's stream; b reads them on its own
        Tensor[] out = {
            b.execute(new Conv2dOp(c.params()), x, w),
            b.execute(new Conv2dBackwardDataOp(c.params(), c.x()), dy, w),
            b.execute(new Conv2dBackwardFilterOp(c.params(), c.w()), x, dy),
            b.execute(new Conv2dBackwardFilterOp(l.params(), l.w()), lx, ldy),
            b.execute(new MatMulOp(false, false), a, m),
            b.execute(new Pool2dBackwardOp(PoolMode.MAX, Fixtures.ALEXNET_POOL1.params()), px, pdy),
            b.execute(new ReduceOp(ReduceFn.SUM, new int[0], false), a)};
        double[][] v = new double[out.length][];
        for (int i = 0; i < out.length; i++) {
            v[i] = out[i].toDoubleArray();
        }
        return v;
    }
}

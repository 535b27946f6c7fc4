package striate.reference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import org.junit.jupiter.api.Test;
import striate.op.Pool2dBackwardOp;
import striate.op.Pool2dOp;
import striate.op.PoolMode;
import striate.op.PoolParams;
import striate.tensor.DType;
import striate.tensor.Device;
import striate.tensor.Tensor;

/**
 * The reference's max-pooling rule, which the conformance suite holds every backend to: a window's first NaN wins
 * over any number (the window pools to NaN, as in PyTorch), else its first maximum; the gradient goes to the winner.
 */
class MaxPoolNaNTest {
    private static final float NAN = Float.NaN;

    @Test
    void aWindowsFirstNaNWinsAndTakesTheGradient() {
        // one plane [2, 8]: four 2x2 windows; columns 0-1 no NaN, 2-3 a NaN in the last cell, 4-5 two NaNs (the
        // second and the third cell), 6-7 NaN first then a larger number
        float[] x = {1, 5, 2, 9, 7, NAN, NAN, 3,
                     5, 2, 3, NAN, NAN, 8, 9, 4};
        PoolParams p = PoolParams.of(2, 2);
        Tensor in = Tensor.of(Device.reference(), x, 1, 1, 2, 8);
        Tensor y = Tensor.apply(new Pool2dOp(PoolMode.MAX, p), in);
        assertArrayEquals(new float[] {5, NAN, NAN, NAN}, y.toFloatArray());
        Tensor dy = Tensor.of(Device.reference(), new float[] {10, 20, 30, 40}, 1, 1, 1, 4);
        Tensor dx = Tensor.apply(new Pool2dBackwardOp(PoolMode.MAX, p), in, dy);
        assertArrayEquals(new float[] {0, 10, 0, 0, 0, 30, 40, 0,
                                       0, 0, 0, 20, 0, 0, 0, 0}, dx.toFloatArray());
    }
}

package striate.cuda;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * When the unary and binary kernels take their float4 path (and the launch sizes its grid for a quarter of the
 * elements), without a GPU: contiguous operands starting at element indices divisible by 4, nothing else.
 */
class CudaElementwiseTest {
    private static final long[] SHAPE = {6, 10};

    private static Layout view(long offset, long... strides) {
        return Layout.of(SHAPE, strides, offset, SHAPE);
    }

    @Test
    void contiguousOperandsFromAMultipleOfFourTakeTheFloat4Path() {
        assertTrue(CudaElementwise.fourAtATime(0, view(0, 10, 1)));
        assertTrue(CudaElementwise.fourAtATime(8, view(4, 10, 1), view(12, 10, 1)));
    }

    @Test
    void anOffsetThatBreaksSixteenByteAlignmentGoesElementByElement() {
        assertFalse(CudaElementwise.fourAtATime(2, view(0, 10, 1)), "output at element 2");
        assertFalse(CudaElementwise.fourAtATime(0, view(0, 10, 1), view(6, 10, 1)), "second input at element 6");
    }

    @Test
    void stridedAndBroadcastOperandsGoElementByElement() {
        assertFalse(CudaElementwise.fourAtATime(0, view(0, 1, 6)), "a transposed view");
        assertFalse(CudaElementwise.fourAtATime(0, view(0, 10, 1), Layout.of(new long[] {10}, new long[] {1}, 0,
                SHAPE)), "a row broadcast over the batch");
    }
}

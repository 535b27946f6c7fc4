package striate.cuda;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import striate.tensor.DType;
import striate.tensor.Device;
import striate.tensor.Tensor;

/** Values reach device tensors in place: copyFrom (checkpoints, running statistics) writes device memory. */
@Tag("gpu")
class CudaWriteTest {
    @Test
    void copyFromWritesAWholeTensorAndARowOfIt() {
        Gpu.backend();
        Tensor t = Tensor.zeros(Device.cuda(0), DType.F32, 3, 4);
        t.copyFrom(new double[] {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11});
        t.slice(0, 1, 2).copyFrom(new double[] {-1, -2, -3, -4}); // a contiguous row at an offset
        assertArrayEquals(new float[] {0, 1, 2, 3, -1, -2, -3, -4, 8, 9, 10, 11}, t.toFloatArray());
    }
}

package striate.cuda;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import striate.tensor.DType;
import striate.tensor.Device;
import striate.tensor.Tensor;

/** The CUDA backend refuses bfloat16 and float16 tensors with one line saying what to do, until it has kernels. */
@Tag("gpu")
class CudaLowPrecisionTest {
    @Test
    void lowPrecisionTensorsAreRefusedWithOneClearLine() {
        assumeTrue(CudaProbe.available(), CudaProbe::unavailableReason);
        Tensor x = Tensor.ones(Device.cuda(0), DType.F32, 4);
        for (DType low : new DType[] {DType.BF16, DType.F16}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> x.to(low));
            assertTrue(e.getMessage().contains(low.toString()) && e.getMessage().contains("--precision fp32")
                    && !e.getMessage().contains("\n"), e.getMessage());
        }
    }
}

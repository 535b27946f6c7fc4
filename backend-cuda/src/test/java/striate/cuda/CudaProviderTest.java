package striate.cuda;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import striate.backend.Backends;
import striate.tensor.DType;
import striate.tensor.Device;
import striate.tensor.Tensor;

/** Until issue #6, CUDA devices are found on the class path and reported unavailable, with the reason. */
class CudaProviderTest {
    @Test
    void diagnosticsSayCudaIsNotBuiltYet() {
        assertFalse(Backends.available(Device.Kind.CUDA));
        assertTrue(Backends.diagnostics().contains("cuda: unavailable: " + CudaProvider.NOT_BUILT),
                Backends.diagnostics().toString());
    }

    @Test
    void usingACudaDeviceFailsWithTheReason() {
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> Tensor.zeros(Device.cuda(0), DType.F32, 3));
        assertTrue(e.getMessage().contains("cuda:0") && e.getMessage().contains("issue #6"), e.getMessage());
    }
}

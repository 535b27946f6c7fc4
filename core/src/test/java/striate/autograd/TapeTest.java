package striate.autograd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import striate.tensor.DType;
import striate.tensor.Device;
import striate.tensor.Tensor;

class TapeTest {
    private static final Device REF = Device.reference();

    @Test
    void sharedSubexpressionsAccumulate() {
        Tensor x = Tensor.of(REF, DType.F64, new double[] {3}).requiresGrad(true);
        Tensor y = x.mul(x).add(x.mul(2)); // y = x² + 2x, dy/dx = 2x + 2 = 8
        y.sum().backward();
        assertEquals(8, x.grad().item(), 1e-12);
    }

    @Test
    void gradientsAccumulateAcrossBackwardCallsUntilCleared() {
        Tensor x = Tensor.of(REF, DType.F64, new double[] {1, 2}).requiresGrad(true);
        x.square().sum().backward();
        x.square().sum().backward();
        assertArrayEquals(new double[] {4, 8}, x.grad().toDoubleArray(), 1e-12);
        x.setGrad(null);
        assertNull(x.grad());
    }

    @Test
    void noGradScopeRecordsNothing() {
        Tensor x = Tensor.of(REF, DType.F64, new double[] {1}).requiresGrad(true);
        Tensor y;
        try (GradMode.Scope off = GradMode.off()) {
            y = x.mul(3);
        }
        assertTrue(GradMode.isEnabled());
        IllegalStateException e = assertThrows(IllegalStateException.class, y::backward);
        assertTrue(e.getMessage().contains("does not require grad"), e.getMessage());
    }

    @Test
    void deepChainsDoNotOverflowTheStack() {
        Tensor x = Tensor.of(REF, DType.F64, new double[] {1}).requiresGrad(true);
        Tensor y = x;
        for (int i = 0; i < 20_000; i++) {
            y = y.add(1.0);
        }
        y.backward();
        assertEquals(1, x.grad().item(), 0);
    }

    @Test
    void detachStopsGradients() {
        Tensor x = Tensor.of(REF, DType.F64, new double[] {2}).requiresGrad(true);
        Tensor y = x.mul(x.detach()); // d/dx = x.detach() = 2
        y.backward();
        assertEquals(2, x.grad().item(), 1e-12);
    }

    @Test
    void nonScalarBackwardNeedsASeed() {
        Tensor x = Tensor.of(REF, DType.F64, new double[] {1, 2}).requiresGrad(true);
        Tensor y = x.mul(3);
        assertThrows(IllegalStateException.class, y::backward);
        y.backward(Tensor.of(REF, DType.F64, new double[] {1, 10}));
        assertArrayEquals(new double[] {3, 30}, x.grad().toDoubleArray(), 1e-12);
    }
}

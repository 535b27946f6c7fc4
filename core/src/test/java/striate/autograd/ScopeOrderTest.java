package striate.autograd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import striate.tensor.DType;
import striate.tensor.Device;
import striate.tensor.Tensor;

/**
 * Mode scopes close innermost first: closing an outer one first is refused (it left the thread in the inner scope's
 * mode after both closed); a second close does nothing. A backward pass's dy has the output's type and device.
 */
class ScopeOrderTest {
    @Test
    void aGradModeScopeClosedBeforeAnInnerOneIsRefused() {
        GradMode.Scope off = GradMode.off();
        GradMode.Scope on = GradMode.on();
        IllegalStateException e = assertThrows(IllegalStateException.class, off::close);
        assertTrue(e.getMessage().startsWith("a GradMode scope must close after the GradMode scopes opened inside it"),
                e.getMessage());
        on.close();
        off.close();
        off.close(); // a second close does nothing
        assertTrue(GradMode.isEnabled(), "the mode before both scopes");
    }

    @Test
    void anAutocastScopeClosedBeforeAnInnerOneIsRefused() {
        Autocast.Scope bf16 = Autocast.enable(DType.BF16);
        Autocast.Scope f16 = Autocast.enable(DType.F16);
        assertThrows(IllegalStateException.class, bf16::close);
        f16.close();
        assertEquals(DType.BF16, Autocast.dtype());
        bf16.close();
        assertFalse(Autocast.isEnabled());
    }

    @Test
    void dyOfAnotherTypeOrDeviceIsRefused() {
        Tensor x = Tensor.of(Device.reference(), new float[] {1, 2}).requiresGrad(true);
        Tensor y = x.mul(3);
        IllegalArgumentException type = assertThrows(IllegalArgumentException.class,
                () -> y.backward(Tensor.of(Device.reference(), DType.F64, new double[] {1, 1}, 2)));
        assertTrue(type.getMessage().contains("dy is float64 on reference but the output is float32 on reference"),
                type.getMessage());
        assertThrows(IllegalArgumentException.class, () -> y.backward(Tensor.of(new Device(Device.Kind.REFERENCE, 7),
                new float[] {1, 1})));
        assertThrows(IllegalArgumentException.class, () -> x.setGrad(Tensor.ofInts(Device.reference(), new int[] {1, 1},
                2)));
        y.backward(Tensor.of(Device.reference(), new float[] {1, 1}));
        assertEquals(3.0, x.grad().toDoubleArray()[0]);
    }
}

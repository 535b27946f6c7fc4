package striate.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import striate.autograd.GradCheck;
import striate.autograd.Tape;
import striate.nn.Linear;
import striate.tensor.DType;
import striate.tensor.Device;
import striate.tensor.Rng;
import striate.tensor.Tensor;

/**
 * {@code Tensor.to(Device)} is recorded for autograd (ToDeviceOp), as PyTorch's {@code .to(device)}: the gradient goes
 * back to the source device, so a model split over two devices trains both halves (before, the first half got no
 * gradient and its optimizer skipped it without a word). Checked numerically, through a split model against the same
 * model on one device, between cpu:0 and cpu:1, and twice differentiated.
 */
class ToDeviceGradientTest {
    private static final Device REF = Device.reference();
    private static final Device CPU = Device.cpu();

    @Test
    void theGradientOfATransferGoesBackToTheSourceDevice() {
        GradCheck.Result r = GradCheck.standard().check(x -> x[0].to(CPU).tanh().mul(x[1].to(CPU)).to(REF).exp(),
                GradCheck.uniform(REF, 3, -1, 1, 4, 3), GradCheck.uniform(REF, 4, -1, 1, 4, 3));
        assertTrue(r.passed() && r.checked() > 20, r.toString());

        Tensor x = Tensor.of(REF, new float[] {1, -2, 3}).requiresGrad(true);
        x.to(CPU).mul(x.to(CPU)).sum().backward();
        assertEquals(REF, x.grad().device());
        assertArrayEquals(new float[] {2, -4, 6}, x.grad().toFloatArray());
    }

    @Test
    void aModelSplitOverTwoDevicesTrainsBothHalves() {
        Linear first = new Linear(5, 4, new Rng(1));
        Linear second = new Linear(4, 2, new Rng(2));
        Linear firstOnCpu = new Linear(first.weight().value().copy(), first.bias().value().copy());
        Tensor x = GradCheck.uniform(REF, 7, -1, 1, 3, 5).to(DType.F32);

        second.forward(first.forward(x)).square().sum().backward(); // all on the reference device
        firstOnCpu.to(CPU);
        Linear secondHere = new Linear(second.weight().value().copy(), second.bias().value().copy());
        secondHere.forward(firstOnCpu.forward(x.to(CPU)).to(REF)).square().sum().backward(); // split: cpu, then reference

        assertEquals(CPU, firstOnCpu.weight().grad().device());
        assertArrayEquals(first.weight().grad().toFloatArray(), firstOnCpu.weight().grad().toFloatArray(), 1e-5f);
        assertArrayEquals(first.bias().grad().toFloatArray(), firstOnCpu.bias().grad().toFloatArray(), 1e-5f);
        assertArrayEquals(second.weight().grad().toFloatArray(), secondHere.weight().grad().toFloatArray(), 1e-5f);
    }

    @Test
    void betweenTwoCpuDevicesAndTwiceDifferentiated() {
        Device other = Device.parse("cpu:1");
        Tensor x = Tensor.of(CPU, DType.F64, new double[] {0.5, -1.5}).requiresGrad(true);
        Tensor y = x.to(other).pow(3).sum(); // on cpu:1
        Tensor g = Tape.grad(y, Tensor.scalar(other, DType.F64, 1), List.of(x), true).getFirst(); // 3x², on cpu:0
        assertEquals(CPU, g.device());
        assertArrayEquals(new double[] {0.75, 6.75}, g.toDoubleArray(), 1e-12);
        g.sum().backward(); // d(Σ 3x²)/dx = 6x, through the recorded transfers both ways
        assertArrayEquals(new double[] {3, -9}, x.grad().toDoubleArray(), 1e-12);
    }
}

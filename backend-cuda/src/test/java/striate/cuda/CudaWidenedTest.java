package striate.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import striate.backend.Backend;
import striate.backend.Backends;
import striate.op.BinaryFn;
import striate.op.BinaryOp;
import striate.op.CastOp;
import striate.op.Kernel;
import striate.op.MatMulOp;
import striate.reference.ReferenceBackend;
import striate.tensor.DType;
import striate.tensor.Device;
import striate.tensor.Shape;
import striate.tensor.Tensor;
import striate.testing.Fixtures;
import striate.testing.Tolerance;

/**
 * The widening rule of {@link CudaWidened}, without a GPU: on the reference backend, with the reference's cast and
 * kernels standing in for the device's. 2-byte inputs reach the float32 kernel as float32, the result is rounded
 * once into the 2-byte output; float32 calls and the calls a native kernel declares go straight through.
 */
class CudaWidenedTest {
    private static final Backend REF = Backends.of(Device.reference());
    @SuppressWarnings("unchecked")
    private static final Kernel<CastOp> CAST = (Kernel<CastOp>) ReferenceBackend.KERNELS.entryFor(CastOp.class).kernel();
    @SuppressWarnings("unchecked")
    private static final Kernel<BinaryOp> ADD = (Kernel<BinaryOp>) ReferenceBackend.KERNELS.entryFor(BinaryOp.class)
            .kernel();

    /** The reference's add, recording the types it was handed (inputs, then output). */
    private static final class Recording implements Kernel<BinaryOp> {
        final List<List<DType>> calls = new ArrayList<>();

        @Override
        public void run(BinaryOp op, Tensor[] in, Tensor out) {
            calls.add(List.of(in[0].dtype(), in[1].dtype(), out.dtype()));
            ADD.run(op, in, out);
        }
    }

    private static Tensor add(Kernel<BinaryOp> kernel, Tensor a, Tensor b, DType out) {
        Tensor y = Tensor.output(REF, a.shape(), out);
        kernel.run(new BinaryOp(BinaryFn.ADD), new Tensor[] {a, b}, y);
        return y;
    }

    @Test
    void twoByteInputsReachTheKernelAsFloat32AndTheResultIsRoundedOnce() {
        for (DType low : new DType[] {DType.BF16, DType.F16}) {
            Tensor a = Fixtures.uniform(Device.reference(), 1, -1, 1, 33).to(low);
            Tensor b = Fixtures.uniform(Device.reference(), 2, -1, 1, 33).to(low);
            Recording f32 = new Recording();
            Tensor got = add(new CudaWidened<>(f32, (op, in, out) -> false, CAST), a, b, low);
            assertEquals(List.of(List.of(DType.F32, DType.F32, DType.F32)), f32.calls, low.toString());
            Tensor want = add(ADD, a, b, low); // the reference adds in double and rounds once
            Tolerance.of(BinaryOp.class, low).assertClose(low + " add", want, got);
        }
    }

    @Test
    void aMixedCallIsWidenedAndAFloat32OutputIsWrittenInPlace() {
        Tensor a = Fixtures.uniform(Device.reference(), 3, -1, 1, 7).to(DType.BF16);
        Tensor b = Fixtures.uniform(Device.reference(), 4, -1, 1, 7);
        Recording f32 = new Recording();
        Tensor y = Tensor.output(REF, Shape.of(7), DType.F32);
        new CudaWidened<>(f32, (op, in, out) -> false, CAST).run(new BinaryOp(BinaryFn.ADD), new Tensor[] {a, b}, y);
        assertEquals(List.of(List.of(DType.F32, DType.F32, DType.F32)), f32.calls);
        Tolerance.of(BinaryOp.class, DType.F32).assertClose("bf16 + f32", add(ADD, a.to(DType.F32), b, DType.F32), y);
    }

    @Test
    void float32CallsAndDeclaredNativeCallsGoStraightThrough() {
        Tensor a = Fixtures.uniform(Device.reference(), 5, -1, 1, 7);
        Tensor b = Fixtures.uniform(Device.reference(), 6, -1, 1, 7);
        Recording kernel = new Recording();
        CudaWidened<BinaryOp> k = new CudaWidened<>(kernel, CudaWidened::oneLowType, CAST);
        add(k, a, b, DType.F32);
        add(k, a.to(DType.F16), b.to(DType.F16), DType.F16);
        add(k, a.to(DType.F16), b.to(DType.BF16), DType.F32); // two low types: not one, so widened
        assertEquals(List.of(List.of(DType.F32, DType.F32, DType.F32), List.of(DType.F16, DType.F16, DType.F16),
                List.of(DType.F32, DType.F32, DType.F32)), kernel.calls);
    }

    @Test
    void oneLowTypeMeansEveryOperandAndTheOutput() {
        Tensor x = Tensor.zeros(Device.reference(), DType.BF16, 2, 2);
        Tensor f = Tensor.zeros(Device.reference(), DType.F32, 2, 2);
        MatMulOp mm = new MatMulOp(false, false);
        assertTrue(CudaWidened.oneLowType(mm, new Tensor[] {x, x}, x));
        assertFalse(CudaWidened.oneLowType(mm, new Tensor[] {x, f}, x));
        assertFalse(CudaWidened.oneLowType(mm, new Tensor[] {x, x}, f));
        assertFalse(CudaWidened.oneLowType(mm, new Tensor[] {f, f}, f));
        assertFalse(CudaWidened.oneLowType(mm, new Tensor[] {x, x}, null));
        assertTrue(CudaWidened.touchesLowPrecision(new Tensor[] {f, x}, f));
        assertFalse(CudaWidened.touchesLowPrecision(new Tensor[] {f, f}, f));
    }
}

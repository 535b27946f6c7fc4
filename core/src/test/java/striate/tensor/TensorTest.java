package striate.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import striate.backend.Backend;
import striate.backend.Backends;
import striate.op.ConvParams;
import striate.op.Conv2dOp;
import striate.op.KernelTable;
import striate.op.MissingKernelException;
import striate.op.UnaryOp;
import striate.op.UnaryFn;

class TensorTest {
    private static final Device REF = Device.reference();

    private static Tensor range(long... dims) {
        double[] v = new double[(int) Shape.of(dims).size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = i;
        }
        return Tensor.of(REF, DType.F32, v, dims);
    }

    @Test
    void creationAndReadBack() {
        Tensor t = Tensor.of(REF, new float[] {1, 2, 3, 4, 5, 6}, 2, 3);
        assertEquals(Shape.of(2, 3), t.shape());
        assertEquals(DType.F32, t.dtype());
        assertEquals(6.0, t.get(1, 2));
        assertArrayEquals(new int[] {1, 2}, Tensor.ofInts(REF, new int[] {1, 2}).toIntArray());
        assertEquals(3.5, Tensor.scalar(REF, DType.F64, 3.5).item());
        assertThrows(ShapeMismatchException.class, () -> Tensor.of(REF, new float[] {1, 2, 3}, 2, 2));
    }

    @Test
    void viewsShareStorageAndReadInLogicalOrder() {
        Tensor x = range(2, 3);
        Tensor t = x.transpose(0, 1);
        assertSame(x.storage(), t.storage());
        assertFalse(t.isContiguous());
        assertArrayEquals(new double[] {0, 3, 1, 4, 2, 5}, t.toDoubleArray());
        assertArrayEquals(new double[] {1, 4}, x.slice(1, 1, 2).toDoubleArray());
        assertArrayEquals(new double[] {0, 1, 2, 0, 1, 2}, range(3).expand(Shape.of(2, 3)).toDoubleArray());
        Tensor r = t.reshape(6);
        assertNotSame(x.storage(), r.storage(), "a non-contiguous view is copied before reshaping");
        assertArrayEquals(new double[] {0, 3, 1, 4, 2, 5}, r.toDoubleArray());
        assertEquals(Shape.of(3, 2), x.reshape(-1, 2).shape());
    }

    @Test
    void broadcastingArithmetic() {
        Tensor a = range(2, 3);
        Tensor b = Tensor.of(REF, new float[] {10, 20, 30});
        assertArrayEquals(new double[] {10, 21, 32, 13, 24, 35}, a.add(b).toDoubleArray());
        assertArrayEquals(new double[] {0, 2, 4, 6, 8, 10}, a.mul(2).toDoubleArray());
        assertArrayEquals(new double[] {3, 12}, a.sum(1, false).toDoubleArray());
        assertArrayEquals(new double[] {1, 4}, a.mean(1, false).toDoubleArray());
        assertArrayEquals(new double[] {3, 4, 5}, a.max(0, false).toDoubleArray());
        assertEquals(15, a.sum().item());
    }

    @Test
    void matmulAgainstHandComputation() {
        Tensor a = Tensor.of(REF, new float[] {1, 2, 3, 4, 5, 6}, 2, 3);
        Tensor b = Tensor.of(REF, new float[] {7, 8, 9, 10, 11, 12}, 3, 2);
        assertArrayEquals(new double[] {58, 64, 139, 154}, a.matmul(b).toDoubleArray());
        // a·aᵀ through the transpose flag
        assertArrayEquals(new double[] {14, 32, 32, 77}, a.matmul(a, false, true).toDoubleArray());
    }

    @Test
    void shapeErrorsNameTheOpAndShapes() {
        Tensor a = range(2, 3);
        ShapeMismatchException e = assertThrows(ShapeMismatchException.class, () -> a.matmul(range(2, 3)));
        assertTrue(e.getMessage().contains("MatMulOp") && e.getMessage().contains("[2, 3]"), e.getMessage());
        e = assertThrows(ShapeMismatchException.class, () -> a.add(range(4)));
        assertTrue(e.getMessage().contains("BinaryOp(ADD)") && e.getMessage().contains("[4]"), e.getMessage());
        e = assertThrows(ShapeMismatchException.class,
                () -> Tensor.apply(new Conv2dOp(ConvParams.of(1, 0)), range(1, 1, 4, 4), range(2, 3, 3, 3)));
        assertTrue(e.getMessage().contains("Conv2dOp") && e.getMessage().contains("[2, 3, 3, 3]"), e.getMessage());
    }

    @Test
    void anAxisGivenTwiceToAReductionIsRefused() { // as PyTorch's "dim 1 appears multiple times"
        Tensor a = range(2, 3, 4);
        for (int[] axes : new int[][] {{1, 1}, {1, -2}}) {
            ShapeMismatchException e = assertThrows(ShapeMismatchException.class, () -> a.sum(axes, false));
            assertTrue(e.getMessage().contains("axis 1 given twice"), e.getMessage());
        }
        assertArrayEquals(new long[] {2}, a.sum(new int[] {1, -1}, false).shape().dims());
    }

    @Test
    void theGradientOfAPowerZeroIsZeroEvenAtZeroAndNaN() { // p·x^(p−1) would be 0·∞ at 0; PyTorch gives 0
        Tensor x = Tensor.of(Device.reference(), new float[] {0, 2, Float.NaN, -3}).requiresGrad(true);
        x.pow(0).sum().backward();
        assertArrayEquals(new float[] {0, 0, 0, 0}, x.grad().toFloatArray());
    }

    @Test
    void typeErrorsAreClear() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> range(3).add(range(3).to(DType.F64)));
        assertTrue(e.getMessage().contains("float32") && e.getMessage().contains("float64"), e.getMessage());
    }

    @Test
    void twoDevicesInOneOpIsAnError() {
        Backend other = new striate.reference.ReferenceBackend(new Device(Device.Kind.REFERENCE, 1));
        Tensor a = range(3);
        Tensor b = Tensor.empty(other, Shape.of(3), DType.F32);
        DeviceMismatchException e = assertThrows(DeviceMismatchException.class, () -> a.add(b));
        assertTrue(e.getMessage().contains("reference:1"), e.getMessage());
    }

    @Test
    void missingKernelNamesOpAndBackend() {
        Backend empty = new striate.backend.HostBackend() {
            @Override
            public Device device() {
                return REF;
            }

            @Override
            public String name() {
                return "empty";
            }

            @Override
            public KernelTable kernels() {
                return KernelTable.builder("empty").build();
            }
        };
        Tensor x = Tensor.empty(empty, Shape.of(2), DType.F32);
        MissingKernelException e = assertThrows(MissingKernelException.class,
                () -> empty.execute(new UnaryOp(UnaryFn.EXP), x));
        assertTrue(e.getMessage().contains("UnaryOp(EXP)") && e.getMessage().contains("'empty'"), e.getMessage());
    }

    @Test
    void moveBetweenDevicesCopies() {
        Tensor x = range(2, 2);
        Tensor y = x.transpose(0, 1).to(new Device(Device.Kind.REFERENCE, 2));
        assertEquals(new Device(Device.Kind.REFERENCE, 2), y.device());
        assertArrayEquals(new double[] {0, 2, 1, 3}, y.toDoubleArray());
        assertNotSame(x.storage(), y.storage());
        assertSame(x, x.to(REF));
        // a contiguous view at an offset takes the raw-copy path: the right elements, the dtype kept
        Tensor row = range(3, 4).slice(0, 1, 3).to(new Device(Device.Kind.REFERENCE, 1));
        assertArrayEquals(new double[] {4, 5, 6, 7, 8, 9, 10, 11}, row.toDoubleArray());
        Tensor ints = Tensor.ofInts(REF, new int[] {7, -1, 3}).slice(0, 1, 3).to(new Device(Device.Kind.REFERENCE, 1));
        assertArrayEquals(new int[] {-1, 3}, ints.toIntArray());
    }

    @Test
    void unknownBackendSaysWhichModuleIsMissing() {
        if (!Backends.available(Device.Kind.CUDA)) {
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> Backends.of(Device.cuda(0)));
            assertTrue(e.getMessage().contains("cuda"), e.getMessage());
        }
    }

    @Test
    void randomDrawsAreCounterBased() {
        Tensor a = Tensor.rand(REF, DType.F32, Shape.of(1000), -2, 3, 99);
        Tensor b = Tensor.rand(REF, DType.F32, Shape.of(1000), -2, 3, 99);
        assertArrayEquals(a.toDoubleArray(), b.toDoubleArray());
        double mean = a.mean().item();
        assertEquals(0.5, mean, 0.15);
        for (double v : a.toDoubleArray()) {
            assertTrue(v >= -2 && v < 3);
        }
    }
}

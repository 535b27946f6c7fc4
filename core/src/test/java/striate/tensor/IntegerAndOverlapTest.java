package striate.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * Copies between views of one memory, writes into broadcast views, and int32 tensors in ops whose values are
 * fractions: each gives the right values or one line that says what to do, never rounded or scrambled values.
 */
class IntegerAndOverlapTest {
    private static final Device REF = Device.reference();

    @Test
    void aTensorTakesItsOwnTransposeWhole() {
        Tensor x = Tensor.of(REF, new float[] {1, 2, 3, 4, 5, 6, 7, 8, 9}, 3, 3);
        x.copyFrom(x.transpose(0, 1));
        assertArrayEquals(new float[] {1, 4, 7, 2, 5, 8, 3, 6, 9}, x.toFloatArray());
        x.copyFrom(x); // every element onto itself
        assertArrayEquals(new float[] {1, 4, 7, 2, 5, 8, 3, 6, 9}, x.toFloatArray());
    }

    @Test
    void anOverlappingShiftedSliceCopiesTheValuesFromBefore() {
        Tensor x = Tensor.of(REF, new float[] {1, 2, 3, 4, 5});
        x.slice(0, 1, 5).copyFrom(x.slice(0, 0, 4)); // shifted right by one
        assertArrayEquals(new float[] {1, 1, 2, 3, 4}, x.toFloatArray());
    }

    @Test
    void valuesIntoABroadcastViewAreRefused() {
        Tensor row = Tensor.of(REF, new float[] {1, 2}, 1, 2);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> row.expand(Shape.of(3, 2)).copyFrom(new double[] {1, 2, 3, 4, 5, 6}));
        assertTrue(e.getMessage().startsWith("copyFrom into a broadcast view [3, 2]"), e.getMessage());
        assertArrayEquals(new float[] {1, 2}, row.toFloatArray());
    }

    @Test
    void int32TensorsAreRefusedWhereTheirValuesWouldBecomeFractions() {
        Tensor ints = Tensor.ofInts(REF, new int[] {1, 2}, 1, 2);
        for (Runnable fractional : new Runnable[] {ints::exp, ints::log, ints::sigmoid, ints::tanh, () -> ints.mul(0.5),
                () -> ints.softmax(1), ints::mean, () -> ints.matmul(Tensor.ofInts(REF, new int[] {1, 1}, 2, 1)),
                () -> ints.pow(0.5), () -> ints.div(ints), () -> ints.affine(Double.POSITIVE_INFINITY, 0)}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, fractional::run);
            assertTrue(e.getMessage().contains("to(DType.F32)"), e.getMessage());
        }
        IllegalArgumentException grad = assertThrows(IllegalArgumentException.class, () -> ints.requiresGrad(true));
        assertTrue(grad.getMessage().startsWith("requiresGrad(true) on a int32 tensor"), grad.getMessage());
        // whole results stay int32
        assertArrayEquals(new int[] {-1, -2}, ints.neg().toIntArray());
        assertArrayEquals(new int[] {3, 5}, ints.affine(2, 1).toIntArray());
        assertArrayEquals(new int[] {1, 2}, ints.relu().toIntArray());
        assertArrayEquals(new int[] {1, 4}, ints.pow(2).toIntArray());
    }

    @Test
    void aProductOfTwoTypesIsRefused() {
        Tensor a = Tensor.of(REF, DType.F64, new double[] {1, 2}, 1, 2);
        Tensor b = Tensor.of(REF, new float[] {1, 1}, 2, 1);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> a.matmul(b));
        assertEquals("MatMulOp: a is float64 but b is float32; cast one with tensor.to(dtype)", e.getMessage());
    }
}

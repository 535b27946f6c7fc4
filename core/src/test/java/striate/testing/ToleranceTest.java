package striate.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;
import striate.op.CastOp;
import striate.op.MatMulOp;
import striate.op.UnaryOp;
import striate.tensor.DType;
import striate.tensor.Device;
import striate.tensor.Shape;
import striate.tensor.Tensor;

/** The comparison rule, the table's lookups and the failure message's format. */
class ToleranceTest {
    @Test
    void acceptsWithinAtolPlusRtolTimesRef() {
        Tolerance t = new Tolerance(1e-3, 1e-2);
        assertTrue(t.accepts(100, 101.0009));
        assertFalse(t.accepts(100, 101.002));
        assertTrue(t.accepts(0, 9e-4));
        assertFalse(t.accepts(0, 2e-3));
    }

    @Test
    void nanAndInfinityMatchOnlyThemselves() {
        Tolerance t = new Tolerance(1, 1);
        assertTrue(t.accepts(Double.NaN, Double.NaN));
        assertFalse(t.accepts(Double.NaN, 0));
        assertFalse(t.accepts(0, Double.NaN));
        assertTrue(t.accepts(Double.NEGATIVE_INFINITY, Double.NEGATIVE_INFINITY));
        assertFalse(t.accepts(Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY));
        assertFalse(t.accepts(Double.POSITIVE_INFINITY, 1e300));
    }

    @Test
    void tableIsPerOpAndDtype() {
        assertEquals(Tolerance.EXACT, Tolerance.of(CastOp.class, DType.I32));
        assertTrue(Tolerance.of(MatMulOp.class, DType.F32).atol() > Tolerance.of(UnaryOp.class, DType.F32).atol());
        assertTrue(Tolerance.of(MatMulOp.class, DType.F64).atol() < Tolerance.of(MatMulOp.class, DType.F32).atol());
    }

    @Test
    void lowPrecisionRowsAllowOneUnitInTheLastPlace() {
        Tolerance bf16 = Tolerance.of(UnaryOp.class, DType.BF16);
        Tolerance f16 = Tolerance.of(UnaryOp.class, DType.F16);
        assertTrue(bf16.accepts(1, 1 + 0x1p-7), "one bfloat16 ulp above 1");
        assertFalse(bf16.accepts(1, 1 + 0x1p-6), "two bfloat16 ulps above 1");
        assertTrue(f16.accepts(1, 1 + 0x1p-10));
        assertFalse(f16.accepts(1, 1 + 0x1p-9));
        assertTrue(Tolerance.of(MatMulOp.class, DType.BF16).atol() > bf16.atol(), "long sums are looser");
        assertEquals(Tolerance.EXACT, Tolerance.of(CastOp.class, DType.BF16));
        assertEquals(Tolerance.EXACT, Tolerance.of(CastOp.class, DType.F16));
    }

    @Test
    void messageListsTheFirstMismatchesAsIndexRefGot() {
        double[] ref = new double[20];
        double[] got = new double[20];
        for (int i = 0; i < 20; i++) {
            ref[i] = i;
            got[i] = i >= 3 ? i + 1 : i;
        }
        String m = new Tolerance(1e-6, 0).mismatches("case", ref, got);
        assertTrue(m.startsWith("case: 17 of 20 elements differ"), m);
        assertTrue(m.contains("(index ref got):\n  3 3.0 4.0\n  4 4.0 5.0"), m);
        assertEquals(Tolerance.SHOWN, m.lines().count() - 1, m);
        assertNull(new Tolerance(1e-6, 0).mismatches("case", ref, ref));
    }

    @Test
    void assertCloseChecksShapeAndType() {
        Device d = Device.reference();
        Tensor a = Tensor.of(d, new float[] {1, 2, 3, 4}, 2, 2);
        Tolerance t = new Tolerance(1e-6, 1e-6);
        t.assertClose("same", a, Tensor.of(d, new float[] {1, 2, 3, 4}, 2, 2));
        assertThrows(AssertionError.class, () -> t.assertClose("shape", a, Tensor.of(d, new float[] {1, 2, 3, 4}, 4)));
        assertThrows(AssertionError.class, () -> t.assertClose("type", a, a.to(DType.F64)));
        AssertionError e = assertThrows(AssertionError.class,
                () -> t.assertClose("values", a, Tensor.of(d, new float[] {1, 2, 3, 5}, 2, 2)));
        assertTrue(e.getMessage().contains("\n  3 4.0 5.0"), e.getMessage());
    }

    @Test
    void fixturesAreDeterministicAndOnTheAskedDevice() {
        Tensor a = Fixtures.uniform(Device.reference(), 7, -1, 1, 3, 33);
        Tensor b = Fixtures.uniform(Device.reference(), 7, -1, 1, 3, 33);
        assertEquals(Arrays.toString(a.toDoubleArray()), Arrays.toString(b.toDoubleArray()));
        for (double v : a.toDoubleArray()) {
            assertTrue(v >= -1 && v <= 1 && v == (float) v, "value " + v);
        }
        double[] g = Fixtures.grid(Device.reference(), 3, 2, 1025).toDoubleArray();
        assertTrue(Arrays.stream(g).allMatch(v -> v == Math.rint(v) && Math.abs(v) <= 2));
        assertTrue(Arrays.stream(g).anyMatch(v -> v == 0) && Arrays.stream(g).anyMatch(v -> v == 2));
        assertEquals(Fixtures.ALEXNET_CONV1.y(), Shape.of(1, 64, 15, 15));
        assertEquals(Fixtures.ALEXNET_POOL1.x(), Fixtures.ALEXNET_CONV1.y());
        assertEquals(Fixtures.LENET_S2.x(), Fixtures.LENET_C1.y());
        assertEquals(Fixtures.LENET_S4.x(), Fixtures.LENET_C3.y());
    }
}

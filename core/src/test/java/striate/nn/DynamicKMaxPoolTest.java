package striate.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import striate.autograd.GradCheck;
import striate.tensor.DType;
import striate.tensor.Device;
import striate.tensor.Shape;
import striate.tensor.Tensor;

/**
 * Dynamic k-max pooling: k_l = max(k_top, ⌈(L − l)/L · s⌉) worked out by hand, the values and order it keeps, the
 * axis it pools, the errors, and its gradient against finite differences.
 */
class DynamicKMaxPoolTest {
    private static final Device REF = Device.reference();

    @Test
    void kFollowsTheLayerAndTheLengthAtForwardTime() {
        // The paper's example: L = 3, k_top = 3, s = 18 → 12, 6, 3.
        assertEquals(12, DynamicKMaxPool.k(1, 3, 3, 18));
        assertEquals(6, DynamicKMaxPool.k(2, 3, 3, 18));
        assertEquals(3, DynamicKMaxPool.k(3, 3, 3, 18));
        assertEquals(4, DynamicKMaxPool.k(1, 2, 4, 7), "⌈7/2⌉ = 4 = k_top");
        assertEquals(5, DynamicKMaxPool.k(1, 2, 4, 9), "⌈9/2⌉ = 5 > k_top");
        assertEquals(4, DynamicKMaxPool.k(1, 2, 4, 5), "⌈5/2⌉ = 3 < k_top");
        assertEquals(7, DynamicKMaxPool.k(2, 3, 1, 20), "⌈20/3⌉ = 7: (L − l)/L·s is not rounded before the ceiling");
    }

    @Test
    void keepsTheLargestInOrderAlongTheLastAxis() {
        Tensor x = Tensor.of(REF, DType.F64, new double[] {3, 1, 4, 1, 5, 9, 2, 6, /* channel 1 */ 0, -1, 7, 7, 2, 8,
                -3, 1}, 1, 2, 8);
        DynamicKMaxPool pool = new DynamicKMaxPool(1, 2, 3);
        Tensor y = pool.forward(x); // k = max(3, ⌈8/2⌉) = 4
        assertEquals(Shape.of(1, 2, 4), y.shape());
        assertArrayEquals(new double[] {4, 5, 9, 6, /* channel 1 */ 7, 7, 2, 8}, y.toDoubleArray(), 0);
        assertEquals(Shape.of(1, 2, 3), new DynamicKMaxPool(2, 2, 3).forward(x).shape());
        Tensor t = x.transpose(1, 2); // [1, 8, 2], pooled along axis 1
        assertArrayEquals(new double[] {4, 7, 5, 7, 9, 2, 6, 8}, new DynamicKMaxPool(1, 2, 3, 1).forward(t)
                .toDoubleArray(), 0);
        assertEquals("DynamicKMaxPool(layer=1, totalLayers=2, kTop=3)", pool.toString());
    }

    @Test
    void errorsNameTheProblem() {
        var layer = assertThrows(IllegalArgumentException.class, () -> new DynamicKMaxPool(3, 2, 4));
        assertEquals("DynamicKMaxPool: need 1 <= layer <= totalLayers and kTop >= 1, got layer=3, totalLayers=2, "
                + "kTop=4", layer.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new DynamicKMaxPool(1, 2, 0));
        var shortInput = assertThrows(IllegalArgumentException.class,
                () -> new DynamicKMaxPool(2, 2, 4).forward(Tensor.zeros(REF, DType.F32, 2, 3, 3)));
        assertEquals("DynamicKMaxPool(layer=2, totalLayers=2, kTop=4): got length 3 along axis -1 of [2, 3, 3], "
                + "expected at least k = 4; pad the input so every pooled length is at least k_top",
                shortInput.getMessage());
    }

    @Test
    void gradientMatchesFiniteDifferences() {
        for (int layer = 1; layer <= 2; layer++) {
            DynamicKMaxPool pool = new DynamicKMaxPool(layer, 2, 2);
            GradCheck.Result r = GradCheck.standard().check(t -> pool.forward(t[0]),
                    GradCheck.uniform(REF, 7 + layer, -1, 1, 2, 3, 9));
            assertTrue(r.passed(), pool + ": " + r);
        }
    }
}

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
 * Upsample (nearest) on the reference backend: values against a direct loop, the gradient as the sum over each
 * block (and against central differences), scale factors per axis, output sizes that are and are not whole
 * multiples (PyTorch's float32 source index), and the errors.
 */
class UpsampleTest {
    private static final Device REF = Device.reference();

    private static Tensor u(long seed, long... dims) {
        return GradCheck.uniform(REF, seed, -1, 1, dims);
    }

    @Test
    void eachValueFillsItsBlock() {
        Tensor x = u(1, 2, 3, 4, 5);
        double[] v = x.toDoubleArray();
        Tensor y = Upsample.scaleFactor(2, 3).forward(x);
        assertEquals(Shape.of(2, 3, 8, 15), y.shape());
        double[] got = y.toDoubleArray();
        for (int nc = 0; nc < 6; nc++) {
            for (int i = 0; i < 8; i++) {
                for (int j = 0; j < 15; j++) {
                    assertEquals(v[(nc * 4 + i / 2) * 5 + j / 3], got[(nc * 8 + i) * 15 + j], 0.0,
                            "at " + nc + "," + i + "," + j);
                }
            }
        }
    }

    @Test
    void aSizeThatIsAWholeMultipleEqualsThatScaleFactor() {
        Tensor x = u(2, 1, 2, 3, 4);
        Tensor bySize = Upsample.size(6, 12).forward(x);
        Tensor byScale = Upsample.scaleFactor(2, 3).forward(x);
        assertEquals(Shape.of(1, 2, 6, 12), bySize.shape());
        assertEquals(byScale.sub(bySize).abs().sum().item(), 0.0, 0.0);
        assertEquals(Shape.of(1, 2, 9, 12), new Upsample(3).forward(x).shape());
    }

    @Test
    void theGradientIsTheSumOverEachBlock() {
        Tensor x = u(3, 2, 2, 3, 3).requiresGrad(true);
        Tensor dy = u(4, 2, 2, 6, 9);
        Upsample.scaleFactor(2, 3).forward(x).mul(dy).sum().backward();
        double[] d = dy.toDoubleArray();
        double[] got = x.grad().toDoubleArray();
        for (int nc = 0; nc < 4; nc++) {
            for (int i = 0; i < 3; i++) {
                for (int j = 0; j < 3; j++) {
                    double s = 0;
                    for (int a = 0; a < 2; a++) {
                        for (int e = 0; e < 3; e++) {
                            s += d[(nc * 6 + 2 * i + a) * 9 + 3 * j + e];
                        }
                    }
                    assertEquals(s, got[(nc * 3 + i) * 3 + j], 1e-12);
                }
            }
        }
        GradCheck.Result r = GradCheck.standard().check(t -> Functional.upsampleNearest(t[0], 3, 2), u(5, 1, 3, 5, 7));
        assertTrue(r.passed(), r.toString());
        Tensor strided = u(6, 1, 2, 4, 3);
        GradCheck.Result onView = GradCheck.standard().check(
                t -> Functional.upsampleNearest(t[0].transpose(2, 3), 2, 2), strided);
        assertTrue(onView.passed(), "a transposed (strided) input: " + onView);
    }

    /** y[.., i, j] = x[.., min(⌊i·(h/oh)⌋, h − 1), likewise j], the ratio in float32 as PyTorch's nearest. */
    private static double[] nearest(double[] x, int nc, int h, int w, int oh, int ow) {
        float sh = (float) h / oh;
        float sw = (float) w / ow;
        double[] y = new double[nc * oh * ow];
        for (int p = 0; p < nc; p++) {
            for (int i = 0; i < oh; i++) {
                for (int j = 0; j < ow; j++) {
                    int si = Math.min((int) Math.floor(i * sh), h - 1);
                    int sj = Math.min((int) Math.floor(j * sw), w - 1);
                    y[(p * oh + i) * ow + j] = x[(p * h + si) * w + sj];
                }
            }
        }
        return y;
    }

    @Test
    void anyOutputSizeTakesTheNearestInputBelowAsPyTorch() {
        int[][] sizes = {{3, 4, 7, 8}, {5, 7, 3, 4}, {4, 3, 10, 3}, {7, 5, 12, 13}};
        for (int[] s : sizes) {
            Tensor x = u(7, 2, 3, s[0], s[1]);
            Tensor y = Upsample.size(s[2], s[3]).forward(x);
            assertEquals(Shape.of(2, 3, s[2], s[3]), y.shape());
            double[] want = nearest(x.toDoubleArray(), 6, s[0], s[1], s[2], s[3]);
            double[] got = y.toDoubleArray();
            for (int i = 0; i < want.length; i++) {
                assertEquals(want[i], got[i], 0.0, s[0] + "x" + s[1] + " → " + s[2] + "x" + s[3] + " at " + i);
            }
        }
        // 2 → 7 rows: sources ⌊i·2/7⌋ = 0, 0, 0, 0, 1, 1, 1
        Tensor two = Tensor.of(REF, DType.F64, new double[] {10, 20}, 1, 1, 2, 1);
        assertArrayEquals(new double[] {10, 10, 10, 10, 20, 20, 20}, Upsample.size(7, 1).forward(two).toDoubleArray());
    }

    @Test
    void theGradientOfAnyOutputSizeMatchesFiniteDifferences() {
        GradCheck.Result up = GradCheck.standard().check(t -> Functional.interpolateNearest(t[0], 7, 8),
                u(8, 2, 2, 3, 5));
        assertTrue(up.passed(), "3x5 → 7x8: " + up);
        GradCheck.Result down = GradCheck.standard().check(t -> Functional.interpolateNearest(t[0], 3, 4),
                u(9, 1, 2, 5, 7));
        assertTrue(down.passed(), "5x7 → 3x4: " + down);
    }

    @Test
    void badArgumentsFailWithOneLine() {
        var scale = assertThrows(IllegalArgumentException.class, () -> Upsample.scaleFactor(0, 2));
        assertEquals("Upsample: scale_factor must be a whole number >= 1 on each axis, got 0x2", scale.getMessage());
        var size = assertThrows(IllegalArgumentException.class, () -> Upsample.size(0, 8));
        assertEquals("Upsample: size must be >= 1 on each axis, got 0x8", size.getMessage());
        var rank = assertThrows(IllegalArgumentException.class,
                () -> new Upsample(2).forward(Tensor.zeros(REF, DType.F32, 3, 4)));
        assertEquals("Upsample(scale_factor=2, mode='nearest'): got input of shape [3, 4], expected [n, c, h, w]",
                rank.getMessage());
    }
}

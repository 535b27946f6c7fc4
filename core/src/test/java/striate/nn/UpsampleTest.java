package striate.nn;

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
 * block (and against central differences), scale factors per axis and a target size, and the errors.
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

    @Test
    void badArgumentsFailWithOneLine() {
        var scale = assertThrows(IllegalArgumentException.class, () -> Upsample.scaleFactor(0, 2));
        assertEquals("Upsample: scale_factor must be a whole number >= 1 on each axis, got 0x2", scale.getMessage());
        var size = assertThrows(IllegalArgumentException.class,
                () -> Upsample.size(7, 8).forward(Tensor.zeros(REF, DType.F32, 1, 1, 3, 4)));
        assertEquals("Upsample(size=7x8, mode='nearest'): got input of shape [1, 1, 3, 4], expected height and width "
                + "that divide 7x8 (nearest upsampling here repeats whole blocks; resize the input or use "
                + "scale_factor)", size.getMessage());
        var rank = assertThrows(IllegalArgumentException.class,
                () -> new Upsample(2).forward(Tensor.zeros(REF, DType.F32, 3, 4)));
        assertEquals("Upsample(scale_factor=2, mode='nearest'): got input of shape [3, 4], expected [n, c, h, w]",
                rank.getMessage());
    }
}

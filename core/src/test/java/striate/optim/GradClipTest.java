package striate.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import striate.nn.Parameter;
import striate.tensor.DType;
import striate.tensor.Device;
import striate.tensor.Tensor;

/**
 * clipGradNorm against hand computations of PyTorch's clip_grad_norm_: the global norm over all gradients (2, 1, 3 and
 * infinity), scaling by maxNorm / (norm + 1e-6) only when that is below 1, parameters without gradients skipped, a
 * non-finite norm returned with the gradients left alone.
 */
class GradClipTest {
    private static final Device REF = Device.reference();

    /** Parameters with gradients [3, 4] and [[12], [0]], and one without a gradient. */
    private static List<Parameter> params() {
        Parameter a = new Parameter(Tensor.zeros(REF, DType.F32, 2));
        a.value().setGrad(Tensor.of(REF, DType.F32, new double[] {3, -4}, 2));
        Parameter b = new Parameter(Tensor.zeros(REF, DType.F32, 2, 1));
        b.value().setGrad(Tensor.of(REF, DType.F32, new double[] {12, 0}, 2, 1));
        Parameter none = new Parameter(Tensor.zeros(REF, DType.F32, 3));
        return List.of(a, b, none);
    }

    @Test
    void scalesEveryGradientByMaxNormOverTheGlobalNorm() {
        List<Parameter> ps = params();
        double norm = GradClip.clipGradNorm(ps, 6.5); // √(9 + 16 + 144) = 13
        assertEquals(13, norm, 1e-5);
        double scale = 6.5 / (13 + 1e-6);
        assertArrayEquals(new double[] {3 * scale, -4 * scale}, ps.get(0).grad().toDoubleArray(), 1e-6);
        assertArrayEquals(new double[] {12 * scale, 0}, ps.get(1).grad().toDoubleArray(), 1e-6);
        assertNull(ps.get(2).grad(), "a parameter without a gradient keeps none");
        assertEquals(6.5, GradClip.clipGradNorm(ps, 100), 1e-5, "the clipped gradients have norm maxNorm");
    }

    @Test
    void leavesGradientsBelowMaxNormAlone() {
        List<Parameter> ps = params();
        Tensor before = ps.get(0).grad();
        assertEquals(13, GradClip.clipGradNorm(ps, 13.5), 1e-5);
        assertSame(before, ps.get(0).grad(), "not touched");
        assertArrayEquals(new double[] {3, -4}, ps.get(0).grad().toDoubleArray());
    }

    @Test
    void otherNormTypes() {
        assertEquals(19, GradClip.clipGradNorm(params(), 100, 1), 1e-5); // 3 + 4 + 12
        assertEquals(Math.cbrt(27 + 64 + 1728), GradClip.clipGradNorm(params(), 100, 3), 1e-4);
        List<Parameter> ps = params();
        assertEquals(12, GradClip.clipGradNorm(ps, 6, Double.POSITIVE_INFINITY), 1e-6); // the largest |g|
        double scale = 6 / (12 + 1e-6);
        assertArrayEquals(new double[] {12 * scale, 0}, ps.get(1).grad().toDoubleArray(), 1e-6);
    }

    @Test
    void noGradientsGiveZeroAndANonFiniteNormChangesNothing() {
        assertEquals(0, GradClip.clipGradNorm(List.of(new Parameter(Tensor.zeros(REF, DType.F32, 2))), 1));
        List<Parameter> ps = params();
        ps.get(1).value().setGrad(Tensor.of(REF, DType.F32, new double[] {Double.NaN, 0}, 2, 1));
        assertTrue(Double.isNaN(GradClip.clipGradNorm(ps, 1)));
        assertArrayEquals(new double[] {3, -4}, ps.get(0).grad().toDoubleArray(), "left for the caller to handle");
    }

    @Test
    void badArgumentsAreOneClearError() {
        IllegalArgumentException max = assertThrows(IllegalArgumentException.class,
                () -> GradClip.clipGradNorm(params(), -1));
        assertTrue(max.getMessage().contains("maxNorm must be finite and >= 0, got -1.0"), max.getMessage());
        IllegalArgumentException type = assertThrows(IllegalArgumentException.class,
                () -> GradClip.clipGradNorm(params(), 1, 0));
        assertTrue(type.getMessage().contains("normType must be > 0"), type.getMessage());
    }

    @Test
    void onTheDeviceItClipsAsTheHostVersionWithoutReadingAnything() {
        for (double normType : new double[] {2, 1, 3, Double.POSITIVE_INFINITY}) {
            for (double maxNorm : new double[] {0.5, 6, 13.5, 100}) {
                List<Parameter> host = params();
                List<Parameter> device = params();
                double want = GradClip.clipGradNorm(host, maxNorm, normType);
                Tensor norm = GradClip.clipGradNormOnDevice(device, maxNorm, normType);
                assertEquals(REF, norm.device());
                assertEquals(want, norm.item(), 1e-5 * want, normType + ", " + maxNorm);
                for (int i = 0; i < 2; i++) {
                    assertArrayEquals(host.get(i).grad().toDoubleArray(), device.get(i).grad().toDoubleArray(),
                            1e-6, normType + ", " + maxNorm + ", gradient " + i);
                }
                assertNull(device.get(2).grad());
            }
        }
    }

    @Test
    void onTheDeviceANonFiniteNormLeavesTheGradientsAsTheyAre() {
        assertNull(GradClip.clipGradNormOnDevice(List.of(new Parameter(Tensor.zeros(REF, DType.F32, 2))), 1, 2));
        for (double bad : new double[] {Double.NaN, Double.POSITIVE_INFINITY}) {
            List<Parameter> ps = params();
            ps.get(1).value().setGrad(Tensor.of(REF, DType.F32, new double[] {bad, 0}, 2, 1));
            Tensor norm = GradClip.clipGradNormOnDevice(ps, 1, 2);
            assertTrue(!Double.isFinite(norm.item()));
            assertArrayEquals(new double[] {3, -4}, ps.get(0).grad().toDoubleArray(), "factor 1 for " + bad);
        }
    }
}

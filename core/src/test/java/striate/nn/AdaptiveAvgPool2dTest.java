package striate.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static striate.nn.ActivationLossFixtures.REF;
import static striate.nn.ActivationLossFixtures.assertClose;

import org.junit.jupiter.api.Test;
import striate.autograd.Autocast;
import striate.tensor.DType;
import striate.tensor.Tensor;

/**
 * AdaptiveAvgPool2d against PyTorch 1.13's adaptive_avg_pool2d (float64, [2, 1, 5, 7] → [3, 4], overlapping windows
 * both ways, printed to 17 digits): values and the input's gradient; global pooling; its type kept under autocast.
 */
class AdaptiveAvgPool2dTest {
    private static Tensor input() {
        double[] v = new double[70];
        for (int i = 0; i < 70; i++) {
            v[i] = Math.sin(i);
        }
        return Tensor.of(REF, DType.F64, v, 2, 1, 5, 7);
    }

    @Test
    void matchesPyTorchWithOverlappingWindows() {
        Tensor x = input().requiresGrad(true);
        AdaptiveAvgPool2d pool = new AdaptiveAvgPool2d(3, 4);
        Tensor y = pool.forward(x);
        assertArrayEquals(new long[] {2, 1, 3, 4}, y.shape().dims());
        double[] dy = new double[24];
        for (int i = 0; i < 24; i++) {
            dy[i] = i * 0.1 - 1;
        }
        y.backward(Tensor.of(REF, DType.F64, dy, 2, 1, 3, 4));
        assertClose(new double[] {
                0.6219539575375168, 0.45822400677820224, -0.6091984995586179, -0.33868641350896456,
                0.6858407284066351, -0.16691193587599276, -0.43538482511706467, 0.4442251596834819,
                0.10876905833513842, -0.6360588715168488, 0.14532153906684975, 0.8119822312778492,
                -0.7920644533708747, -0.21701961684663265, 0.6469236867334957, -0.014547761725950736,
                -0.5083016739744534, 0.38856533685137395, 0.22953758936970925, -0.6514207045743824,
                0.2504988729151277, 0.6310131623557378, -0.4023648662766754, -0.6795027402825236}, y.toDoubleArray(), 1e-14, "y");
        assertClose(new double[] {
                -0.25, -0.4, -0.15, -0.2833333333333333, -0.13333333333333333, -0.30833333333333335, -0.175, -0.35,
                -0.5555555555555556, -0.20555555555555555, -0.38333333333333336, -0.17777777777777776,
                -0.4027777777777778, -0.22499999999999998, -0.09999999999999999, -0.15555555555555556,
                -0.05555555555555555, -0.09999999999999998, -0.04444444444444443, -0.09444444444444441,
                -0.04999999999999999, -0.14999999999999997, -0.2222222222222222, -0.07222222222222222,
                -0.11666666666666664, -0.04444444444444443, -0.06944444444444439, -0.024999999999999967,
                -0.04999999999999999, -0.06666666666666665, -0.016666666666666663, -0.016666666666666663, 0.0,
                0.025000000000000022, 0.025000000000000022, 0.050000000000000044, 0.10000000000000006,
                0.05000000000000001, 0.1166666666666667, 0.0666666666666667, 0.1916666666666667, 0.125,
                0.15000000000000008, 0.27777777777777785, 0.1277777777777778, 0.2833333333333334,
                0.15555555555555559, 0.43055555555555564, 0.275, 0.10000000000000002, 0.1777777777777778,
                0.07777777777777779, 0.16666666666666669, 0.08888888888888889, 0.23888888888888893,
                0.15000000000000002, 0.35000000000000003, 0.6111111111111112, 0.2611111111111111, 0.55,
                0.2888888888888889, 0.7638888888888891, 0.4750000000000001, 0.25, 0.43333333333333335,
                0.18333333333333335, 0.3833333333333334, 0.20000000000000004, 0.5250000000000001,
                0.32500000000000007}, x.grad().toDoubleArray(), 1e-14, "dx");
        assertEquals("AdaptiveAvgPool2d(output_size=3x4)", pool.toString());
    }

    @Test
    void globalPoolingAndLowPrecision() {
        Tensor x = input();
        double[] g = new AdaptiveAvgPool2d(1).forward(x).toDoubleArray();
        double[] want = {x.slice(0, 0, 1).mean().item(), x.slice(0, 1, 2).mean().item()};
        assertClose(want, g, 1e-15, "global average");
        try (Autocast.Scope on = Autocast.enable(DType.BF16)) {
            Tensor low = x.to(DType.BF16);
            assertEquals(DType.BF16, new AdaptiveAvgPool2d(2).forward(low).dtype());
        }
        assertThrows(IllegalArgumentException.class, () -> new AdaptiveAvgPool2d(0));
        assertThrows(IllegalArgumentException.class,
                () -> new AdaptiveAvgPool2d(2).forward(Tensor.zeros(REF, DType.F32, 3, 4)));
    }
}

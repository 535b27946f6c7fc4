package striate.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static striate.nn.ActivationLossFixtures.REF;
import static striate.nn.ActivationLossFixtures.assertClose;
import static striate.nn.ActivationLossFixtures.awayFromZero;

import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import striate.autograd.GradCheck;
import striate.tensor.DType;
import striate.tensor.Tensor;

/**
 * GELU (exact and tanh), erf, SiLU, Softplus, SELU and Hardtanh: values and gradients, in float64 on the reference backend, against PyTorch 1.13's
 * (torch.nn.functional, float64, on the same inputs, printed to 17 digits), including the tails where an exponential
 * would overflow, the threshold where softplus turns linear and hardtanh's bounds (gradient 0 there); and numerical
 * gradient checks away from the kinks.
 */
class SmoothActivationsTest {
    private static final double[] X = {-30, -3, -0.5, 0, 0.5, 1, 3, 25};

    private static void matchesTorch(UnaryOperator<Tensor> f, double[] x, double[] y, double[] dydx, double tol,
                                     String what) {
        Tensor in = Tensor.of(REF, DType.F64, x, x.length).requiresGrad(true);
        Tensor out = f.apply(in);
        out.sum().backward();
        assertClose(y, out.toDoubleArray(), tol, what + " values");
        assertClose(dydx, in.grad().toDoubleArray(), tol, what + " gradients");
    }

    @Test
    void erfMatchesPyTorchAndPythonsMathErf() {
        matchesTorch(Tensor::erf, X,
                new double[] {-1.0, -0.9999779095030014, -0.5204998778130465, 0.0, 0.5204998778130465,
                        0.8427007929497149, 0.9999779095030014, 1.0},
                new double[] {0.0, 0.00013925305194674786, 0.8787825789354448, 1.1283791670955126, 0.8787825789354448,
                        0.4151074974205947, 0.00013925305194674786, 4.1534010636398965e-272},
                1e-14, "erf");
        double[] x = {0.1, 0.5, 1, 1.5, 2, 2.5, 3, 4, 5.5, -0.75, 1e-8};
        double[] want = {0.1124629160182849, 0.5204998778130465, 0.8427007929497149, 0.9661051464753108,
                0.9953222650189527, 0.999593047982555, 0.9999779095030014, 0.9999999845827421, 0.9999999999999927,
                -0.7111556336535151, 1.1283791670955126e-08};
        double[] got = Tensor.of(REF, DType.F64, x, x.length).erf().toDoubleArray();
        for (int i = 0; i < x.length; i++) {
            assertEquals(want[i], got[i], 2e-15 * Math.abs(want[i]), "erf(" + x[i] + ")");
        }
    }

    @Test
    void geluMatchesPyTorchExactAndTanh() {
        matchesTorch(x -> new GELU().forward(x), X,
                new double[] {-0.0, -0.00404969409489031, -0.15426876936299344, 0.0, 0.34573123063700656,
                        0.841344746068543, 2.99595030590511, 25.0},
                new double[] {-4.420938404635643e-195, -0.01194564720418392, 0.13250487534383712, 0.5,
                        0.8674951246561629, 1.0833154705876864, 1.011945647204184, 1.0},
                1e-13, "gelu");
        matchesTorch(x -> new GELU("tanh").forward(x), X,
                new double[] {-0.0, -0.0036373920817729943, -0.15428599017485606, 0.0, 0.34571400982514394,
                        0.8411919906082768, 2.996362607918227, 25.0},
                new double[] {0.0, -0.011584166630969648, 0.13263009646535764, 0.5, 0.8673699035346424,
                        1.0829640838457826, 1.0115841666309695, 1.0},
                1e-13, "gelu tanh");
        assertEquals("GELU(approximate='none')", new GELU().toString());
        assertEquals("GELU(approximate='tanh')", new GELU("tanh").toString());
        assertThrows(IllegalArgumentException.class, () -> new GELU("erf"));
    }

    @Test
    void siluMatchesPyTorch() {
        matchesTorch(Activations::silu, X,
                new double[] {-2.8072868906517896e-12, -0.14227761953270035, -0.1887703343990727, 0.0,
                        0.3112296656009273, 0.7310585786300049, 2.8577223804672998, 24.9999999996528},
                new double[] {-2.713710660963134e-12, -0.08810410601516962, 0.2600388126973482, 0.5,
                        0.7399611873026519, 0.9276705118714869, 1.0881041060151693, 1.000000000333312},
                1e-12, "silu");
        assertEquals("SiLU", new SiLU().toString());
    }

    @Test
    void softplusMatchesPyTorchIncludingItsLinearTail() {
        matchesTorch(x -> Activations.softplus(x, 1, 20), X,
                new double[] {9.357622968839737e-14, 0.04858735157374206, 0.4740769841801067, 0.6931471805599453,
                        0.9740769841801067, 1.3132616875182228, 3.048587351573742, 25.0},
                new double[] {9.3576229688393e-14, 0.04742587317756679, 0.37754066879814546, 0.5,
                        0.6224593312018546, 0.7310585786300049, 0.9525741268224333, 1.0},
                1e-12, "softplus");
        // beta 2, threshold 5: 2x > 5 is linear (x = 3 and 25)
        matchesTorch(x -> new Softplus(2, 5).forward(x), X,
                new double[] {4.37825538134826e-27, 0.0012378425688652247, 0.15663084375911143, 0.34657359027997264,
                        0.6566308437591114, 1.0634640055214863, 3.0, 25.0},
                new double[] {8.75651076269652e-27, 0.0024726231566347748, 0.2689414213699951, 0.5,
                        0.7310585786300049, 0.8807970779778824, 1.0, 1.0},
                1e-12, "softplus(beta=2, threshold=5)");
        Tensor far = Tensor.of(REF, DType.F32, new double[] {100, -100}, 2);
        float[] y = new Softplus().forward(far).toFloatArray();
        assertEquals(100f, y[0]);
        assertTrue(y[1] >= 0 && y[1] < 1e-7, "the negative tail underflows to (about) 0, never NaN: " + y[1]);
        assertEquals("Softplus(beta=1.0, threshold=20.0)", new Softplus().toString());
        assertThrows(IllegalArgumentException.class, () -> new Softplus(0, 20));
    }

    @Test
    void seluMatchesPyTorchWithItsGradientAtZeroFromTheNegativeSide() {
        matchesTorch(Activations::selu, X,
                new double[] {-1.758099340847212, -1.6705687287671118, -0.6917581878028713, 0.0, 0.5253504936777402,
                        1.0507009873554805, 3.1521029620664414, 26.26752468388701},
                new double[] {1.6451630773416182e-13, 0.08753061208026487, 1.0663411530445053, 1.7580993408473766,
                        1.0507009873554805, 1.0507009873554805, 1.0507009873554805, 1.0507009873554805},
                1e-12, "selu");
        assertEquals("SELU", new SELU().toString());
    }

    @Test
    void hardtanhHasNoGradientAtOrBeyondItsBoundsAndKeepsNaN() {
        matchesTorch(x -> new Hardtanh().forward(x), new double[] {-2, -1, -0.5, 0, 1, 1.5},
                new double[] {-1, -1, -0.5, 0, 1, 1}, new double[] {0, 0, 1, 1, 0, 0}, 0, "hardtanh");
        Tensor nan = Tensor.of(REF, DType.F32, new double[] {Double.NaN}, 1);
        assertTrue(Float.isNaN(new Hardtanh(-2, 3).forward(nan).toFloatArray()[0]));
        assertEquals("Hardtanh(min=-2.0, max=3.0)", new Hardtanh(-2, 3).toString());
        assertThrows(IllegalArgumentException.class, () -> new Hardtanh(1, 1));
    }

    @Test
    void numericalGradientsAwayFromTheKinks() {
        for (UnaryOperator<Tensor> f : java.util.List.<UnaryOperator<Tensor>>of(Activations::silu,
                x -> Activations.gelu(x, false), x -> Activations.gelu(x, true),
                x -> Activations.softplus(x, 1.5, 20), Activations::selu, x -> Activations.hardtanh(x, -0.5, 0.5))) {
            GradCheck.Result r = GradCheck.standard().check(a -> f.apply(a[0]), awayFromZero(7, 3, 4));
            assertTrue(r.passed(), r.toString());
        }
    }

    /** The review's edge cases: softplus's float32 tail (log1p), hardtanh at NaN, erf of −0. */
    @Test
    void edgesAsPyTorch() {
        Tensor tail = Tensor.of(REF, DType.F32, new double[] {-15, -10}, 2);
        float[] y = Activations.softplus(tail, 1, 20).toFloatArray();
        assertEquals(3.059022617435403e-07, y[0], 1e-6 * 3.06e-7, "PyTorch's float32 softplus(−15)");
        assertEquals(4.5398901420412585e-05, y[1], 1e-6 * 4.54e-5, "PyTorch's float32 softplus(−10)");
        Tensor nan = Tensor.of(REF, DType.F64, new double[] {Double.NaN}, 1).requiresGrad(true);
        Activations.hardtanh(nan, -1, 1).sum().backward();
        assertEquals(1.0, nan.grad().toDoubleArray()[0], "a NaN's gradient passes, as PyTorch's");
        double minusZero = Tensor.of(REF, DType.F64, new double[] {-0.0}, 1).erf().toDoubleArray()[0];
        assertEquals(Double.doubleToRawLongBits(-0.0), Double.doubleToRawLongBits(minusZero), "erf(−0) = −0");
    }
}

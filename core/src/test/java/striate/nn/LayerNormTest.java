package striate.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static striate.nn.ActivationLossFixtures.REF;
import static striate.nn.ActivationLossFixtures.assertClose;

import org.junit.jupiter.api.Test;
import striate.autograd.GradCheck;
import striate.tensor.DType;
import striate.tensor.Tensor;

/**
 * LayerNorm against PyTorch 1.13's (torch.nn.LayerNorm and functional.layer_norm in float64 on the same inputs,
 * printed to 17 digits): output and the gradients of the input, weight and bias, a constant row (zero variance)
 * included; normalizing over two dimensions without affine; a numerical gradient check; bad shapes named.
 */
class LayerNormTest {
    private static final double[] X = {0.5, -1.0, 2.0, 3.0, 0.0, -0.5, 1.0, 1.0, 1.0, -2.0, 4.0, 0.25};
    private static final double[] DY = {1, 2, 3, -1, 0.5, 2, 0.3, -0.7, 1.1, 2, 1, -1};

    @Test
    void matchesPyTorchWithWeightAndBias() {
        LayerNorm ln = new LayerNorm(3);
        ln.to(DType.F64);
        ln.namedParameters().get("weight").set(Tensor.of(REF, DType.F64, new double[] {1.5, -0.5, 2.0}, 3));
        // PyTorch's test copied float32 values into its float64 bias
        ln.namedParameters().get("bias").set(Tensor.of(REF, DType.F64,
                new double[] {0.10000000149011612, 0.20000000298023224, -0.30000001192092896}, 3));
        Tensor x = Tensor.of(REF, DType.F64, X, 2, 2, 3).requiresGrad(true);
        Tensor y = ln.forward(x);
        y.backward(Tensor.of(REF, DType.F64, DY, 2, 2, 3));
        assertClose(new double[] {0.10000000149011612, 0.8123703974447806, 2.1494815659372644, 2.2027346778891923,
                0.4695813717493446, -2.0253207720432482, 0.10000000149011612, 0.20000000298023224, -0.30000001192092896,
                -1.5667503364090665, -0.45659861498005183, -0.7040606998964882}, y.toDoubleArray(), 1e-12, "y");
        assertClose(new double[] {-0.5443292395240429, 0.27214556836564685, 0.27218367115839626, 0.18243076652448265,
                -1.2770607303834427, 1.0946299638589596, -173.92527130926084, -205.54804791094466, 379.47331922020555,
                0.6081534423063548, 0.36489050411785334, -0.9730439464242084}, x.grad().toDoubleArray(), 1e-10, "dx");
        assertClose(new double[] {-3.624156901464961, -1.4058657107067374, 2.1509319506527502},
                ln.namedParameters().get("weight").value().grad().toDoubleArray(), 1e-12, "dweight");
        assertClose(new double[] {2.3, 2.8, 5.1}, ln.namedParameters().get("bias").value().grad().toDoubleArray(),
                1e-12, "dbias");
        assertEquals("LayerNorm([3], eps=1.0E-5, elementwise_affine=true)", new LayerNorm(3).toString());
    }

    @Test
    void overTwoDimensionsWithoutAffineMatchesPyTorch() {
        LayerNorm ln = new LayerNorm(new long[] {2, 3}, 1e-3, false);
        assertTrue(ln.namedParameters().isEmpty());
        Tensor x = Tensor.of(REF, DType.F64, X, 2, 2, 3).requiresGrad(true);
        Tensor y = ln.forward(x);
        y.backward(Tensor.of(REF, DType.F64, DY, 2, 2, 3));
        assertClose(new double[] {-0.11864808983392838, -1.1864808983392838, 0.9491847186714271, 1.6610732576749974,
                -0.47459235933571353, -0.8305366288374987, 0.07123547968212302, 0.07123547968212302,
                0.07123547968212302, -1.638416032688829, 1.780886992053075, -0.356177398410615}, y.toDoubleArray(),
                1e-12, "y");
        assertClose(new double[] {-0.22306896488654293, 0.08294810289617316, 1.6065795843414523, -0.9703935908589262,
                -0.7143037247952795, 0.21823859330312456, -0.07810830235952865, -0.6479921398165127,
                0.3777987676060586, 0.7137116631008895, 0.49779294207681496, -0.8632029306077216},
                x.grad().toDoubleArray(), 1e-12, "dx");
    }

    @Test
    void gradientsCheckNumericallyAndBadShapesAreNamed() {
        LayerNorm ln = new LayerNorm(4);
        ln.to(DType.F64);
        Tensor w = ln.namedParameters().get("weight").value();
        GradCheck.Result r = GradCheck.standard().check(a -> ln.forward(a[0]),
                ActivationLossFixtures.uniform(3, -2, 2, 3, 4));
        assertTrue(r.passed(), r.toString());
        assertEquals(4, w.size());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ln.forward(
                Tensor.zeros(REF, DType.F64, 3, 5)));
        assertTrue(e.getMessage().contains("[..., 4]"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new LayerNorm(0));
    }
}

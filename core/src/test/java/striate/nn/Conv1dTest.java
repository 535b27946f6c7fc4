package striate.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.function.Function;
import org.junit.jupiter.api.Test;
import striate.autograd.GradCheck;
import striate.tensor.DType;
import striate.tensor.Device;
import striate.tensor.Rng;
import striate.tensor.Shape;
import striate.tensor.Tensor;

/**
 * Conv1d and max-over-time pooling on the reference backend: shapes, initialization bounds, the errors (one line
 * each), values against a direct 1-D convolution written here, and gradients of input, weight and bias against
 * central differences with stride, padding, dilation and groups.
 */
class Conv1dTest {
    private static final Device REF = Device.reference();

    private static Tensor u(long seed, long... dims) {
        return GradCheck.uniform(REF, seed, -1, 1, dims);
    }

    /** y[b, o, t] = bias[o] + Σ_{c in o's group, j} w[o, c, j] · x[b, g·cg + c, t·stride − padding + j·dilation]. */
    private static double[] direct(double[] x, long[] xs, double[] w, long[] ws, double[] bias, int stride,
                                   int padding, int dilation, int groups) {
        int n = (int) xs[0];
        int c = (int) xs[1];
        int l = (int) xs[2];
        int out = (int) ws[0];
        int cg = (int) ws[1];
        int k = (int) ws[2];
        int lOut = (l + 2 * padding - dilation * (k - 1) - 1) / stride + 1;
        int og = out / groups;
        double[] y = new double[n * out * lOut];
        for (int b = 0; b < n; b++) {
            for (int o = 0; o < out; o++) {
                int g = o / og;
                for (int t = 0; t < lOut; t++) {
                    double s = bias == null ? 0 : bias[o];
                    for (int ci = 0; ci < cg; ci++) {
                        for (int j = 0; j < k; j++) {
                            int at = t * stride - padding + j * dilation;
                            if (at >= 0 && at < l) {
                                s += w[(o * cg + ci) * k + j] * x[(b * c + g * cg + ci) * l + at];
                            }
                        }
                    }
                    y[(b * out + o) * lOut + t] = s;
                }
            }
        }
        return y;
    }

    @Test
    void outputLengthFollowsStridePaddingAndDilation() {
        Conv1d conv = new Conv1d(4, 6, 3, Conv1d.Options.defaults().stride(2).padding(1), new Rng(1));
        assertEquals(Shape.of(2, 6, 5), conv.forward(Tensor.zeros(REF, DType.F32, 2, 4, 10)).shape());
        assertEquals(Shape.of(6, 4, 3), conv.weight().value().shape());
        assertEquals(Shape.of(6), conv.bias().value().shape());
        Conv1d dilated = new Conv1d(4, 6, 3, Conv1d.Options.defaults().dilation(2).groups(2).bias(false), new Rng(1));
        assertEquals(Shape.of(2, 6, 6), dilated.forward(Tensor.zeros(REF, DType.F32, 2, 4, 10)).shape());
        assertEquals(Shape.of(6, 2, 3), dilated.weight().value().shape());
        assertNull(dilated.bias());
        assertEquals("Conv1d(4, 6, kernel_size=3, stride=2, padding=1)", conv.toString());
        assertEquals("Conv1d(4, 6, kernel_size=3, dilation=2, groups=2, bias=false)", dilated.toString());
    }

    @Test
    void defaultInitializationIsUniformWithinOneOverRootFanIn() {
        Conv1d conv = new Conv1d(8, 16, 5, new Rng(3));
        double bound = 1 / Math.sqrt(8 * 5);
        double largest = 0;
        for (double v : conv.weight().value().toDoubleArray()) {
            assertTrue(Math.abs(v) <= bound, "weight " + v + " beyond ±" + bound);
            largest = Math.max(largest, Math.abs(v));
        }
        assertTrue(largest > 0.9 * bound, "640 draws should come near the bound, largest " + largest);
        for (double v : conv.bias().value().toDoubleArray()) {
            assertTrue(Math.abs(v) <= bound, "bias " + v + " beyond ±" + bound);
        }
    }

    @Test
    void badInputsFailWithOneLineNamingTheProblem() {
        Conv1d conv = new Conv1d(4, 6, 5, new Rng(1));
        var rank = assertThrows(IllegalArgumentException.class,
                () -> conv.forward(Tensor.zeros(REF, DType.F32, 4, 10)));
        assertEquals("Conv1d(4, 6, kernel_size=5): got input of shape [4, 10], expected [n, 4, length]",
                rank.getMessage());
        var channels = assertThrows(IllegalArgumentException.class,
                () -> conv.forward(Tensor.zeros(REF, DType.F32, 2, 3, 10)));
        assertEquals("Conv1d(4, 6, kernel_size=5): got input of shape [2, 3, 10], expected [n, 4, length]",
                channels.getMessage());
        var shortInput = assertThrows(IllegalArgumentException.class,
                () -> conv.forward(Tensor.zeros(REF, DType.F32, 2, 4, 4)));
        assertEquals("conv1d: got input length 4 (4 with padding 0), expected at least the kernel's span 5; pad the "
                + "input to that length", shortInput.getMessage());
        var groups = assertThrows(IllegalArgumentException.class,
                () -> new Conv1d(4, 6, 3, Conv1d.Options.defaults().groups(4), new Rng(1)));
        assertEquals("Conv1d: in (4) and out (6) channels must be divisible by groups=4", groups.getMessage());
        Tensor x = Tensor.zeros(REF, DType.F32, 2, 4, 10);
        Tensor w = Tensor.zeros(REF, DType.F32, 6, 3, 3);
        var weight = assertThrows(IllegalArgumentException.class,
                () -> Functional.conv1d(x, w, null, 1, 0, 1, 1, false));
        assertTrue(weight.getMessage().startsWith("conv1d: got input x [2, 4, 10] for weight [6, 3, 3] with groups=1"),
                weight.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Conv1d.Options.defaults().padding(-1));
        for (String m : new String[] {rank.getMessage(), channels.getMessage(), shortInput.getMessage()}) {
            assertTrue(!m.contains("\n"), m);
        }
    }

    @Test
    void valuesMatchADirectConvolution() {
        long[] xs = {2, 4, 11};
        int[][] settings = { // stride, padding, dilation, groups
            {1, 0, 1, 1}, {2, 1, 1, 1}, {1, 2, 2, 2}, {3, 4, 1, 4}, {1, 0, 3, 1}};
        for (int[] s : settings) {
            long[] ws = {8, 4 / s[3], 3};
            Tensor x = u(1, xs);
            Tensor w = u(2, ws);
            Tensor b = u(3, 8);
            Tensor y = Functional.conv1d(x, w, b, s[0], s[1], s[2], s[3], false);
            double[] want = direct(x.toDoubleArray(), xs, w.toDoubleArray(), ws, b.toDoubleArray(), s[0], s[1], s[2],
                    s[3]);
            assertArrayEquals(want, y.toDoubleArray(), 1e-12, "stride, padding, dilation, groups " + s[0] + ", " + s[1]
                    + ", " + s[2] + ", " + s[3]);
            Tensor relu = Functional.conv1d(x, w, b, s[0], s[1], s[2], s[3], true);
            for (int i = 0; i < want.length; i++) {
                want[i] = Math.max(want[i], 0);
            }
            assertArrayEquals(want, relu.toDoubleArray(), 1e-12);
        }
    }

    private static void assertGradients(String what, Function<Tensor[], Tensor> f, Tensor... inputs) {
        GradCheck.Result r = GradCheck.standard().check(f, inputs);
        assertTrue(r.passed(), what + ": " + r);
    }

    @Test
    void gradientsOfInputWeightAndBiasMatchFiniteDifferences() {
        assertGradients("plain with bias", t -> Functional.conv1d(t[0], t[1], t[2], 1, 0, 1, 1, false),
                u(4, 2, 3, 7), u(5, 4, 3, 3), u(6, 4));
        assertGradients("stride 2, padding 2", t -> Functional.conv1d(t[0], t[1], t[2], 2, 2, 1, 1, false),
                u(7, 2, 3, 9), u(8, 5, 3, 4), u(9, 5));
        assertGradients("groups 2, dilation 2, padding 1", t -> Functional.conv1d(t[0], t[1], t[2], 1, 1, 2, 2, false),
                u(10, 2, 4, 8), u(11, 6, 2, 3), u(12, 6));
        assertGradients("wide (padding k − 1), no bias", t -> Functional.conv1d(t[0], t[1], null, 1, 2, 1, 1, false),
                u(13, 1, 2, 4), u(14, 3, 2, 3));
    }

    @Test
    void maxOverTimeKeepsEachChannelsLargestValueAndRoutesItsGradient() {
        Tensor x = Tensor.of(REF, DType.F64, new double[] {3, 1, 4, 1, 5, /* channel 1 */ -2, -7, -1, -8, -3}, 1, 2, 5);
        AdaptiveMaxPool1d pool = new AdaptiveMaxPool1d(1);
        Tensor y = pool.forward(x);
        assertEquals(Shape.of(1, 2, 1), y.shape());
        assertArrayEquals(new double[] {5, -1}, y.toDoubleArray(), 0);
        assertEquals("AdaptiveMaxPool1d(output_size=1)", pool.toString());
        var size = assertThrows(IllegalArgumentException.class, () -> new AdaptiveMaxPool1d(2));
        assertTrue(size.getMessage().startsWith("AdaptiveMaxPool1d: output size 2 is not built; only 1"));
        assertThrows(IllegalArgumentException.class, () -> pool.forward(Tensor.zeros(REF, DType.F64, 2, 5)));
        assertGradients("max over time", t -> Functional.adaptiveMaxPool1d(t[0], 1), u(15, 3, 4, 9));
        assertGradients("conv1d, ReLU, max over time",
                t -> Functional.adaptiveMaxPool1d(Functional.conv1d(t[0], t[1], t[2], 1, 1, 1, 1, true), 1),
                u(16, 2, 3, 8), u(17, 4, 3, 3), u(18, 4));
    }
}

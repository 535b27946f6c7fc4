package striate.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import striate.autograd.GradCheck;
import striate.op.ConvParams;
import striate.tensor.DType;
import striate.tensor.Device;
import striate.tensor.Rng;
import striate.tensor.Shape;
import striate.tensor.Tensor;

/**
 * ConvTranspose2d on the reference backend: shapes, initialization bounds, the errors (one line each), values against
 * a transposed convolution written here in scatter form, the adjoint identity ⟨conv(z, w), x⟩ = ⟨z, convT(x, w)⟩,
 * and gradients of input, weight and bias against central differences, over stride, padding, output padding,
 * groups, dilation and non-square kernels.
 */
class ConvTranspose2dTest {
    private static final Device REF = Device.reference();

    private static Tensor u(long seed, long... dims) {
        return GradCheck.uniform(REF, seed, -1, 1, dims);
    }

    /** One configuration: x [n, in, h, w], weight [in, out/groups, kh, kw], bias [out]. */
    private record Case(String name, long[] x, int out, int kh, int kw, ConvParams p, int oph, int opw) {
        long[] w() {
            return new long[] {x[1], out / p.groups(), kh, kw};
        }

        long oh() {
            return ConvTranspose2d.outputSize(x[2], kh, p.strideH(), p.padH(), p.dilationH(), oph);
        }

        long ow() {
            return ConvTranspose2d.outputSize(x[3], kw, p.strideW(), p.padW(), p.dilationW(), opw);
        }

        Tensor apply(Tensor x, Tensor w, Tensor b) {
            return Functional.convTranspose2d(x, w, b, p, oph, opw);
        }

        @Override
        public String toString() {
            return name;
        }
    }

    private static final List<Case> CASES = List.of(
            new Case("stride 1 pad 0", new long[] {2, 3, 4, 5}, 2, 3, 3, ConvParams.of(1, 0), 0, 0),
            new Case("DCGAN k4 s2 p1", new long[] {2, 4, 4, 4}, 3, 4, 4, ConvParams.of(2, 1), 0, 0),
            new Case("k3 s2 p1 output_padding 1", new long[] {1, 3, 5, 4}, 2, 3, 3, ConvParams.of(2, 1), 1, 1),
            new Case("groups 2, kernel 3x2, stride 2x1, pad 1x0, output_padding 1x0", new long[] {2, 4, 3, 5}, 6, 3, 2,
                    new ConvParams(2, 1, 1, 0, 1, 1, 2), 1, 0),
            new Case("stride 3 dilation 2 pad 1 output_padding 2", new long[] {1, 2, 3, 3}, 2, 2, 2,
                    new ConvParams(3, 3, 1, 1, 2, 2, 1), 2, 2),
            new Case("dilation 2 output_padding 1 at the stride, pad 1x0", new long[] {1, 2, 4, 3}, 3, 3, 3,
                    new ConvParams(1, 1, 1, 0, 2, 2, 1), 1, 1),
            new Case("1x1 kernel, dilation 3, output_padding 2 past a padding of 1", new long[] {2, 2, 2, 3}, 2, 1, 1,
                    new ConvParams(1, 1, 1, 1, 3, 3, 1), 2, 2),
            new Case("1x1 input and kernel, padding past the full output: bias only", new long[] {2, 2, 1, 1}, 3, 1, 1,
                    new ConvParams(1, 1, 2, 2, 5, 5, 1), 4, 4));

    /**
     * Every x[b, ci, i, j] adds x·w[ci, o, a, e] to y[b, g·og + o, i·strideH − padH + a·dilationH, j·strideW − padW +
     * e·dilationW] where that lies inside [oh, ow]; g is ci's group, og = out/groups. Then the bias.
     */
    private static double[] scatter(Case c, double[] x, double[] w, double[] bias) {
        int n = (int) c.x()[0];
        int in = (int) c.x()[1];
        int h = (int) c.x()[2];
        int wd = (int) c.x()[3];
        int oh = (int) c.oh();
        int ow = (int) c.ow();
        int og = c.out() / c.p().groups();
        int ig = in / c.p().groups();
        ConvParams p = c.p();
        double[] y = new double[n * c.out() * oh * ow];
        for (int b = 0; b < n; b++) {
            for (int ci = 0; ci < in; ci++) {
                int g = ci / ig;
                for (int i = 0; i < h; i++) {
                    for (int j = 0; j < wd; j++) {
                        double v = x[((b * in + ci) * h + i) * wd + j];
                        for (int o = 0; o < og; o++) {
                            for (int a = 0; a < c.kh(); a++) {
                                for (int e = 0; e < c.kw(); e++) {
                                    int r = i * p.strideH() - p.padH() + a * p.dilationH();
                                    int s = j * p.strideW() - p.padW() + e * p.dilationW();
                                    if (r >= 0 && r < oh && s >= 0 && s < ow) {
                                        int yo = g * og + o;
                                        y[((b * c.out() + yo) * oh + r) * ow + s] +=
                                                v * w[((ci * og + o) * c.kh() + a) * c.kw() + e];
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        for (int i = 0; i < y.length; i++) {
            y[i] += bias[i / (oh * ow) % c.out()];
        }
        return y;
    }

    @Test
    void valuesMatchAScatterTransposedConvolution() {
        for (Case c : CASES) {
            Tensor x = u(1, c.x());
            Tensor w = u(2, c.w());
            Tensor b = u(3, c.out());
            Tensor y = c.apply(x, w, b);
            assertEquals(Shape.of(c.x()[0], c.out(), c.oh(), c.ow()), y.shape(), c.name());
            double[] want = scatter(c, x.toDoubleArray(), w.toDoubleArray(), b.toDoubleArray());
            double[] got = y.toDoubleArray();
            for (int i = 0; i < want.length; i++) {
                assertEquals(want[i], got[i], 1e-12, c.name() + " at " + i);
            }
        }
    }

    @Test
    void isTheAdjointOfTheConvolutionWithTheSameWeight() {
        for (Case c : CASES) {
            if (c.oph() >= c.p().strideH() || c.opw() >= c.p().strideW()) {
                continue; // an output padding at or past the stride makes the convolution's output larger than x
            }
            Tensor x = u(4, c.x());
            Tensor w = u(5, c.w());
            Tensor z = u(6, c.x()[0], c.out(), c.oh(), c.ow());
            Tensor convZ = Functional.conv2d(z, w, null, c.p()); // [n, in, h, w]
            assertEquals(x.shape(), convZ.shape(), c.name());
            double left = convZ.mul(x).sum().item();
            double right = z.mul(c.apply(x, w, null)).sum().item();
            assertEquals(left, right, 1e-12 * Math.max(1, Math.abs(left)), c.name());
            assertTrue(Math.abs(left) > 1e-6, c.name() + ": a nonzero inner product, " + left);
        }
    }

    @Test
    void gradientsOfInputWeightAndBiasMatchFiniteDifferences() {
        for (Case c : CASES) {
            GradCheck.Result r = GradCheck.standard().check(t -> c.apply(t[0], t[1], t[2]), u(7, c.x()), u(8, c.w()),
                    u(9, c.out()));
            assertTrue(r.passed(), c.name() + ": " + r);
        }
    }

    @Test
    void layerShapesFollowTheOutputSizeFormula() {
        ConvTranspose2d first = new ConvTranspose2d(100, 64, 4, 1, 0, new Rng(1));
        Tensor y = first.forward(Tensor.zeros(REF, DType.F32, 2, 100, 1, 1));
        assertEquals(Shape.of(2, 64, 4, 4), y.shape());
        assertEquals(Shape.of(100, 64, 4, 4), first.weight().value().shape());
        assertEquals(Shape.of(64), first.bias().value().shape());
        ConvTranspose2d up = new ConvTranspose2d(64, 32, 4, 2, 1, new Rng(2));
        assertEquals(Shape.of(2, 32, 8, 8), up.forward(y).shape());
        ConvTranspose2d grouped = new ConvTranspose2d(6, 4, 3, 2, new ConvParams(2, 1, 1, 0, 1, 2, 2), 1, 0, false,
                new Rng(3));
        assertEquals(Shape.of(6, 2, 3, 2), grouped.weight().value().shape());
        assertNull(grouped.bias());
        // oh = (5 − 1)·2 − 2 + 2 + 1 + 1 = 10, ow = (7 − 1)·1 − 0 + 2·1 + 0 + 1 = 9
        assertEquals(Shape.of(1, 4, 10, 9), grouped.forward(Tensor.zeros(REF, DType.F32, 1, 6, 5, 7)).shape());
        assertEquals("ConvTranspose2d(100, 64, kernel=4, stride=1, padding=0)", first.toString());
        assertEquals("ConvTranspose2d(6, 4, kernel=3x2, stride=2x1, padding=1x0, output_padding=1x0, dilation=1x2, "
                + "groups=2, bias=false)", grouped.toString());
    }

    @Test
    void defaultInitializationIsUniformWithinOneOverRootOfPyTorchsFanIn() {
        ConvTranspose2d conv = new ConvTranspose2d(16, 8, 3, 3, new ConvParams(1, 1, 0, 0, 1, 1, 2), 0, 0, true,
                new Rng(3));
        double bound = 1 / Math.sqrt(8 / 2 * 3 * 3); // PyTorch's fan-in of weight [in, out/groups, kh, kw]
        double largest = 0;
        for (double v : conv.weight().value().toDoubleArray()) {
            assertTrue(Math.abs(v) <= bound, "weight " + v + " beyond ±" + bound);
            largest = Math.max(largest, Math.abs(v));
        }
        assertTrue(largest > 0.9 * bound, "576 draws should come near the bound, largest " + largest);
        for (double v : conv.bias().value().toDoubleArray()) {
            assertTrue(Math.abs(v) <= bound, "bias " + v + " beyond ±" + bound);
        }
    }

    @Test
    void badArgumentsFailWithOneLineNamingTheProblem() {
        var outputPadding = assertThrows(IllegalArgumentException.class,
                () -> new ConvTranspose2d(4, 4, 3, 3, ConvParams.of(2, 1), 2, 0, true, new Rng(1)));
        assertEquals("ConvTranspose2d: output_padding 2x0 must be >= 0 and smaller than either stride 2x2 or dilation "
                + "1x1 on each axis; lower output_padding", outputPadding.getMessage());
        var groups = assertThrows(IllegalArgumentException.class,
                () -> new ConvTranspose2d(4, 6, 3, 3, new ConvParams(1, 1, 0, 0, 1, 1, 4), 0, 0, true, new Rng(1)));
        assertEquals("ConvTranspose2d: in (4) and out (6) channels must be divisible by groups=4", groups.getMessage());
        ConvTranspose2d conv = new ConvTranspose2d(4, 6, 3, 1, 0, new Rng(1));
        var channels = assertThrows(IllegalArgumentException.class,
                () -> conv.forward(Tensor.zeros(REF, DType.F32, 2, 3, 5, 5)));
        assertEquals("ConvTranspose2d(4, 6, kernel=3, stride=1, padding=0): got input of shape [2, 3, 5, 5], "
                + "expected [n, 4, h, w]", channels.getMessage());
        Tensor x = Tensor.zeros(REF, DType.F32, 1, 4, 5, 5);
        var weight = assertThrows(IllegalArgumentException.class, () -> Functional.convTranspose2d(x,
                Tensor.zeros(REF, DType.F32, 6, 4, 3, 3), null, ConvParams.of(1, 0), 0, 0));
        assertEquals("convTranspose2d: got weight w [6, 4, 3, 3] for input x [1, 4, 5, 5] with groups=1, expected "
                + "[4, out/groups, kh, kw] with 4 divisible by groups", weight.getMessage());
        var tooSmall = assertThrows(IllegalArgumentException.class, () -> Functional.convTranspose2d(
                Tensor.zeros(REF, DType.F32, 1, 1, 1, 1), Tensor.zeros(REF, DType.F32, 1, 1, 1, 1), null,
                ConvParams.of(1, 1), 0, 0));
        assertTrue(tooSmall.getMessage().startsWith("convTranspose2d: got output size -1x-1"), tooSmall.getMessage());
        var bias = assertThrows(IllegalArgumentException.class, () -> Functional.convTranspose2d(x,
                Tensor.zeros(REF, DType.F32, 4, 2, 3, 3), Tensor.zeros(REF, DType.F32, 4), ConvParams.of(1, 0), 0, 0));
        assertEquals("convTranspose2d: got bias b [4], expected [2]", bias.getMessage());
        for (String m : new String[] {outputPadding.getMessage(), groups.getMessage(), channels.getMessage(),
                weight.getMessage(), tooSmall.getMessage(), bias.getMessage()}) {
            assertTrue(!m.contains("\n"), m);
        }
        assertArrayEquals(new long[] {1, 2, 7, 7}, Functional.convTranspose2d(x, Tensor.zeros(REF, DType.F32, 4, 2, 3,
                3), null, ConvParams.of(1, 0), 0, 0).shape().dims());
    }
}

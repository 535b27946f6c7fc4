package striate.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import striate.backend.KernelTrace;
import striate.nn.BatchNorm2d;
import striate.nn.ConvTranspose2d;
import striate.nn.Module;
import striate.nn.ReLU;
import striate.nn.Sequential;
import striate.nn.Tanh;
import striate.nn.Upsample;
import striate.op.Conv2dBackwardDataOp;
import striate.op.ConvParams;
import striate.tensor.DType;
import striate.tensor.Device;
import striate.tensor.Rng;
import striate.tensor.Shape;
import striate.tensor.Tensor;

/**
 * The generative models' upsampling layers on one backend against the reference, subclassed per backend like
 * {@link OpConformance}: ConvTranspose2d (stride, padding, output padding on both of its paths, groups, dilation,
 * non-square kernels, a DCGAN layer) and Upsample, forward and the gradients of input, weight and bias; and the
 * DCGAN generator's shapes (z [n, 100, 1, 1] → 4 → 8 → 16 → 32, and 7 → 14 → 28 for Fashion-MNIST) run forward and
 * backward on this backend, with one step of a narrow generator compared with the reference's; the kernel trace shows
 * the transposed convolution and both its gradients run on this backend's own conv kernel.
 */
public abstract class GenerativeLayersConformance {
    /** The device under test. */
    protected abstract Device device();

    /** The name of the kernel that serves this backend's three conv ops in its table (CpuConv2d, CudnnConv2d). */
    protected abstract String convKernel();

    /** Sums of products in float32, as the conv kernels' table entry. */
    private static final Tolerance CLOSE = Tolerance.of(Conv2dBackwardDataOp.class, DType.F32);

    /** Output and the gradients of x and of every parameter of m on d, after a projection on fixed weights. */
    private static Map<String, double[]> pass(Module m, Device d, long[] xDims) {
        m.to(d);
        m.train();
        Tensor x = Fixtures.uniform(d, 41, -1, 1, xDims).copy().requiresGrad(true);
        Tensor y = m.forward(x);
        y.mul(Fixtures.uniform(d, 42, -1, 1, y.shape().dims())).sum().backward();
        Map<String, double[]> out = new LinkedHashMap<>();
        out.put("output", y.toDoubleArray());
        out.put("dx", x.grad().toDoubleArray());
        m.namedParameters().forEach((name, p) -> out.put("gradient of " + name, p.grad().toDoubleArray()));
        return out;
    }

    private void assertSamePass(String what, Supplier<Module> make, long... xDims) {
        Map<String, double[]> ref = pass(make.get(), Device.reference(), xDims);
        Map<String, double[]> got = pass(make.get(), device(), xDims);
        assertEquals(ref.keySet(), got.keySet(), what);
        ref.forEach((k, v) -> assertNull(CLOSE.mismatches(what + " " + k, v, got.get(k))));
    }

    @Test
    void convTranspose2dForwardAndGradientsMatchTheReference() {
        assumeFalse(device().equals(Device.reference()), "compares this backend with the reference backend");
        assertSamePass("k3 stride 1", () -> new ConvTranspose2d(3, 5, 3, 1, 0, new Rng(1)), 2, 3, 6, 7);
        assertSamePass("DCGAN k4 s2 p1 32→16 on 8x8, batch 3", () -> new ConvTranspose2d(32, 16, 4, 2, 1,
                new Rng(2)), 3, 32, 8, 8);
        assertSamePass("k3 s2 p1 output_padding 1", () -> new ConvTranspose2d(4, 3, 3, 3, ConvParams.of(2, 1), 1, 1,
                true, new Rng(3)), 2, 4, 5, 6);
        assertSamePass("groups 2, kernel 3x2, stride 2x1, pad 1x0, output_padding 1x0, no bias",
                () -> new ConvTranspose2d(4, 6, 3, 2, new ConvParams(2, 1, 1, 0, 1, 1, 2), 1, 0, false, new Rng(4)),
                2, 4, 5, 7);
        assertSamePass("dilation 2, output_padding 1 at the stride (cropped full output)",
                () -> new ConvTranspose2d(3, 4, 3, 3, new ConvParams(1, 1, 1, 0, 2, 2, 1), 1, 1, true, new Rng(5)),
                2, 3, 6, 5);
        assertSamePass("Fashion-MNIST k7 100→16 on 1x1", () -> new ConvTranspose2d(100, 16, 7, 1, 0, new Rng(6)),
                4, 100, 1, 1);
    }

    @Test
    void aTransposedConvolutionRunsThisBackendsOwnConvKernels() {
        ConvTranspose2d up = new ConvTranspose2d(8, 4, 4, 2, 1, new Rng(1));
        up.to(device());
        Tensor x = Fixtures.uniform(device(), 2, -1, 1, 2, 8, 5, 5).copy().requiresGrad(true);
        Set<String> kernels;
        try (KernelTrace.Recorder r = KernelTrace.record()) {
            up.forward(x).sum().backward();
            assertTrue(r.events().stream().noneMatch(KernelTrace.Event::borrowed), r.summary());
            kernels = r.events().stream().map(e -> e.op() + " " + e.kernel()).collect(Collectors.toSet());
        }
        // forward = backward data; dx = the forward convolution; dw = backward filter
        assertTrue(kernels.containsAll(Set.of("Conv2dBackwardDataOp " + convKernel(), "Conv2dOp " + convKernel(),
                "Conv2dBackwardFilterOp " + convKernel())), kernels.toString());
    }

    @Test
    void upsampleForwardAndGradientMatchTheReference() {
        assumeFalse(device().equals(Device.reference()), "compares this backend with the reference backend");
        assertSamePass("upsample 2x3", () -> Upsample.scaleFactor(2, 3), 3, 5, 7, 9);
        assertSamePass("upsample 4x6 to size 7x10 (gathered rows and columns)", () -> Upsample.size(7, 10), 3, 5, 4, 6);
        assertSamePass("upsample 5x7 down to size 3x4", () -> Upsample.size(3, 4), 2, 3, 5, 7);
        assertSamePass("upsample then conv transpose", () -> new Sequential(new Upsample(2),
                new ConvTranspose2d(3, 2, 3, 1, 1, new Rng(7))), 2, 3, 5, 4);
    }

    /** z [n, 100, 1, 1] → [n, channels, side, side] by k-strided transposed convolutions, batch norm and ReLU. */
    private static Sequential generator(long[] widths, int firstKernel, Rng rng) {
        Sequential g = new Sequential();
        g.add(new ConvTranspose2d(widths[0], widths[1], firstKernel, 1, 0, rng));
        for (int i = 1; i < widths.length - 1; i++) {
            g.add(new BatchNorm2d(widths[i])).add(new ReLU());
            g.add(new ConvTranspose2d(widths[i], widths[i + 1], 4, 2, 1, rng));
        }
        return g.add(new Tanh());
    }

    /** Each layer's output shape, then the gradients of z and every parameter are finite and not all zero. */
    private void assertGeneratorRuns(Sequential g, long n, List<Shape> wantShapes) {
        g.to(device());
        g.train();
        Tensor z = Fixtures.uniform(device(), 43, -1, 1, n, 100, 1, 1).copy().requiresGrad(true);
        List<Shape> shapes = new ArrayList<>();
        Tensor h = z;
        for (Module layer : g.children().values()) {
            h = layer.forward(h);
            if (layer instanceof ConvTranspose2d) {
                shapes.add(h.shape());
            }
        }
        assertEquals(wantShapes, shapes);
        h.mul(Fixtures.uniform(device(), 44, -1, 1, h.shape().dims())).sum().backward();
        Map<String, Tensor> grads = new LinkedHashMap<>();
        grads.put("z", z.grad());
        g.namedParameters().forEach((name, p) -> grads.put(name, p.grad()));
        grads.forEach((name, t) -> {
            double sum = 0;
            for (double v : t.toDoubleArray()) {
                assertTrue(Double.isFinite(v), name + " has a non-finite gradient");
                sum += Math.abs(v);
            }
            assertTrue(sum > 0, name + "'s gradient is all zeros");
        });
    }

    @Test
    void dcganGeneratorsRunForwardAndBackward() {
        assumeFalse(device().equals(Device.reference()), "full-width generators are for the fast backends");
        assertGeneratorRuns(generator(new long[] {100, 512, 256, 128, 3}, 4, new Rng(8)), 4, List.of(
                Shape.of(4, 512, 4, 4), Shape.of(4, 256, 8, 8), Shape.of(4, 128, 16, 16), Shape.of(4, 3, 32, 32)));
        assertGeneratorRuns(generator(new long[] {100, 256, 128, 1}, 7, new Rng(9)), 4, List.of(
                Shape.of(4, 256, 7, 7), Shape.of(4, 128, 14, 14), Shape.of(4, 1, 28, 28)));
    }

    @Test
    void aNarrowGeneratorsStepMatchesTheReference() {
        assumeFalse(device().equals(Device.reference()), "compares this backend with the reference backend");
        assertSamePass("generator 100→32→16→8→3, 32x32", () -> generator(new long[] {100, 32, 16, 8, 3}, 4,
                new Rng(10)), 3, 100, 1, 1);
        assertSamePass("generator 100→16→8→1, 28x28", () -> generator(new long[] {100, 16, 8, 1}, 7, new Rng(11)),
                3, 100, 1, 1);
    }
}

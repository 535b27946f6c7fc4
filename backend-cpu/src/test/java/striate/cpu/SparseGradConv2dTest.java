package striate.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import striate.backend.KernelTrace;
import striate.nn.Functional;
import striate.op.Conv2dBackwardDataOp;
import striate.op.ConvParams;
import striate.tensor.DType;
import striate.tensor.Device;
import striate.tensor.Rng;
import striate.tensor.Tensor;
import striate.testing.Fixtures;
import striate.testing.Tolerance;

/**
 * The convolution's backward kernels on a mostly-zero output gradient (the sparse path) against the reference
 * backend: 1-D text shapes as the text-CNN has them after max-over-time pooling, and 2-D shapes with stride, padding,
 * dilation and groups, where windows at the border are cut; the kernel trace shows which path ran, and a dense
 * gradient of the same shape still takes the GEMM path.
 */
class SparseGradConv2dTest {
    private static final Tolerance CLOSE = Tolerance.of(Conv2dBackwardDataOp.class, DType.F32);

    /** One output gradient: dims of x, of W, the parameters, and how many nonzeros per image (0 for all dense). */
    private record Case(String name, long[] x, long[] w, ConvParams p, int nonzerosPerImage) {
    }

    private static final List<Case> SPARSE = List.of(
            new Case("text conv 32→8 width 5, length 300", new long[] {3, 32, 1, 300}, new long[] {8, 32, 1, 5},
                    new ConvParams(1, 1, 0, 0, 1, 1, 1), 8),
            new Case("text conv 16→6 width 3 pad 2, length 200", new long[] {2, 16, 1, 200}, new long[] {6, 16, 1, 3},
                    new ConvParams(1, 1, 0, 2, 1, 1, 1), 6),
            new Case("2-D 6→8 3x3/2 pad 1 dilation 2, groups 2, 40x36", new long[] {2, 6, 40, 36},
                    new long[] {8, 3, 3, 3}, new ConvParams(2, 2, 1, 1, 2, 2, 2), 9),
            new Case("2-D 4→5 5x4 pad 3x2, 30x30, nonzeros at the borders", new long[] {2, 4, 30, 30},
                    new long[] {5, 4, 5, 4}, new ConvParams(1, 1, 3, 2, 1, 1, 1), 40));

    @Test
    void sparseOutputGradientsMatchTheReference() {
        for (Case c : SPARSE) {
            assertEquals(List.of("sparse", "sparse"), compare(c), c.name() + ": the backward paths");
        }
    }

    @Test
    void aDenseOutputGradientKeepsTheGemmPath() {
        Case dense = new Case("text conv 32→8 width 5, dense dy", new long[] {3, 32, 1, 300}, new long[] {8, 32, 1, 5},
                new ConvParams(1, 1, 0, 0, 1, 1, 1), 0);
        assertEquals(List.of("im2col", "im2col"), compare(dense), "the backward paths");
    }

    /** x.grad and W.grad of sum(conv(x, W) · dy) on cpu against reference; returns the cpu backward paths. */
    private static List<String> compare(Case c) {
        Tensor[] ref = gradients(Device.reference(), c, null);
        List<String> paths = new ArrayList<>();
        Tensor[] cpu = gradients(Device.cpu(), c, paths);
        CLOSE.assertClose(c.name() + ": dx", ref[0], cpu[0]);
        CLOSE.assertClose(c.name() + ": dW", ref[1], cpu[1]);
        return paths;
    }

    private static Tensor[] gradients(Device d, Case c, List<String> paths) {
        Tensor x = Fixtures.uniform(d, 1, -1, 1, c.x()).copy().requiresGrad(true);
        Tensor w = Fixtures.uniform(d, 2, -1, 1, c.w()).copy().requiresGrad(true);
        Tensor y = Functional.conv2d(x, w, null, c.p());
        Tensor dy = Tensor.of(d, DType.F32, outputGradient(y.shape().dims(), c.nonzerosPerImage()), y.shape().dims());
        Tensor loss = y.mul(dy).sum();
        try (KernelTrace.Recorder r = KernelTrace.record()) {
            loss.backward();
            if (paths != null) {
                r.events().stream().filter(e -> e.op().startsWith("Conv2dBackward")).map(KernelTrace.Event::path)
                        .sorted().forEach(paths::add);
            }
        }
        return new Tensor[] {x.grad(), w.grad()};
    }

    /** dy [n, k, oh, ow]: that many nonzeros per image at seeded positions (the corners among them), or all dense. */
    private static double[] outputGradient(long[] dims, int perImage) {
        int image = Math.toIntExact(dims[1] * dims[2] * dims[3]);
        double[] dy = new double[Math.toIntExact(dims[0]) * image];
        Rng rng = new Rng(7);
        for (int b = 0; b < dims[0]; b++) {
            if (perImage == 0) {
                for (int i = 0; i < image; i++) {
                    dy[b * image + i] = rng.nextDouble() * 2 - 1;
                }
                continue;
            }
            dy[b * image] = 0.75; // filter 0's first pixel: the window cut at the top left
            dy[b * image + image - 1] = -1.25; // the last filter's last pixel: cut at the bottom right
            for (int i = 2; i < perImage; i++) {
                dy[b * image + rng.nextInt(image)] = rng.nextDouble() * 2 - 1;
            }
        }
        return dy;
    }
}

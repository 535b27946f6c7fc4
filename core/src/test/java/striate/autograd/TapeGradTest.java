package striate.autograd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import striate.nn.Activations;
import striate.nn.Functional;
import striate.op.ConvParams;
import striate.op.PoolParams;
import striate.tensor.DType;
import striate.tensor.Device;
import striate.tensor.Tensor;

/**
 * {@link Tape#grad}: gradients returned for chosen inputs (leaves or computed tensors) without touching any
 * {@code grad()}, equal to backward()'s without createGraph, and with createGraph recorded so they can be
 * differentiated again. The second-order checks compare d/dθ ‖∂f/∂x‖² from Tape.grad(createGraph) and backward
 * with central differences of ‖∂f/∂x‖² computed from first-order gradients, in float64 on the reference.
 */
class TapeGradTest {
    private static final Device REF = Device.reference();

    private static Tensor u(long seed, long... dims) {
        return GradCheck.uniform(REF, seed, -1, 1, dims);
    }

    private static Tensor ones(Tensor like) {
        return Tensor.full(like.device(), like.dtype(), 1, like.shape().dims());
    }

    /** A net that uses both of backward's joins: a weight read by two products, and slices of one tensor. */
    private static Tensor joinedNet(Tensor x, Tensor w, Tensor v) {
        Tensor h = x.matmul(w, false, true).tanh(); // [4, 6]
        Tensor h2 = h.matmul(w.slice(1, 0, 6), false, true); // [4, 6]: w read again by a product
        Tensor a = h2.slice(1, 0, 3); // [4, 3]
        Tensor b = h2.slice(1, 3, 6); // [4, 3]
        return a.mul(b).matmul(v, false, true).square().sum(); // v [2, 3]
    }

    @Test
    void withoutCreateGraphTheGradientsEqualBackwardsAndAreNotRecorded() {
        Tensor x = u(1, 4, 6).requiresGrad(true);
        Tensor w = u(2, 6, 6).requiresGrad(true);
        Tensor v = u(3, 2, 3).requiresGrad(true);
        joinedNet(x, w, v).backward();
        Tensor y = joinedNet(x, w, v);
        List<Tensor> g = Tape.grad(y, ones(y), List.of(x, w, v), false);
        assertArrayEquals(x.grad().toDoubleArray(), g.get(0).toDoubleArray(), 0);
        assertArrayEquals(w.grad().toDoubleArray(), g.get(1).toDoubleArray(), 0);
        assertArrayEquals(v.grad().toDoubleArray(), g.get(2).toDoubleArray(), 0);
        g.forEach(t -> assertFalse(t.requiresGrad()));
        g.forEach(t -> assertNull(t.node()));
    }

    @Test
    void gradLeavesEveryGradUntouched() {
        Tensor x = u(4, 3, 2).requiresGrad(true);
        Tensor w = u(5, 2, 2).requiresGrad(true);
        Tensor before = u(6, 2, 2);
        w.setGrad(before);
        Tensor y = x.matmul(w).tanh().sum();
        Tape.grad(y, ones(y), List.of(x), true);
        Tape.grad(y, ones(y), List.of(w), false);
        assertNull(x.grad());
        assertSame(before, w.grad());
    }

    @Test
    void computedInputsGetTheirGradientsAndUnusedOnesZeros() {
        Tensor a = Tensor.of(REF, DType.F64, new double[] {0.5, -1}).requiresGrad(true);
        Tensor b = Tensor.of(REF, DType.F64, new double[] {2, 3}).requiresGrad(true);
        Tensor unused = u(7, 2, 3).requiresGrad(true);
        Tensor c = a.mul(b); // a computed input
        Tensor y = c.tanh().sum();
        List<Tensor> g = Tape.grad(y, ones(y), List.of(c, a, unused), false);
        double[] cv = {1, -3};
        double[] a0 = {0.5, -1};
        double[] b0 = {2, 3};
        for (int i = 0; i < 2; i++) {
            double dc = 1 - Math.tanh(cv[i]) * Math.tanh(cv[i]);
            assertEquals(dc, g.get(0).toDoubleArray()[i], 1e-12);
            assertEquals(dc * b0[i], g.get(1).toDoubleArray()[i], 1e-12, "through c to a = " + a0[i]);
        }
        assertArrayEquals(new long[] {2, 3}, g.get(2).shape().dims());
        assertArrayEquals(new double[6], g.get(2).toDoubleArray(), 0);
    }

    @Test
    void theOutputItselfAsAnInputGetsTheSeed() {
        Tensor x = u(8, 3).requiresGrad(true);
        Tensor y = x.mul(2);
        Tensor dy = u(9, 3);
        assertArrayEquals(dy.toDoubleArray(), Tape.grad(y, dy, List.of(y), false).get(0).toDoubleArray(), 0);
    }

    @Test
    void anInputThatNeedsNoGradientIsOneErrorLine() {
        Tensor x = u(10, 3);
        Tensor w = u(11, 3).requiresGrad(true);
        Tensor y = x.mul(w).sum();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Tape.grad(y, ones(y), List.of(w, x), true));
        assertTrue(e.getMessage().contains("inputs[1]") && e.getMessage().contains("requiresGrad(true)"),
                e.getMessage());
    }

    @Test
    void secondDerivativeOfACube() {
        Tensor x = Tensor.of(REF, DType.F64, new double[] {-1.5, 0.5, 2}).requiresGrad(true);
        Tensor y = x.pow(3).sum();
        Tensor dx = Tape.grad(y, ones(y), List.of(x), true).get(0); // 3x²
        assertTrue(dx.requiresGrad());
        assertArrayEquals(new double[] {6.75, 0.75, 12}, dx.toDoubleArray(), 1e-12);
        Tensor ddx = Tape.grad(dx.sum(), ones(dx.sum()), List.of(x), false).get(0); // 6x
        assertArrayEquals(new double[] {-9, 3, 12}, ddx.toDoubleArray(), 1e-12);
    }

    /**
     * ‖∂f/∂inputs[wrt]‖² as a function of all inputs. Under GradCheck's analytic pass (recording on) the gradient is
     * taken with createGraph, so backward differentiates it a second time; under its numeric passes (recording off)
     * it is a plain first-order gradient, whose central differences the analytic values must match.
     */
    private static Function<Tensor[], Tensor> squaredGradientNorm(Function<Tensor[], Tensor> f, int wrt) {
        return in -> {
            boolean createGraph = GradMode.isEnabled();
            Tensor g;
            try (GradMode.Scope on = GradMode.on()) {
                Tensor y = f.apply(in);
                g = Tape.grad(y, ones(y), List.of(in[wrt]), createGraph).get(0);
            }
            return g.square().sum();
        };
    }

    private static void assertSecondOrder(String what, Function<Tensor[], Tensor> f, int wrt, Tensor... inputs) {
        GradCheck.Result r = GradCheck.standard().check(squaredGradientNorm(f, wrt), inputs);
        assertTrue(r.passed(), what + ": " + r);
    }

    @Test
    void secondOrderThroughAConvolutionAndTanh() {
        // f = Σ tanh(conv(x, w) + b)²; d/dw and d/db of ‖∂f/∂x‖² go through the backward-data op's own rule.
        Function<Tensor[], Tensor> f = in -> Functional.conv2d(in[0], in[1], in[2], ConvParams.of(2, 1)).tanh()
                .square().sum();
        assertSecondOrder("‖∂f/∂x‖², conv k3 s2 p1", f, 0, u(12, 2, 2, 5, 5), u(13, 3, 2, 3, 3), u(14, 3));
    }

    @Test
    void secondOrderThroughAWeightGradient() {
        // ‖∂f/∂w‖² differentiated to x and w: the backward-filter op's rule (both of its inputs).
        Function<Tensor[], Tensor> f = in -> Functional.conv2d(in[0], in[1], null, new ConvParams(2, 1, 1, 0, 1, 2, 1))
                .tanh().square().sum();
        assertSecondOrder("‖∂f/∂w‖², conv k3x2 stride 2x1 dilation 1x2", f, 1, u(15, 2, 2, 6, 7), u(16, 3, 2, 3, 2));
    }

    @Test
    void secondOrderThroughALeakyReluLinearCritic() {
        // The MLP critic's shape: Linear, LeakyReLU(0.2), Linear, one score per sample.
        Function<Tensor[], Tensor> f = in -> Activations.leakyRelu(in[0].matmul(in[1], false, true).add(in[2]), 0.2)
                .matmul(in[3], false, true).add(in[4]).sum();
        assertSecondOrder("‖∂f/∂x‖², Linear LeakyReLU Linear", f, 0, u(17, 3, 6), u(18, 5, 6), u(19, 5), u(20, 1, 5),
                u(21, 1));
    }

    @Test
    void secondOrderThroughADcganShapedCritic() {
        // Conv k4 s2 p1 (no bias), LeakyReLU(0.2), twice, then a conv to one score, flattened, mean: WGAN-GP's critic.
        Function<Tensor[], Tensor> f = in -> {
            Tensor h = Activations.leakyRelu(Functional.conv2d(in[0], in[1], null, ConvParams.of(2, 1)), 0.2);
            h = Activations.leakyRelu(Functional.conv2d(h, in[2], null, ConvParams.of(2, 1)), 0.2);
            return Functional.conv2d(h, in[3], null, ConvParams.of(1, 0)).flatten().mean();
        };
        assertSecondOrder("‖∂f/∂x‖², DCGAN-shaped critic", f, 0, u(22, 2, 1, 8, 8), u(23, 3, 1, 4, 4),
                u(24, 4, 3, 4, 4), u(25, 1, 4, 2, 2));
    }

    @Test
    void secondOrderThroughBackwardsJoinsAndRulesWrittenWithTheirOutput() {
        // w is read by two products (ProductGradients joins its gradient), h2 by two slices (SliceGradients joins
        // theirs into one concatenation); sigmoid, softmax and tanh write their rules with their own output.
        Function<Tensor[], Tensor> f = in -> {
            Tensor h = in[0].matmul(in[1], false, true).sigmoid(); // [3, 5]
            Tensor h2 = h.matmul(in[1], false, true); // [3, 5]
            return h2.slice(1, 0, 2).softmax(1).mul(in[2]).sum().add(h2.slice(1, 2, 5).tanh().sum());
        };
        Tensor x = u(26, 3, 5);
        Tensor w = u(27, 5, 5);
        Tensor v = u(28, 3, 2);
        assertSecondOrder("‖∂f/∂x‖², sigmoid, softmax, slices", f, 0, x, w, v);
        assertSecondOrder("‖∂f/∂w‖², w's gradient joined from two products", f, 1, x, w, v);
    }

    @Test
    void secondOrderThroughTrainingModeBatchNorm() {
        // Batch statistics, composed of reductions, sub, div and sqrt: every sample's gradient depends on the others.
        // The fused op's backward has no second derivative, so this takes the composed form on purpose.
        Function<Tensor[], Tensor> f = in -> Functional.batchNormComposed(in[0], null, null, in[1], in[2], true, 0.1,
                1e-5).y().tanh().mul(in[3]).sum();
        assertSecondOrder("‖∂f/∂x‖², BatchNorm2d in training", f, 0, u(31, 3, 2, 2, 2), u(32, 2), u(33, 2),
                u(34, 3, 2, 2, 2));
    }

    @Test
    void theFusedBatchNormBackwardIsNamedWhenDifferentiatedAgain() {
        Tensor x = u(35, 3, 2, 2, 2).requiresGrad(true);
        Tensor y = Functional.batchNorm(x, null, null, u(36, 2), u(37, 2), true, 0.1, 1e-5).y().tanh().sum();
        Tensor dx = Tape.grad(y, ones(y), List.of(x), true).get(0);
        Tensor penalty = dx.square().sum();
        UnsupportedOperationException e = assertThrows(UnsupportedOperationException.class, penalty::backward);
        assertTrue(e.getMessage().startsWith("BatchNormBackwardOp has no second derivative yet"), e.getMessage());
    }

    @Test
    void anOpWithoutASecondDerivativeIsNamedWhenMet() {
        Tensor x = u(29, 1, 1, 4, 4).requiresGrad(true);
        Tensor w = u(30, 1, 4).requiresGrad(true);
        Tensor y = Functional.maxPool2d(x, PoolParams.of(2, 2)).flatten().matmul(w, false, true).sum();
        Tensor dx = Tape.grad(y, ones(y), List.of(x), true).get(0);
        Tensor penalty = dx.square().sum();
        UnsupportedOperationException e = assertThrows(UnsupportedOperationException.class, penalty::backward);
        assertTrue(e.getMessage().startsWith("Pool2dBackwardOp has no second derivative yet"), e.getMessage());
    }
}

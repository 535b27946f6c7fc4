package striate.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import striate.autograd.GradCheck;
import striate.autograd.GradMode;
import striate.op.ConvParams;
import striate.op.EmbeddingOp;
import striate.optim.Adam;
import striate.tensor.DType;
import striate.tensor.Device;
import striate.tensor.Rng;
import striate.tensor.ShapeMismatchException;
import striate.tensor.Tensor;

/**
 * WGAN-GP's gradient penalty: its value against a closed form, its gradients with respect to a DCGAN-shaped
 * critic's parameters (no batch norm) and an MLP critic's against central differences, the module and function forms
 * agreeing, a zero gradient giving no NaN, and the error lines.
 */
class GradientPenaltyTest {
    private static final Device REF = Device.reference();

    private static Tensor u(long seed, long... dims) {
        return GradCheck.uniform(REF, seed, -1, 1, dims);
    }

    @Test
    void aLinearCriticsPenaltyIsItsWeightsNormMinusOneSquared() {
        // D(x) = Σ x·v per sample: ∇x D = v for every x̂, so the penalty is (‖v‖ − 1)² and d/dv = 2(‖v‖ − 1)·v/‖v‖.
        double[] v0 = {0.3, -1.2, 0.8, 0.1, 0.5, -0.4};
        Tensor v = Tensor.of(REF, DType.F64, v0, 1, 2, 3).requiresGrad(true);
        Tensor real = u(1, 4, 1, 2, 3);
        Tensor fake = u(2, 4, 1, 2, 3);
        Tensor p = GradientPenalty.of(x -> x.mul(v).sum(new int[] {1, 2, 3}, false), real, fake, new Rng(3));
        double norm = 0;
        for (double e : v0) {
            norm += e * e;
        }
        norm = Math.sqrt(norm);
        assertEquals((norm - 1) * (norm - 1), p.item(), 1e-12);
        p.backward();
        double[] want = new double[v0.length];
        for (int i = 0; i < v0.length; i++) {
            want[i] = 2 * (norm - 1) * v0[i] / norm;
        }
        assertArrayEquals(want, v.grad().toDoubleArray(), 1e-12);
        assertNull(real.grad());
        assertNull(fake.grad());
    }

    /** x [n, 1, 8, 8] → conv k4 s2 p1 → LeakyReLU(0.2) → conv k4 s2 p1 → LeakyReLU(0.2) → conv k2 → [n, 1]. */
    private static Function<Tensor, Tensor> dcganCritic(Tensor w1, Tensor w2, Tensor w3) {
        return x -> {
            Tensor h = Activations.leakyRelu(Functional.conv2d(x, w1, null, ConvParams.of(2, 1)), 0.2); // [n, 3, 4, 4]
            h = Activations.leakyRelu(Functional.conv2d(h, w2, null, ConvParams.of(2, 1)), 0.2); // [n, 4, 2, 2]
            return Functional.conv2d(h, w3, null, ConvParams.of(1, 0)).flatten(); // [n, 1]
        };
    }

    @Test
    void theDcganCriticsParameterGradientsMatchFiniteDifferences() {
        Tensor real = u(4, 3, 1, 8, 8);
        Tensor fake = u(5, 3, 1, 8, 8);
        // The same ε every call: a fresh generator with one seed.
        GradCheck.Result r = GradCheck.standard().check(
                w -> GradientPenalty.of(dcganCritic(w[0], w[1], w[2]), real, fake, new Rng(6)),
                u(7, 3, 1, 4, 4), u(8, 4, 3, 4, 4), u(9, 1, 4, 2, 2));
        assertTrue(r.passed(), r.toString());
    }

    @Test
    void anMlpCriticsParameterGradientsMatchFiniteDifferences() {
        Tensor real = u(10, 4, 1, 2, 3);
        Tensor fake = u(11, 4, 1, 2, 3);
        GradCheck.Result r = GradCheck.standard().check(w -> GradientPenalty.of(x -> Activations.leakyRelu(
                x.flatten().matmul(w[0], false, true).add(w[1]), 0.2).matmul(w[2], false, true).add(w[3]),
                real, fake, new Rng(12)), u(13, 5, 6), u(14, 5), u(15, 1, 5), u(16, 1));
        assertTrue(r.passed(), r.toString());
    }

    @Test
    void aConditionalCriticsParameterGradientsMatchFiniteDifferences() {
        // The cGAN critic's input: the image and its label's embedding as a second channel, [n, 2, 8, 8].
        Tensor real = u(38, 3, 1, 8, 8);
        Tensor fake = u(39, 3, 1, 8, 8);
        Tensor labels = Tensor.ofInts(REF, new int[] {2, 0, 2}, 3);
        GradCheck.Result r = GradCheck.standard().check(w -> GradientPenalty.of(x -> {
            Tensor label = Functional.embedding(labels, w[0], EmbeddingOp.NO_PADDING).reshape(3, 1, 8, 8);
            Tensor h = Activations.leakyRelu(Functional.conv2d(Tensor.cat(1, x, label), w[1], null,
                    ConvParams.of(2, 1)), 0.2); // [3, 3, 4, 4]
            return Functional.conv2d(h, w[2], null, ConvParams.of(1, 0)).flatten(); // [3, 1]
        }, real, fake, new Rng(40)), u(41, 3, 64), u(42, 3, 2, 4, 4), u(43, 1, 3, 4, 4));
        assertTrue(r.passed(), r.toString());
    }

    @Test
    void theModuleFormIsTheFunctionFormOfItsLayers() {
        Rng init = new Rng(17);
        Conv2d c1 = new Conv2d(1, 3, 4, 4, ConvParams.of(2, 1), false, init);
        Conv2d c2 = new Conv2d(3, 4, 4, 4, ConvParams.of(2, 1), false, init);
        Conv2d c3 = new Conv2d(4, 1, 2, 2, ConvParams.of(1, 0), false, init);
        Sequential critic = new Sequential(c1, new LeakyReLU(0.2), c2, new LeakyReLU(0.2), c3, new Flatten());
        critic.to(DType.F64);
        Tensor real = u(18, 5, 1, 8, 8);
        Tensor fake = u(19, 5, 1, 8, 8);
        Tensor p = GradientPenalty.of(critic, real, fake, new Rng(20));
        p.backward();
        List<Tensor> w = List.of(c1.weight().value(), c2.weight().value(), c3.weight().value());
        Tensor[] leaves = w.stream().map(t -> t.copy().detach().requiresGrad(true)).toArray(Tensor[]::new);
        Tensor q = GradientPenalty.of(dcganCritic(leaves[0], leaves[1], leaves[2]), real, fake, new Rng(20));
        q.backward();
        assertEquals(q.item(), p.item(), 0);
        for (int i = 0; i < 3; i++) {
            double[] g = critic.parameters().get(i).grad().toDoubleArray();
            assertArrayEquals(leaves[i].grad().toDoubleArray(), g, 0);
            assertTrue(Arrays.stream(g).anyMatch(e -> e != 0), "layer " + i + " got no gradient");
        }
    }

    @Test
    void withRecordingOffThePenaltyIsThePlainSameValue() {
        Tensor real = u(32, 3, 1, 8, 8);
        Tensor fake = u(33, 3, 1, 8, 8);
        Function<Tensor, Tensor> critic = dcganCritic(u(34, 3, 1, 4, 4).requiresGrad(true),
                u(35, 4, 3, 4, 4).requiresGrad(true), u(36, 1, 4, 2, 2).requiresGrad(true));
        Tensor recorded = GradientPenalty.of(critic, real, fake, new Rng(37));
        Tensor plain;
        try (GradMode.Scope off = GradMode.off()) {
            plain = GradientPenalty.of(critic, real, fake, new Rng(37));
        }
        assertTrue(recorded.requiresGrad());
        assertFalse(plain.requiresGrad());
        assertEquals(recorded.item(), plain.item(), 0);
    }

    @Test
    void minimizingThePenaltyAloneBringsTheCriticsGradientNormsToOne() {
        // The penalty trains the critic: Adam (WGAN-GP's 1e-4 is slow for a test; 1e-2) on it alone, fresh ε each step.
        Rng init = new Rng(44);
        Sequential critic = new Sequential(new Conv2d(1, 4, 4, 4, ConvParams.of(2, 1), false, init),
                new LeakyReLU(0.2), new Conv2d(4, 8, 4, 4, ConvParams.of(2, 1), false, init), new LeakyReLU(0.2),
                new Conv2d(8, 1, 2, 2, ConvParams.of(1, 0), false, init), new Flatten());
        Adam adam = Adam.builder(critic.namedParameters()).lr(1e-2).betas(0, 0.9).build();
        Tensor real = u(45, 8, 1, 8, 8).to(DType.F32);
        Tensor fake = u(46, 8, 1, 8, 8).to(DType.F32);
        Rng rng = new Rng(47);
        double first = GradientPenalty.of(critic, real, fake, new Rng(48)).item();
        for (int step = 0; step < 60; step++) {
            adam.zeroGrad();
            GradientPenalty.of(critic, real, fake, rng).backward();
            adam.step();
        }
        double last = GradientPenalty.of(critic, real, fake, new Rng(48)).item();
        assertTrue(first > 0.1 && last < first / 10, "penalty " + first + " → " + last);
    }

    @Test
    void theRandomMixDependsOnTheGenerator() {
        Function<Tensor, Tensor> critic = x -> x.square().sum(new int[] {1, 2, 3}, false); // ∇ = 2x̂: depends on ε
        Tensor real = u(21, 4, 1, 3, 3);
        Tensor fake = u(22, 4, 1, 3, 3);
        double a = GradientPenalty.of(critic, real, fake, new Rng(23)).item();
        double b = GradientPenalty.of(critic, real, fake, new Rng(23)).item();
        double c = GradientPenalty.of(critic, real, fake, new Rng(24)).item();
        assertEquals(a, b, 0);
        assertTrue(a != c, "another generator mixes other ε");
    }

    @Test
    void aZeroGradientGivesPenaltyOneAndAZeroSubgradientNotNaN() {
        Tensor v = Tensor.zeros(REF, DType.F64, 1, 2, 2).requiresGrad(true);
        Tensor p = GradientPenalty.of(x -> x.mul(v).sum(new int[] {1, 2, 3}, false), u(25, 3, 1, 2, 2),
                u(26, 3, 1, 2, 2), new Rng(27));
        assertEquals(1, p.item(), 0);
        p.backward();
        assertArrayEquals(new double[4], v.grad().toDoubleArray(), 0);
    }

    @Test
    void mismatchedBatchesAndAScoreThatIsNotPerSampleAreOneErrorLine() {
        ShapeMismatchException shapes = assertThrows(ShapeMismatchException.class,
                () -> GradientPenalty.of(x -> x, u(28, 2, 1, 3, 3), u(29, 3, 1, 3, 3), new Rng(1)));
        assertTrue(shapes.getMessage().contains("real [2, 1, 3, 3] and fake [3, 1, 3, 3]"), shapes.getMessage());
        ShapeMismatchException score = assertThrows(ShapeMismatchException.class,
                () -> GradientPenalty.of(x -> x.flatten(), u(30, 2, 1, 3, 3), u(31, 2, 1, 3, 3), new Rng(1)));
        assertTrue(score.getMessage().contains("critic output [2, 9]"), score.getMessage());
    }
}

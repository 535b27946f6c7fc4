package striate.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import striate.backend.KernelTrace;
import striate.nn.Conv2d;
import striate.nn.Flatten;
import striate.nn.GradientPenalty;
import striate.nn.LeakyReLU;
import striate.nn.Linear;
import striate.nn.Module;
import striate.nn.Sequential;
import striate.op.Conv2dBackwardDataOp;
import striate.op.ConvParams;
import striate.tensor.DType;
import striate.tensor.Device;
import striate.tensor.Rng;
import striate.tensor.Tensor;

/**
 * WGAN-GP's gradient penalty on one backend against the reference, subclassed per backend like {@link OpConformance}:
 * the penalty's value and the gradients it sends to every parameter of a narrow WGAN-GP critic (the DCGAN
 * discriminator's layers without batch norm, on 28×28 images) and of the MLP critic, in float32. These gradients
 * run the convolution's three ops twice over (the critic's gradient, then that gradient's backward); the kernel trace
 * shows every one on this backend's own kernels.
 */
public abstract class GradientPenaltyConformance {
    /** The device under test. */
    protected abstract Device device();

    /** The name of the kernel that serves this backend's three conv ops in its table (CpuConv2d, CudnnConv2d). */
    protected abstract String convKernel();

    /** Sums of products in float32, as the conv kernels' table entry. */
    private static final Tolerance CLOSE = Tolerance.of(Conv2dBackwardDataOp.class, DType.F32);

    /** x [n, 1, 28, 28] → Conv k4 s2 p1 → LeakyReLU(0.2) → Conv k4 s2 p1 → LeakyReLU(0.2) → Conv k7 → [n, 1]. */
    private static Module dcganCritic(long width, Rng rng) {
        return new Sequential(new Conv2d(1, width, 4, 4, ConvParams.of(2, 1), false, rng), new LeakyReLU(0.2),
                new Conv2d(width, 2 * width, 4, 4, ConvParams.of(2, 1), false, rng), new LeakyReLU(0.2),
                new Conv2d(2 * width, 1, 7, 7, ConvParams.of(1, 0), false, rng), new Flatten());
    }

    /** x [n, 1, 28, 28] → flatten → Linear(784, 32) → LeakyReLU(0.2) → Linear(32, 16) → LeakyReLU(0.2) → Linear(16, 1). */
    private static Module mlpCritic(Rng rng) {
        return new Sequential(new Flatten(), new Linear(784, 32, rng), new LeakyReLU(0.2), new Linear(32, 16, rng),
                new LeakyReLU(0.2), new Linear(16, 1, rng));
    }

    /** The penalty and its gradient with respect to each of the critic's parameters, on d. */
    private static Map<String, double[]> pass(Module critic, Device d) {
        critic.to(d);
        Tensor real = Fixtures.uniform(d, 51, -1, 1, 5, 1, 28, 28);
        Tensor fake = Fixtures.uniform(d, 52, -1, 1, 5, 1, 28, 28);
        Tensor p = GradientPenalty.of(critic, real, fake, new Rng(53));
        p.backward();
        Map<String, double[]> out = new LinkedHashMap<>();
        out.put("penalty", p.toDoubleArray());
        // A bias reaches the critic's input gradient only through LeakyReLU's branch choice: it gets no gradient.
        critic.namedParameters().forEach((name, w) -> out.put(w.grad() == null ? "no gradient of " + name
                : "gradient of " + name, w.grad() == null ? new double[0] : w.grad().toDoubleArray()));
        return out;
    }

    private void assertSamePenalty(String what, Supplier<Module> make) {
        Map<String, double[]> ref = pass(make.get(), Device.reference());
        Map<String, double[]> got = pass(make.get(), device());
        assertEquals(ref.keySet(), got.keySet(), what);
        ref.forEach((k, v) -> assertNull(CLOSE.mismatches(what + " " + k, v, got.get(k))));
        assertTrue(ref.get("penalty")[0] > 0, what + ": a penalty of 0 compares nothing");
    }

    @Test
    void theDcganCriticsPenaltyAndItsGradientsMatchTheReference() {
        assumeFalse(device().equals(Device.reference()), "compares this backend with the reference backend");
        assertSamePenalty("WGAN-GP critic, widths 8 and 16", () -> dcganCritic(8, new Rng(54)));
    }

    @Test
    void theMlpCriticsPenaltyAndItsGradientsMatchTheReference() {
        assumeFalse(device().equals(Device.reference()), "compares this backend with the reference backend");
        assertSamePenalty("MLP critic 784→32→16→1", () -> mlpCritic(new Rng(55)));
    }

    @Test
    void thePenaltyRunsThisBackendsOwnConvKernels() {
        Module critic = dcganCritic(4, new Rng(56));
        critic.to(device());
        Tensor real = Fixtures.uniform(device(), 57, -1, 1, 2, 1, 28, 28);
        Tensor fake = Fixtures.uniform(device(), 58, -1, 1, 2, 1, 28, 28);
        Set<String> kernels;
        try (KernelTrace.Recorder r = KernelTrace.record()) {
            GradientPenalty.of(critic, real, fake, new Rng(59)).backward();
            assertTrue(r.events().stream().noneMatch(KernelTrace.Event::borrowed), r.summary());
            kernels = r.events().stream().map(e -> e.op() + " " + e.kernel()).collect(Collectors.toSet());
        }
        assertTrue(kernels.containsAll(Set.of("Conv2dOp " + convKernel(), "Conv2dBackwardDataOp " + convKernel(),
                "Conv2dBackwardFilterOp " + convKernel())), kernels.toString());
    }
}
